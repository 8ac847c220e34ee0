// Conv2d against a direct loop over pixels, channels and kernel positions (float64), on tiny inputs.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conv2d } from './conv2d.ts';
import type { BuiltLayer, Shape } from './kind.ts';
import { testBuildContext } from './test-build-context.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const values = (t: tf.Tensor) => Array.from(t.dataSync());

interface Case {
  channels: number;
  height: number;
  width: number;
  filters: number;
  kernelSize: number;
  stride: number;
  padding: 'valid' | 'same';
}

/**
 * Reference convolution of one image [C, H, W] → [F, H', W'] with kernel[i][j][c][f] (row-major [k, k, C, F]).
 * "same" pads like TensorFlow: total padding max((H'−1)·s + k − H, 0), the smaller half before.
 */
function referenceConv(image: number[], kernel: number[], bias: number[], c: Case, act: (x: number) => number): number[] {
  const { channels, height, width, filters, kernelSize: k, stride: s } = c;
  const outSide = (n: number) => (c.padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1);
  const [outH, outW] = [outSide(height), outSide(width)];
  const padBefore = (n: number, out: number) => (c.padding === 'same' ? Math.floor(Math.max((out - 1) * s + k - n, 0) / 2) : 0);
  const [top, left] = [padBefore(height, outH), padBefore(width, outW)];
  const out: number[] = [];
  for (let f = 0; f < filters; f++) {
    for (let y = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++) {
        let sum = bias[f] ?? 0;
        for (let ch = 0; ch < channels; ch++) {
          for (let i = 0; i < k; i++) {
            for (let j = 0; j < k; j++) {
              const row = y * s + i - top;
              const col = x * s + j - left;
              if (row < 0 || row >= height || col < 0 || col >= width) continue;
              sum += kernel[((i * k + j) * channels + ch) * filters + f] * image[(ch * height + row) * width + col];
            }
          }
        }
        out.push(act(sum));
      }
    }
  }
  return out;
}

function run(c: Case, activation: 'tanh' | 'relu' | 'selu' | 'linear', steps: number, batch: number, bias = true) {
  const inputShape: Shape = [c.channels, c.height, c.width];
  const params = Conv2d.params.parse({ filters: c.filters, kernelSize: c.kernelSize, stride: c.stride, padding: c.padding, activation, bias });
  const inferred = Conv2d.inferShapes(params, { input: inputShape });
  if (!inferred.ok) throw new Error(inferred.issues[0].message);
  const ctx = testBuildContext(tf, { input: inputShape }, inferred.outputs);
  const layer = Conv2d.build(params, ctx) as BuiltLayer;
  const size = c.channels * c.height * c.width;
  const images = Array.from({ length: steps * batch }, (_, n) => Array.from({ length: size }, (_, p) => Math.sin(1.3 * p + 0.7 * n)));
  const output = layer.forward({ input: tf.tensor(images.flat(), [steps, batch, ...inputShape]) }).output;
  const kernel = values(ctx.parameters.get('kernel')!.variable);
  const b = bias ? values(ctx.parameters.get('bias')!.variable) : [];
  return { ctx, output, images, kernel, bias: b, outputShape: inferred.outputs.output };
}

const selu = (x: number) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (Math.exp(x) - 1));

describe('Conv2d build', () => {
  it.each<[string, Case, 'tanh' | 'relu' | 'selu' | 'linear']>([
    ['3×3 stride 2 valid, tanh (the Omniglot layer)', { channels: 2, height: 7, width: 7, filters: 3, kernelSize: 3, stride: 2, padding: 'valid' }, 'tanh'],
    ['non-square, stride 1, linear', { channels: 1, height: 4, width: 6, filters: 2, kernelSize: 2, stride: 1, padding: 'valid' }, 'linear'],
    ['same padding, stride 2, relu', { channels: 2, height: 6, width: 5, filters: 2, kernelSize: 3, stride: 2, padding: 'same' }, 'relu'],
    ['same padding, stride 1, selu', { channels: 1, height: 4, width: 4, filters: 2, kernelSize: 3, stride: 1, padding: 'same' }, 'selu'],
  ])('matches a direct loop: %s', (_name, c, activation) => {
    const act = { tanh: Math.tanh, relu: (x: number) => Math.max(0, x), selu, linear: (x: number) => x }[activation];
    const steps = 2;
    const batch = 3;
    const { output, images, kernel, bias, outputShape } = run(c, activation, steps, batch);
    expect(output.shape).toEqual([steps, batch, ...outputShape]);
    const expected = images.flatMap((image) => referenceConv(image, kernel, bias, c, act));
    const got = values(output);
    expect(got).toHaveLength(expected.length);
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('has no bias parameter when bias is off', () => {
    const c: Case = { channels: 1, height: 3, width: 3, filters: 2, kernelSize: 3, stride: 1, padding: 'valid' };
    const { ctx, output, images, kernel } = run(c, 'linear', 1, 1, false);
    expect(ctx.parameters.has('bias')).toBe(false);
    values(output).forEach((v, i) => expect(v).toBeCloseTo(referenceConv(images[0], kernel, [], c, (x) => x)[i], 5));
  });

  it('initialises kernel and bias like PyTorch: U(±1/sqrt(C·k·k)), kernel stored as [k, k, C, filters]', () => {
    const c: Case = { channels: 4, height: 5, width: 5, filters: 6, kernelSize: 3, stride: 2, padding: 'valid' };
    const { ctx } = run(c, 'tanh', 1, 1);
    const bound = 1 / Math.sqrt(4 * 9);
    const kernel = ctx.parameters.get('kernel')!;
    expect(kernel.variable.shape).toEqual([3, 3, 4, 6]);
    expect(kernel.init).toEqual({ kind: 'uniform', low: -bound, high: bound });
    expect(ctx.parameters.get('bias')!.init).toEqual({ kind: 'uniform', low: -bound, high: bound });
    const drawn = values(kernel.variable);
    expect(drawn.every((v) => Math.abs(v) <= bound)).toBe(true);
    expect(Math.max(...drawn.map(Math.abs))).toBeGreaterThan(bound / 2);
  });

  it('passes gradients to its kernel, bias and input', () => {
    const c: Case = { channels: 1, height: 5, width: 5, filters: 2, kernelSize: 3, stride: 2, padding: 'valid' };
    const params = Conv2d.params.parse({ filters: 2, kernelSize: 3, stride: 2 });
    const ctx = testBuildContext(tf, { input: [c.channels, c.height, c.width] });
    const layer = Conv2d.build(params, ctx) as BuiltLayer;
    const kernel = ctx.parameters.get('kernel')!.variable;
    const bias = ctx.parameters.get('bias')!.variable;
    const input = tf.randomNormal([2, 1, 1, 5, 5], 0, 1, 'float32', 7);
    const { grads } = tf.variableGrads(() => tf.sum(layer.forward({ input }).output) as tf.Scalar, [kernel, bias]);
    expect(values(grads[kernel.name]).some((g) => g !== 0)).toBe(true);
    expect(values(grads[bias.name]).every((g) => g !== 0)).toBe(true);
    const inputGrad = tf.grad((x: tf.Tensor) => tf.sum(layer.forward({ input: x }).output))(input);
    expect(inputGrad.shape).toEqual(input.shape);
  });

  it('takes the Omniglot image 31 → 15 → 7 → 3 → 1 through four layers', () => {
    const params = Conv2d.params.parse({});
    let shape: Shape = [1, 31, 31];
    const sides: number[] = [];
    for (let layer = 0; layer < 4; layer++) {
      const result = Conv2d.inferShapes(params, { input: shape });
      if (!result.ok) throw new Error(result.issues[0].message);
      shape = result.outputs.output;
      sides.push(shape[1]);
    }
    expect(sides).toEqual([15, 7, 3, 1]);
    expect(shape).toEqual([64, 1, 1]);
  });
});

describe('Conv2d.countParameters', () => {
  it('counts k·k·C·filters kernel weights plus one bias per filter (PAPER.md §2(c): 640 + 3 × 36,928 = 111,424)', () => {
    const params = Conv2d.params.parse({});
    expect(Conv2d.countParameters(params, { input: [1, 31, 31] })).toEqual({ trainable: 3 * 3 * 1 * 64 + 64, plastic: 0 });
    expect(Conv2d.countParameters(params, { input: [64, 15, 15] })).toEqual({ trainable: 3 * 3 * 64 * 64 + 64, plastic: 0 });
    const omniglot = [[1, 31, 31], [64, 15, 15], [64, 7, 7], [64, 3, 3]].map((input) => Conv2d.countParameters(params, { input }).trainable);
    expect(omniglot.reduce((a, b) => a + b)).toBe(111_424);
  });

  it('drops the bias when it is off, and counts nothing before an image is connected', () => {
    const params = Conv2d.params.parse({ filters: 4, kernelSize: 2, bias: false });
    expect(Conv2d.countParameters(params, { input: [3, 8, 8] })).toEqual({ trainable: 2 * 2 * 3 * 4, plastic: 0 });
    expect(Conv2d.countParameters(Conv2d.params.parse({}), {})).toEqual({ trainable: 0, plastic: 0 });
  });
});
