import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../shared/channels.ts';
import { automaticSmoothing, lastSmoothed, movingAverage, pickValue, primaryMetric } from './smoothing.ts';

const point = (episode: number, loss: number | null, signError?: number | null): MetricPoint => ({ episode, loss, metrics: signError === undefined ? {} : { signError } });

describe('movingAverage', () => {
  it('averages each value with the ones before it, over at most N', () => {
    expect(movingAverage([1, 2, 3, 4, 5, 6], 3)).toEqual([1, 1.5, 2, 3, 4, 5]);
  });

  it('returns the raw values for N = 1', () => {
    const raw = [3, null, 1];
    expect(movingAverage(raw, 1)).toEqual(raw);
    expect(movingAverage(raw, 1)).not.toBe(raw);
  });

  it('skips missing and non-finite values instead of spreading them', () => {
    expect(movingAverage([2, null, NaN, 4, Infinity, 6], 2)).toEqual([2, 2, null, 4, 4, 6]);
  });

  it('matches a direct computation on a long noisy series', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10 + i / 100);
    const smooth = movingAverage(values, 25);
    for (const i of [0, 10, 24, 25, 500, 999]) {
      const window = values.slice(Math.max(0, i - 24), i + 1);
      expect(smooth[i]).toBeCloseTo(window.reduce((a, b) => a + b, 0) / window.length, 9);
    }
  });
});

describe('run history values', () => {
  const points = [point(1, 4, 0.5), point(2, 3, 0.4), point(3, null, 0.3), point(4, 1, 0.1)];

  it('gives the mean of the last N finite values', () => {
    expect(lastSmoothed(points, pickValue('loss'), 3)).toBeCloseTo(2);
    expect(lastSmoothed(points, pickValue('signError'), 2)).toBeCloseTo(0.2);
    expect(lastSmoothed(points, pickValue('signError'), 1)).toBe(0.1);
    expect(lastSmoothed([], pickValue('loss'), 10)).toBeNull();
  });

  it('judges a run by its expected metric, else its first metric, else the loss', () => {
    expect(primaryMetric({ metric: 'signError' }, points)).toBe('signError');
    expect(primaryMetric({ metric: 'accuracy' }, points)).toBe('signError');
    expect(primaryMetric({ metric: null }, [point(1, 2)])).toBe('loss');
    expect(primaryMetric({ metric: 'signError' }, [])).toBe('signError');
  });

  it('smooths by default only runs longer than 100 episodes', () => {
    expect(automaticSmoothing(100)).toBe(1);
    expect(automaticSmoothing(101)).toBe(10);
  });
});
