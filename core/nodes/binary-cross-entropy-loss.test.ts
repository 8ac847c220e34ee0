import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BinaryCrossEntropyLoss } from './binary-cross-entropy-loss.ts';
import type { BuiltLoss } from './kind.ts';
import { testBuildContext } from './testing/build-context.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function build(): BuiltLoss {
  const built = BinaryCrossEntropyLoss.build({}, testBuildContext(tf, { prediction: [3], target: [3] })) as BuiltLoss;
  expect(built.role).toBe('loss');
  return built;
}

describe('BinaryCrossEntropyLoss.loss', () => {
  it('is the mean over values and episodes of −[t·log p + (1−t)·log(1−p)] at the last step', () => {
    // [T=2, B=2, 3]: step 0 is nonsense on purpose (only the last step counts).
    const prediction = tf.tensor3d([
      [[0.01, 0.01, 0.98], [0.98, 0.01, 0.01]],
      [[0.7, 0.2, 0.1], [0.25, 0.25, 0.5]],
    ]);
    const target = tf.tensor3d([
      [[1, 0, 0], [0, 0, 1]],
      [[1, 0, 0], [0, 1, 0]],
    ]);
    // Episode 0: −[log 0.7 + log 0.8 + log 0.9] / 3; episode 1: −[log 0.75 + log 0.25 + log 0.5] / 3.
    const episode0 = -(Math.log(0.7) + Math.log(0.8) + Math.log(0.9)) / 3;
    const episode1 = -(Math.log(0.75) + Math.log(0.25) + Math.log(0.5)) / 3;
    const loss = build().loss({ prediction, target });
    expect(loss.shape).toEqual([]);
    expect(loss.dataSync()[0]).toBeCloseTo((episode0 + episode1) / 2, 6);
  });

  it('uses soft targets too, and is lowest where the prediction equals the target', () => {
    const target = tf.tensor3d([[[0.3, 0.7]]]);
    const at = (p: number) => build().loss({ prediction: tf.tensor3d([[[p, 1 - p]]]), target }).dataSync()[0];
    const expected = -(0.3 * Math.log(0.4) + 0.7 * Math.log(0.6) + 0.7 * Math.log(0.6) + 0.3 * Math.log(0.4)) / 2;
    expect(at(0.4)).toBeCloseTo(expected, 6);
    expect(at(0.3)).toBeLessThan(at(0.25));
    expect(at(0.3)).toBeLessThan(at(0.35));
  });

  it('stays finite for saturated outputs: p is clipped to [1e-7, 1 − 1e-7]', () => {
    const loss = build().loss({ prediction: tf.tensor3d([[[0, 1]]]), target: tf.tensor3d([[[1, 0]]]) }).dataSync()[0];
    expect(Number.isFinite(loss)).toBe(true);
    // Both values are wrong by the whole clip range: −log(1e-7) ≈ 16.12 each (float32 rounds 1 − 1e-7).
    expect(loss).toBeGreaterThan(15.5);
    expect(loss).toBeLessThan(16.2);
  });

  it('has the analytic gradient (p − t) / (p·(1 − p)·n) at the last step and none before', () => {
    const built = build();
    const p = tf.tensor3d([[[0.5, 0.5]], [[0.2, 0.8]]]); // T=2, B=1, 2 values
    const t = tf.tensor3d([[[1, 0]], [[1, 0]]]);
    const grad = Array.from(tf.grad((x: tf.Tensor) => built.loss({ prediction: x, target: t }))(p).dataSync());
    const analytic = (pv: number, tv: number) => (pv - tv) / (pv * (1 - pv) * 2);
    expect(grad.slice(0, 2)).toEqual([0, 0]);
    expect(grad[2]).toBeCloseTo(analytic(0.2, 1), 4);
    expect(grad[3]).toBeCloseTo(analytic(0.8, 0), 4);
  });

  it('flattens multi-dimensional values and leaves no tensors behind', () => {
    const built = build();
    const prediction = tf.fill([1, 2, 2, 2], 0.5);
    const target = tf.tensor([[[[1, 0], [0, 1]], [[0, 0], [1, 1]]]]);
    const before = tf.memory().numTensors;
    const loss = built.loss({ prediction, target });
    expect(loss.dataSync()[0]).toBeCloseTo(Math.log(2), 6);
    loss.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
