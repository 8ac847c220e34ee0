// The convolution's own data-movement op and the fast-gradient matrix product, held to tfjs autodiff and
// to finite differences the way the plastic kernels are.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ColumnGeometry, columnWidth, columnsToImage, imageColumnsOp, imageToColumns } from './image-columns.ts';
import { matMulOp } from './matmul.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const geometries: [string, ColumnGeometry][] = [
  ['3×3 stride 2 valid (Omniglot)', { channels: 2, height: 7, width: 7, kernelSize: 3, stride: 2, outHeight: 3, outWidth: 3, padTop: 0, padLeft: 0 }],
  ['3×3 stride 1 same', { channels: 3, height: 4, width: 5, kernelSize: 3, stride: 1, outHeight: 4, outWidth: 5, padTop: 1, padLeft: 1 }],
  ['4×4 stride 3 same, uneven padding', { channels: 1, height: 8, width: 7, kernelSize: 4, stride: 3, outHeight: 3, outWidth: 3, padTop: 1, padLeft: 1 }],
  ['2×2 stride 3 (gaps between windows)', { channels: 2, height: 8, width: 7, kernelSize: 2, stride: 3, outHeight: 3, outWidth: 2, padTop: 0, padLeft: 0 }],
];

/** The same layout built from plain tfjs ops (pad + per-pixel slices), whose autodiff is the oracle. */
function columnsFromSlices(images: tf.Tensor4D, g: ColumnGeometry): tf.Tensor2D {
  const [n] = images.shape;
  const padded = tf.pad(images, [[0, 0], [0, 0], [g.padTop, g.kernelSize + g.stride * g.outHeight], [g.padLeft, g.kernelSize + g.stride * g.outWidth]]);
  const rows: tf.Tensor[] = [];
  for (let y = 0; y < g.outHeight; y++) {
    for (let x = 0; x < g.outWidth; x++) {
      const taps: tf.Tensor[] = [];
      for (let i = 0; i < g.kernelSize; i++) {
        for (let j = 0; j < g.kernelSize; j++) taps.push(tf.slice(padded, [0, 0, g.stride * y + i, g.stride * x + j], [n, g.channels, 1, 1]).reshape([n, g.channels]));
      }
      rows.push(tf.concat(taps, 1));
    }
  }
  // rows: one [N, k·k·C] per (y, x) → [N, OH·OW, k·k·C] → [N·OH·OW, k·k·C]
  return tf.stack(rows, 1).reshape([n * g.outHeight * g.outWidth, columnWidth(g)]);
}

const sample = (size: number, seed: number) => Float32Array.from({ length: size }, (_, i) => Math.sin(0.37 * i + seed) + 0.1 * Math.cos(1.7 * i));

describe('imageToColumns / columnsToImage', () => {
  it.each(geometries)('lays windows out as plain tfjs slices do: %s', (_name, g) => {
    const count = 2;
    const images = tf.tensor4d(sample(count * g.channels * g.height * g.width, 1), [count, g.channels, g.height, g.width]);
    const expected = columnsFromSlices(images, g).dataSync();
    const got = imageToColumns(images.dataSync() as Float32Array, count, g);
    expect(Array.from(got)).toEqual(Array.from(expected));
  });

  it.each(geometries)('columnsToImage is the adjoint: <cols(x), y> = <x, col2im(y)>: %s', (_name, g) => {
    const count = 3;
    const x = sample(count * g.channels * g.height * g.width, 2);
    const y = sample(count * g.outHeight * g.outWidth * columnWidth(g), 3);
    const cols = imageToColumns(x, count, g);
    const back = columnsToImage(y, count, g);
    let left = 0;
    let right = 0;
    for (let i = 0; i < cols.length; i++) left += cols[i] * y[i];
    for (let i = 0; i < x.length; i++) right += x[i] * back[i];
    expect(left).toBeCloseTo(right, 3);
  });

  it.each(geometries)('the op’s gradient equals tfjs autodiff of the slice version and finite differences: %s', (_name, g) => {
    const count = 2;
    const shape: [number, number, number, number] = [count, g.channels, g.height, g.width];
    const images = tf.tensor4d(sample(count * g.channels * g.height * g.width, 4), shape);
    const weights = tf.tensor2d(sample(count * g.outHeight * g.outWidth * columnWidth(g), 5), [count * g.outHeight * g.outWidth, columnWidth(g)]);
    const op = imageColumnsOp(tf, g);
    // A non-linear read-out, so the gradient depends on the values and not only on the layout.
    const objective = (columns: (x: tf.Tensor4D) => tf.Tensor2D) => (x: tf.Tensor) => tf.sum(tf.mul(tf.tanh(columns(x as tf.Tensor4D)), weights)) as tf.Scalar;
    const ours = tf.grad(objective(op))(images).dataSync();
    const oracle = tf.grad(objective((x) => columnsFromSlices(x, g)))(images).dataSync();
    ours.forEach((v, i) => expect(v).toBeCloseTo(oracle[i], 5));
    // Central differences in float64 on the same objective, for a few pixels.
    const f = (x: Float32Array) => {
      const cols = imageToColumns(x, count, g);
      const w = weights.dataSync();
      let sum = 0;
      for (let i = 0; i < cols.length; i++) sum += Math.tanh(cols[i]) * w[i];
      return sum;
    };
    const x0 = images.dataSync() as Float32Array;
    for (const pixel of [0, 5, Math.floor(x0.length / 2), x0.length - 1]) {
      const h = 1e-2;
      const plus = Float32Array.from(x0);
      const minus = Float32Array.from(x0);
      plus[pixel] += h;
      minus[pixel] -= h;
      expect(ours[pixel]).toBeCloseTo((f(plus) - f(minus)) / (2 * h), 3);
    }
  });

  it('an unused pixel (past the last window) gets zero gradient', () => {
    const g = geometries[3][1]; // 2×2 windows every 3 pixels: row 2 of 8 is never read
    const back = columnsToImage(new Float32Array(g.outHeight * g.outWidth * columnWidth(g)).fill(1), 1, g);
    expect(back[2 * g.width]).toBe(0);
    expect(back[0]).toBe(1);
  });
});

describe('matMulOp', () => {
  it('gives tf.matMul’s value and the same gradients for both operands', () => {
    const a = tf.tensor2d(sample(6 * 4, 6), [6, 4]);
    const b = tf.tensor2d(sample(4 * 3, 7), [4, 3]);
    const w = tf.tensor2d(sample(6 * 3, 8), [6, 3]);
    const objective = (product: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor2D) => (x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(tf.tanh(product(x as tf.Tensor2D, y as tf.Tensor2D)), w)) as tf.Scalar;
    const ours = matMulOp(tf);
    expect(Array.from(ours(a, b).dataSync())).toEqual(Array.from(tf.matMul(a, b).dataSync()));
    const [da, db] = tf.grads(objective(ours))([a, b]);
    const [ea, eb] = tf.grads(objective((x, y) => tf.matMul(x, y)))([a, b]);
    da.dataSync().forEach((v, i) => expect(v).toBeCloseTo(ea.dataSync()[i], 6));
    db.dataSync().forEach((v, i) => expect(v).toBeCloseTo(eb.dataSync()[i], 6));
  });
});
