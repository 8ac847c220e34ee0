import { describe, expect, it } from 'vitest';
import { ownerNode, summarizeParameter } from './weight-summary.ts';

describe('summarizeParameter', () => {
  it('gives shape, count, mean, population std, min and max', () => {
    const s = summarizeParameter('memory/w', 'memory', [2, 2], new Float32Array([1, 2, 3, 4]));
    expect(s).toEqual({ name: 'memory/w', node: 'memory', param: 'w', shape: [2, 2], count: 4, mean: 2.5, std: Math.sqrt(1.25), min: 1, max: 4, nonFinite: 0 });
  });

  it('gives the value of a one-element parameter', () => {
    expect(summarizeParameter('memory/eta', 'memory', [1], new Float32Array([0.25]))).toMatchObject({ value: 0.25, mean: 0.25, std: 0 });
  });

  it('counts NaN and infinite values apart, and summarises the rest', () => {
    const s = summarizeParameter('m/w', 'm', [4], new Float32Array([NaN, 1, Infinity, 3]));
    expect(s).toMatchObject({ nonFinite: 2, mean: 2, min: 1, max: 3, std: 1 });
    const all = summarizeParameter('m/eta', 'm', [1], new Float32Array([NaN]));
    expect(all).toMatchObject({ nonFinite: 1, mean: null, std: null, min: null, max: null, value: null });
  });

  it('keeps the spread of values far from zero (no cancellation)', () => {
    const step = 2 ** -10; // 1000 ± step is exact in float32
    const values = new Float32Array(1_000_000).map((_, i) => 1000 + (i % 2 ? step : -step));
    const s = summarizeParameter('m/w', 'm', [1000, 1000], values);
    expect(s.mean).toBe(1000);
    expect(s.std).toBeCloseTo(step, 12);
  });
});

describe('ownerNode', () => {
  it('finds the node of a weight, also when node ids hold slashes', () => {
    expect(ownerNode('memory/alpha', ['patterns', 'memory'])).toBe('memory');
    expect(ownerNode('a/b/w', ['a', 'a/b'])).toBe('a/b');
    expect(ownerNode('ghost/w', ['memory'])).toBe('ghost');
  });
});
