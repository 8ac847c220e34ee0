import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from './rank-sum.ts';

// Reference values from SciPy 1.10.1, scipy.stats.mannwhitneyu(x, y, alternative='two-sided') with its defaults
// (Debian's python3-scipy, run on 2026-11-30): [x, y, statistic, pvalue].
const scipy: [string, number[], number[], number, number][] = [
  ['small, no ties (exact)', [1.1, 2.3, 3.5, 4.2], [2.9, 5.1, 6.0, 7.4, 8.8], 2.0, 0.06349206349206349],
  ['small, fully separated (exact)', [1, 2, 3], [4, 5, 6], 0.0, 0.1],
  ['four seeds each (exact)', [27.4, 19.1, 30.2, 22.8], [15.2, 8.5, 12.1, 17.9], 16.0, 0.02857142857142857],
  ['ties (normal approximation)', [1, 2, 2, 3, 4, 4, 5, 9], [2, 3, 5, 5, 6, 7, 8, 8, 10], 17.5, 0.08118620106215915],
  ['10 and 11 values (normal approximation)', [0.12, 0.55, 0.31, 0.78, 0.91, 0.05, 0.44, 0.67, 0.23, 0.39], [0.72, 0.88, 0.95, 0.61, 0.47, 0.99, 0.83, 0.58, 0.76, 0.69, 0.81], 19.0, 0.012425126520044185],
];

describe('mannWhitneyU', () => {
  it.each(scipy)('matches SciPy: %s', (_label, x, y, statistic, pvalue) => {
    const result = mannWhitneyU(x, y);
    expect(result.u).toBe(statistic);
    expect(result.p).toBeCloseTo(pvalue, 12);
  });

  it('is symmetric in the groups (U swaps to m·n − U, the same p)', () => {
    const x = [3, 1, 4, 1.5, 5];
    const y = [9, 2, 6, 5.5];
    const forward = mannWhitneyU(x, y);
    const backward = mannWhitneyU(y, x);
    expect(backward.u).toBe(x.length * y.length - forward.u);
    expect(backward.p).toBe(forward.p);
  });

  it('refuses empty groups and values that are not numbers', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/both groups need values/);
    expect(() => mannWhitneyU([1, Number.NaN], [2])).toThrow(/finite number/);
  });
});
