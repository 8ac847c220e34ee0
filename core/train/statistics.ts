// 95% confidence intervals for evaluation results: Wilson's score interval for a proportion (held-out
// accuracy: each trial right or wrong; it stays inside [0, 1] and behaves near 0 and 1, where the normal
// approximation the paper's ±1.96·sqrt(p(1−p)/n) uses does not), and Student's t for the mean of anything
// else (errors, rewards, losses). The t quantile comes from stdlib (an exact inverse, not a table).
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export interface Interval {
  mean: number;
  /** Bounds of the 95% confidence interval; null when one value cannot bound it. */
  low: number | null;
  high: number | null;
  /** How many independent values it rests on. */
  count: number;
  method: 'wilson' | 't';
}

const z95 = 1.959963984540054;

/** Wilson score interval (95%) for `successes` out of `trials`. */
export function wilsonInterval(successes: number, trials: number): Interval {
  if (!(trials > 0) || successes < 0 || successes > trials) throw new RangeError(`wilsonInterval: ${successes} successes out of ${trials} trials`);
  const p = successes / trials;
  const z2 = z95 * z95;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z95 / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { mean: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half), count: trials, method: 'wilson' };
}

/** Student's t interval (95%) for the mean of independent values; a single value has no interval (null bounds). */
export function meanInterval(values: ArrayLike<number>): Interval {
  const n = values.length;
  if (n === 0) throw new RangeError('meanInterval: no values');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  if (n === 1) return { mean, low: null, high: null, count: 1, method: 't' };
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mean) ** 2;
  const half = tQuantile(0.975, n - 1) * Math.sqrt(squares / (n - 1) / n);
  return { mean, low: mean - half, high: mean + half, count: n, method: 't' };
}
