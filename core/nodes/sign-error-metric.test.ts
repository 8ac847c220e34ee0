import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltMetric } from './kind.ts';
import { SignErrorMetric } from './sign-error-metric.ts';
import { testBuildContext } from './testing/build-context.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The batch's mean, as progress shows it; `each` gives the per-episode values evaluation pools. */
function measure(prediction: tf.Tensor, target: tf.Tensor, each?: (values: number[]) => void): number {
  const built = SignErrorMetric.build({}, testBuildContext(tf, {})) as BuiltMetric;
  expect(built.role).toBe('metric');
  expect(built.metricName).toBe('signError');
  expect(built.proportion).toBeFalsy();
  const values = Array.from(built.measure({ prediction, target }));
  each?.(values);
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe('SignErrorMetric.measure', () => {
  it('is the fraction of values with the wrong sign at the last step, over values and episodes', () => {
    const target = tf.tensor3d([
      [[1, 1, 1, 1], [1, 1, 1, 1]],
      [[1, -1, 1, -1], [-1, -1, 1, 1]],
    ]);
    const prediction = tf.tensor3d([
      [[-1, -1, -1, -1], [-1, -1, -1, -1]], // step 0 is all wrong, but only the last step counts
      [[0.9, -0.2, -0.5, 0.1], [0.3, -0.7, 0.2, 0.4]], // wrong: 2 in episode 0, 1 in episode 1
    ]);
    expect(measure(prediction, target, (each) => expect(each).toEqual([2 / 4, 1 / 4]))).toBeCloseTo(3 / 8, 7);
  });

  it('counts an output of exactly 0 as wrong, and is 0 for a perfect prediction', () => {
    const target = tf.tensor3d([[[1, -1]]]);
    expect(measure(tf.tensor3d([[[0, -3]]]), target)).toBeCloseTo(0.5, 7);
    expect(measure(tf.tensor3d([[[0.01, -0.01]]]), target)).toBe(0);
  });

  it('leaves no tensors behind', () => {
    const target = tf.tensor3d([[[1, -1]]]);
    const prediction = tf.tensor3d([[[1, 1]]]);
    const before = tf.memory().numTensors;
    measure(prediction, target);
    expect(tf.memory().numTensors).toBe(before);
  });
});
