// Conv2d against a direct loop over pixels, channels and kernel positions (float64), on tiny inputs.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conv2d } from './conv2d.ts';
import { type ConvCase as Case, referenceConv, referenceKernelGradient } from './testing/conv2d-reference.ts';
import type { BuiltLayer, Shape } from './kind.ts';
import { testBuildContext } from './testing/build-context.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const values = (t: tf.Tensor) => Array.from(t.dataSync());

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
    ['stride larger than the kernel', { channels: 2, height: 8, width: 7, filters: 2, kernelSize: 2, stride: 3, padding: 'valid' }, 'linear'],
    ['same padding, stride 3, even kernel', { channels: 1, height: 8, width: 7, filters: 2, kernelSize: 4, stride: 3, padding: 'same' }, 'linear'],
    ['1×1 kernel', { channels: 3, height: 3, width: 2, filters: 2, kernelSize: 1, stride: 1, padding: 'valid' }, 'tanh'],
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

  it('has the gradient of a direct loop: d Σ out / d kernel[i, j, c, f] = Σ of the pixels under tap (i, j)', () => {
    const c: Case = { channels: 2, height: 6, width: 5, filters: 2, kernelSize: 3, stride: 2, padding: 'same' };
    const params = Conv2d.params.parse({ filters: 2, kernelSize: 3, stride: 2, padding: 'same', activation: 'linear' });
    const ctx = testBuildContext(tf, { input: [c.channels, c.height, c.width] });
    const layer = Conv2d.build(params, ctx) as BuiltLayer;
    const kernel = ctx.parameters.get('kernel')!.variable;
    const bias = ctx.parameters.get('bias')!.variable;
    const input = tf.randomNormal([2, 1, 2, 6, 5], 0, 1, 'float32', 7);
    const { grads } = tf.variableGrads(() => tf.sum(layer.forward({ input }).output) as tf.Scalar, [kernel, bias]);
    const images = [0, 1].map((n) => values(input).slice(n * 60, (n + 1) * 60));
    const expected = referenceKernelGradient(images, c);
    values(grads[kernel.name]).forEach((g, i) => expect(g).toBeCloseTo(expected[i], 4));
    // Each bias receives one unit of gradient per output position (3×3) per image (2).
    expect(values(grads[bias.name])).toEqual([18, 18]);
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
  it('counts k·k·C·filters kernel weights plus one bias per filter (Miconi et al. 2018, §4.3: 640 + 3 × 36,928 = 111,424)', () => {
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
    expect(Conv2d.countParameters(Conv2d.params.parse({}), { input: [961] })).toEqual({ trainable: 0, plastic: 0 });
  });
});
