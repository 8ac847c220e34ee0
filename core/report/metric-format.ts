// How reports write a metric's value: accuracies as percentages, others with four significant digits.
export const percentLike = (metric: string) => metric === 'accuracy';

export const formatValue = (metric: string, x: number) =>
  percentLike(metric) ? `${(100 * x).toFixed(1)}%` : Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4);
