// The 95% intervals evaluation reports: known values, and coverage on simulated data (the property that
// matters: a 95% interval must contain the true value about 95% of the time).
import { describe, expect, it } from 'vitest';
import { createRng } from '../util/random.ts';
import { meanInterval, wilsonInterval } from './statistics.ts';

describe('wilsonInterval', () => {
  it('matches the score interval computed by hand (Wilson 1927): 8 of 10, and the edges 0 of 20, 20 of 20', () => {
    // p = 0.8, n = 10, z = 1.96: centre (0.8 + 0.19208) / 1.38415 = 0.71678, half 1.41603 · sqrt(0.016 + 0.0096040) = 0.22657
    const i = wilsonInterval(8, 10);
    expect(i.mean).toBe(0.8);
    expect(i.low).toBeCloseTo(0.4902, 3);
    expect(i.high).toBeCloseTo(0.9433, 3);
    expect(wilsonInterval(0, 20)).toMatchObject({ low: 0 });
    expect(wilsonInterval(0, 20).high).toBeCloseTo(0.1611, 3);
    expect(wilsonInterval(20, 20).low).toBeCloseTo(0.8389, 3);
    expect(wilsonInterval(20, 20).high).toBe(1);
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
  });

  it('covers the true accuracy of a known binomial about 95% of the time (p = 0.95, n = 2,000, 1,000 repeats)', () => {
    const rng = createRng('wilson-coverage');
    const p = 0.95;
    let covered = 0;
    for (let repeat = 0; repeat < 1000; repeat++) {
      let successes = 0;
      for (let trial = 0; trial < 2000; trial++) if (rng.uniform() < p) successes++;
      const i = wilsonInterval(successes, 2000);
      if (i.low! <= p && p <= i.high!) covered++;
    }
    expect(covered / 1000).toBeGreaterThan(0.93);
    expect(covered / 1000).toBeLessThan(0.97);
  });
});

describe('meanInterval', () => {
  it('is mean ± t(0.975, n−1) · s / sqrt(n): for 1..5, 3 ± 2.7764 · 1.5811 / 2.2361', () => {
    const i = meanInterval([1, 2, 3, 4, 5]);
    expect(i.mean).toBe(3);
    expect(i.high! - 3).toBeCloseTo((2.776445 * Math.sqrt(2.5)) / Math.sqrt(5), 5);
    expect(i.low! + i.high!).toBeCloseTo(6, 10);
    expect(meanInterval([4])).toMatchObject({ mean: 4, low: null, high: null, count: 1 });
  });

  it('covers the true mean of normal samples about 95% of the time, even for small samples (n = 5)', () => {
    const rng = createRng('t-coverage');
    let covered = 0;
    for (let repeat = 0; repeat < 2000; repeat++) {
      const values = Array.from({ length: 5 }, () => 10 + 3 * rng.normal());
      const i = meanInterval(values);
      if (i.low! <= 10 && 10 <= i.high!) covered++;
    }
    // A normal quantile (1.96) instead of t would cover only ~88% here.
    expect(covered / 2000).toBeGreaterThan(0.93);
    expect(covered / 2000).toBeLessThan(0.97);
  });
});
