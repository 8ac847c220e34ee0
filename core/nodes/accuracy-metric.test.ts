import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccuracyMetric } from './accuracy-metric.ts';
import type { BuiltMetric } from './kind.ts';
import { testBuildContext } from './testing/build-context.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The batch's mean, as progress shows it; `each` gives the per-episode values evaluation pools. */
function measure(prediction: tf.Tensor, target: tf.Tensor, each?: (values: number[]) => void): number {
  const built = AccuracyMetric.build({}, testBuildContext(tf, {})) as BuiltMetric;
  expect(built.role).toBe('metric');
  expect(built.metricName).toBe('accuracy');
  expect(built.proportion).toBe(true);
  const values = Array.from(built.measure({ prediction, target }));
  each?.(values);
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe('AccuracyMetric.measure', () => {
  it('is the fraction of episodes whose argmax matches the target’s at the last step', () => {
    // [T=2, B=4, 3]; step 0 would be all correct, but only the last step counts.
    const target = tf.tensor3d([
      [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]],
      [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]],
    ]);
    const prediction = tf.tensor3d([
      [[0.9, 0, 0.1], [0, 1, 0], [0, 0, 1], [1, 0, 0]],
      [[0.5, 0.3, 0.2], [0.6, 0.3, 0.1], [0.1, 0.2, 0.7], [0.4, 0.35, 0.25]], // right, wrong, right, wrong
    ]);
    expect(measure(prediction, target, (each) => expect(each).toEqual([1, 0, 1, 0]))).toBeCloseTo(2 / 4, 7);
  });

  it('is 1 for a perfect batch and 0 for an all-wrong one; ties go to the first index', () => {
    const target = tf.tensor3d([[[0, 1], [1, 0]]]);
    expect(measure(tf.tensor3d([[[0.1, 0.9], [0.8, 0.2]]]), target)).toBe(1);
    expect(measure(tf.tensor3d([[[0.9, 0.1], [0.2, 0.8]]]), target)).toBe(0);
    expect(measure(tf.tensor3d([[[0.5, 0.5], [0.5, 0.5]]]), target)).toBeCloseTo(0.5, 7);
  });

  it('leaves no tensors behind', () => {
    const target = tf.tensor3d([[[1, 0]]]);
    const prediction = tf.tensor3d([[[0.2, 0.8]]]);
    const before = tf.memory().numTensors;
    measure(prediction, target);
    expect(tf.memory().numTensors).toBe(before);
  });
});
