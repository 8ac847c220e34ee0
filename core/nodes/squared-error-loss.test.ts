import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltLoss } from './kind.ts';
import { SquaredErrorLoss } from './squared-error-loss.ts';
import { testBuildContext } from './testing/build-context.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// [T=2, B=2, 3] prediction and target; the squared errors per step and episode are listed in the comments.
const prediction = tf.tensor3d([
  [[1, 0, 0], [0, 0, 0]], // step 0: episode 0 errors (1,0,0)² sum 1; episode 1 (0,0,1)² sum 1
  [[1, 2, 3], [0, -1, 0]], // step 1: episode 0 (0,2,4)² sum 20; episode 1 (1,1,0)² sum 2
]);
const target = tf.tensor3d([
  [[0, 0, 0], [0, 0, 1]],
  [[1, 0, -1], [1, 0, 0]],
]);

function lossOf(params: Record<string, unknown>): number {
  const built = SquaredErrorLoss.build(SquaredErrorLoss.params.parse(params), testBuildContext(tf, { prediction: [3], target: [3] })) as BuiltLoss;
  expect(built.role).toBe('loss');
  const loss = built.loss({ prediction, target });
  expect(loss.shape).toEqual([]);
  return loss.dataSync()[0];
}

describe('SquaredErrorLoss.loss', () => {
  it('sums the last step’s squared errors and averages the episodes (the paper’s loss)', () => {
    expect(lossOf({})).toBeCloseTo((20 + 2) / 2, 6);
  });

  it('averages over values with reduction "mean"', () => {
    expect(lossOf({ reduction: 'mean' })).toBeCloseTo((20 / 3 + 2 / 3) / 2, 6);
  });

  it('counts every step with at "everyStep"', () => {
    expect(lossOf({ at: 'everyStep' })).toBeCloseTo((1 + 20 + 1 + 2) / 2, 6);
    expect(lossOf({ at: 'everyStep', reduction: 'mean' })).toBeCloseTo((21 / 6 + 3 / 6) / 2, 6);
  });

  it('flattens multi-dimensional values and has a gradient of 2·(prediction − target) at the last step', () => {
    const built = SquaredErrorLoss.build(SquaredErrorLoss.params.parse({}), testBuildContext(tf, {})) as BuiltLoss;
    const p = tf.tensor([[[[1, 2], [3, 4]]]]); // [T=1, B=1, 2, 2]
    const t = tf.zeros([1, 1, 2, 2]);
    expect(built.loss({ prediction: p, target: t }).dataSync()[0]).toBeCloseTo(30, 5);
    const grad = tf.grad((x: tf.Tensor) => built.loss({ prediction: x, target: t }))(p);
    expect(Array.from(grad.dataSync())).toEqual([2, 4, 6, 8]);
  });
});
