// LeanAdamOptimizer against tf.train.adam: same values step after step, same moment names, no leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { leanAdam } from './lean-adam.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function train(makeOptimizer: () => tf.Optimizer, steps: number) {
  const a = tf.variable(tf.tensor2d([[0.5, -1.2, 2], [0.1, 0, -0.3]]), true, 'a');
  const b = tf.variable(tf.tensor1d([1, -2, 3]), true, 'b');
  const optimizer = makeOptimizer();
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const cost = optimizer.minimize(() => tf.sum(tf.square(tf.sub(tf.matMul(a, tf.reshape(b, [3, 1])), tf.tensor2d([[1], [step % 2]])))), true, [a, b]);
    losses.push(cost!.dataSync()[0]);
    cost!.dispose();
  }
  const result = { a: a.dataSync().slice(), b: b.dataSync().slice(), losses, optimizer };
  tf.dispose([a, b]);
  return result;
}

describe('LeanAdamOptimizer', () => {
  it('takes the same steps as tf.train.adam', async () => {
    const start = tf.memory().numTensors;
    const expected = train(() => tf.train.adam(0.05, 0.9, 0.999, 1e-8), 20);
    const tensorsBefore = tf.memory().numTensors;
    const actual = train(() => leanAdam(0.05, 0.9, 0.999, 1e-8), 20);
    expect(actual.losses[19]).toBeLessThan(actual.losses[0]);
    expect(Array.from(actual.a)).toEqual(Array.from(expected.a));
    expect(Array.from(actual.b)).toEqual(Array.from(expected.b));
    expect(actual.losses).toEqual(expected.losses);
    // No more tensors left behind than tfjs's Adam leaves (its moments and beta powers).
    expect(tf.memory().numTensors - tensorsBefore).toBe(tensorsBefore - start);
    const names = (await actual.optimizer.getWeights()).map((w) => w.name);
    expect(names).toEqual((await expected.optimizer.getWeights()).map((w) => w.name));
    actual.optimizer.dispose();
    expected.optimizer.dispose();
  });

  it('continues exactly from its moments read back into a fresh optimizer, at a learning rate set between steps', async () => {
    const loss = (a: tf.Variable) => () => tf.sum(tf.square(tf.sub(a, tf.tensor1d([1, -1, 2])))) as tf.Scalar;
    const make = () => tf.variable(tf.tensor1d([0.5, 0.2, -0.3]), true);
    const whole = make();
    const optimizer = leanAdam(0.1);
    for (let step = 0; step < 6; step++) {
      if (step === 3) optimizer.setLearningRate(0.02);
      optimizer.minimize(loss(whole), false, [whole]);
    }
    const split = make();
    const first = leanAdam(0.1);
    expect(await first.moments([split])).toBeNull();
    for (let step = 0; step < 3; step++) first.minimize(loss(split), false, [split]);
    const moments = (await first.moments([split]))!;
    const second = leanAdam(0.02);
    await second.restore(first.iterations, [split], moments.map(({ m, v }) => ({ m: m.clone(), v: v.clone() })));
    for (let step = 3; step < 6; step++) second.minimize(loss(split), false, [split]);
    expect(Array.from(split.dataSync())).toEqual(Array.from(whole.dataSync()));
    expect(Array.from(split.dataSync())).not.toEqual([0.5, 0.2, -0.3]);
  });
});
