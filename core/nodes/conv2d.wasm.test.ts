// Conv2d, the binary cross-entropy loss and the accuracy metric on the wasm backend, the one `auto` picks
// here (its own file: the active backend is global to the process). tf.conv2d's kernel gradient is
// missing on wasm; these tests fail if a kernel the nodes need is not registered there.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../compile/backend.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccuracyMetric } from './accuracy-metric.ts';
import { BinaryCrossEntropyLoss } from './binary-cross-entropy-loss.ts';
import { Conv2d } from './conv2d.ts';
import { type ConvCase, referenceConv, referenceKernelGradient } from './testing/conv2d-reference.ts';
import type { BuiltLayer, BuiltLoss, BuiltMetric } from './kind.ts';
import { testBuildContext } from './testing/build-context.ts';

// The product's own way to the wasm backend (it tells the backend where its .wasm files are).
beforeAll(async () => expect(await selectBackend('wasm')).toBe('wasm'));

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('on the wasm backend', () => {
  it('Conv2d matches a direct loop, forward and kernel gradient, for both paddings', () => {
    expect(tf.getBackend()).toBe('wasm');
    for (const padding of ['valid', 'same'] as const) {
      const c: ConvCase = { channels: 2, height: 7, width: 6, filters: 3, kernelSize: 3, stride: 2, padding };
      const params = Conv2d.params.parse({ filters: 3, kernelSize: 3, stride: 2, padding, activation: 'linear' });
      const ctx = testBuildContext(tf, { input: [2, 7, 6] });
      const layer = Conv2d.build(params, ctx) as BuiltLayer;
      const kernel = ctx.parameters.get('kernel')!.variable;
      const bias = ctx.parameters.get('bias')!.variable;
      const images = [0, 1, 2].map((n) => Array.from({ length: 84 }, (_, p) => Math.cos(0.9 * p + n)));
      const input = tf.tensor(images.flat(), [3, 1, 2, 7, 6]);
      const expected = images.flatMap((image) => referenceConv(image, values(kernel), values(bias), c, (x) => x));
      values(layer.forward({ input }).output).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
      const { grads } = tf.variableGrads(() => tf.sum(layer.forward({ input }).output) as tf.Scalar, [kernel, bias]);
      const expectedGrad = referenceKernelGradient(images, c);
      values(grads[kernel.name]).forEach((g, i) => expect(g).toBeCloseTo(expectedGrad[i], 4));
    }
  });

  it('Conv2d with tanh passes its input a gradient that finite differences confirm, for both paddings', () => {
    // On wasm the image columns' adjoint and the fused bias + tanh write straight into reused memory.
    for (const padding of ['valid', 'same'] as const) {
      const params = Conv2d.params.parse({ filters: 3, kernelSize: 3, stride: 2, padding, activation: 'tanh' });
      const layer = Conv2d.build(params, testBuildContext(tf, { input: [2, 7, 6] })) as BuiltLayer;
      const input = tf.tensor(Array.from({ length: 3 * 84 }, (_, p) => Math.sin(1.3 * p)), [3, 1, 2, 7, 6]);
      const [outSteps, outBatch, ...outShape] = layer.forward({ input }).output.shape;
      const weights = tf.tensor(Array.from({ length: outSteps * outBatch * outShape.reduce((a, b) => a * b, 1) }, (_, p) => Math.cos(0.7 * p)), [outSteps, outBatch, ...outShape]);
      const loss = (x: tf.Tensor) => tf.sum(tf.mul(layer.forward({ input: x }).output, weights)) as tf.Scalar;
      const gradient = values(tf.grad(loss)(input));
      const base = values(input);
      const h = 1e-2;
      for (const index of [0, 13, 50, 84 + 41, 2 * 84 + 83]) {
        const shifted = (delta: number) => tf.tensor(base.map((v, i) => (i === index ? v + delta : v)), input.shape);
        const numeric = (loss(shifted(h)).dataSync()[0] - loss(shifted(-h)).dataSync()[0]) / (2 * h);
        expect(gradient[index]).toBeCloseTo(numeric, 2);
      }
      expect(gradient.some((g) => Math.abs(g) > 0.1)).toBe(true);
    }
  });

  it('the binary cross-entropy has its gradient and the accuracy its value', () => {
    const loss = BinaryCrossEntropyLoss.build({}, testBuildContext(tf, {})) as BuiltLoss;
    const p = tf.tensor3d([[[0.2, 0.8]]]);
    const t = tf.tensor3d([[[1, 0]]]);
    expect(loss.loss({ prediction: p, target: t }).dataSync()[0]).toBeCloseTo(-Math.log(0.2), 5);
    const grad = values(tf.grad((x: tf.Tensor) => loss.loss({ prediction: x, target: t }))(p));
    expect(grad[0]).toBeCloseTo((0.2 - 1) / (0.2 * 0.8 * 2), 4);
    const accuracy = AccuracyMetric.build({}, testBuildContext(tf, {})) as BuiltMetric;
    expect(Array.from(accuracy.measure({ prediction: tf.tensor3d([[[0.2, 0.8], [0.9, 0.1]]]), target: tf.tensor3d([[[1, 0], [1, 0]]]) }))).toEqual([0, 1]);
  });
});
