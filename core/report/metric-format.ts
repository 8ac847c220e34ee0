// How reports (and the app's Sweeps view) write numbers: a metric's value — accuracies as percentages, others with
// four significant digits —, a median with its inter-quartile range, and a p-value.
export const percentLike = (metric: string) => metric === 'accuracy';

export const formatValue = (metric: string, x: number) =>
  percentLike(metric) ? `${(100 * x).toFixed(1)}%` : Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4);

/** "0.2500 [0.2450, 0.2550] (3)": a median, its quartiles and the number of runs. */
export const formatSpread = (metric: string, s: { median: number; q1: number; q3: number; values: readonly number[] } | undefined) =>
  s ? `${formatValue(metric, s.median)} [${formatValue(metric, s.q1)}, ${formatValue(metric, s.q3)}] (${s.values.length})` : '—';

export const formatPValue = (p: number) => (p < 0.001 ? p.toExponential(1) : p.toPrecision(2));
