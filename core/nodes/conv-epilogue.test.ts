// The fused bias + activation + layout op against the same computation in tfjs ops (values and autodiff
// gradients) and against finite differences, on the cpu backend and on wasm (where it reads and writes the
// backend's memory directly).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../compile/backend.ts';
import { convEpilogueOp, type ConvActivation } from './conv-epilogue.ts';

const g = { images: 3, filters: 4, outHeight: 2, outWidth: 3, positions: 6 };

function reference(z: tf.Tensor2D, bias: tf.Tensor1D, activation: ConvActivation): tf.Tensor4D {
  const v = tf.add(z, bias) as tf.Tensor2D;
  const act = { tanh: tf.tanh, relu: tf.relu, selu: tf.selu, linear: (x: tf.Tensor) => x }[activation](v);
  return tf.transpose(act.reshape([g.images, g.outHeight, g.outWidth, g.filters]), [0, 3, 1, 2]) as tf.Tensor4D;
}

/** Largest absolute difference, relative to the larger array's largest magnitude. */
function relativeGap(actual: tf.Tensor, expected: tf.Tensor): number {
  const a = actual.dataSync();
  const e = expected.dataSync();
  expect(a.length).toBe(e.length);
  const scale = Math.max(1e-12, ...e.map(Math.abs));
  return Math.max(...a.map((x, i) => Math.abs(x - e[i]))) / scale;
}

describe.each(['cpu', 'wasm'] as const)('convEpilogueOp on %s', (backend) => {
  let z: tf.Tensor2D;
  let bias: tf.Tensor1D;
  let weights: tf.Tensor;
  beforeAll(async () => {
    await selectBackend(backend);
    expect(tf.getBackend()).toBe(backend);
    z = tf.randomNormal([g.images * g.positions, g.filters], 0, 1.5, 'float32', 1) as tf.Tensor2D;
    bias = tf.randomNormal([g.filters], 0, 0.5, 'float32', 2) as tf.Tensor1D;
    // A loss that weighs every output differently, so a misplaced value or gradient shows.
    weights = tf.randomNormal([g.images, g.filters, g.outHeight, g.outWidth], 0, 1, 'float32', 3);
  });
  const loss = (out: tf.Tensor) => tf.sum(tf.mul(out, weights)) as tf.Scalar;

  for (const activation of ['tanh', 'relu', 'selu', 'linear'] as const) {
    it(`${activation}: equals add, activation and transpose in tfjs, values and gradients`, () => {
      const fused = convEpilogueOp(tf, g, activation, true);
      expect(relativeGap(fused(z, bias), reference(z, bias, activation))).toBeLessThan(1e-6);
      const [dzFused, dbFused] = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(fused(a as tf.Tensor2D, b as tf.Tensor1D)))([z, bias]);
      const [dzRef, dbRef] = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(reference(a as tf.Tensor2D, b as tf.Tensor1D, activation)))([z, bias]);
      expect(relativeGap(dzFused, dzRef)).toBeLessThan(1e-5);
      expect(relativeGap(dbFused, dbRef)).toBeLessThan(1e-5);
    });
  }

  it('without a bias, matches the activation of z alone', () => {
    const fused = convEpilogueOp(tf, g, 'tanh', false);
    expect(relativeGap(fused(z), reference(z, tf.zeros([g.filters]) as tf.Tensor1D, 'tanh'))).toBeLessThan(1e-6);
  });

  it('tanh: gradients agree with central finite differences (float64 arithmetic on the op\'s own outputs)', () => {
    const fused = convEpilogueOp(tf, g, 'tanh', true);
    const [dz, db] = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(fused(a as tf.Tensor2D, b as tf.Tensor1D)))([z, bias]);
    const zValues = Float32Array.from(z.dataSync());
    const lossAt = (values: Float32Array, b: tf.Tensor1D) => loss(fused(tf.tensor2d(values, z.shape), b)).dataSync()[0];
    const h = 1e-2;
    for (const index of [0, 5, 17, 40, 71]) {
      const plus = zValues.slice();
      const minus = zValues.slice();
      plus[index] += h;
      minus[index] -= h;
      const numeric = (lossAt(plus, bias) - lossAt(minus, bias)) / (2 * h);
      expect(dz.dataSync()[index]).toBeCloseTo(numeric, 2);
    }
    const b = bias.dataSync();
    for (let f = 0; f < g.filters; f++) {
      const shifted = (delta: number) => tf.tensor1d(b.map((v, i) => (i === f ? v + delta : v)));
      const numeric = (lossAt(zValues, shifted(h)) - lossAt(zValues, shifted(-h))) / (2 * h);
      expect(db.dataSync()[f]).toBeCloseTo(numeric, 2);
    }
  });
});
