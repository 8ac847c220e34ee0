// The native convolution (native/conv2d.cc, loaded by core/native) against float64 loops for every output
// and gradient, on each of its paths (AVX-512, AVX2, plain: those this CPU has) and on one and two threads,
// then as the Conv2d node runs it on the wasm backend: the same numbers as the JavaScript path, and input
// gradients that finite differences confirm.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../compile/backend.ts';
import { compileGraph } from '../compile/compile.ts';
import { parseGraphDocument } from '../graph/document.ts';
import { nativeKernels, nativeKernelsStatus, type NativeConvPath, type NativeConvShape, type NativeKernels } from '../native/kernels.ts';
import { Conv2d } from './conv2d.ts';
import type { BuiltLayer } from './kind.ts';
import { testBuildContext } from './testing/build-context.ts';
import { type ConvCase, referenceConv, referenceGradients } from './testing/conv2d-reference.ts';

let native: NativeKernels;
beforeAll(async () => {
  // The addon is built by `npm install` (npm run build:native); a machine that runs the tests can build it.
  const loaded = nativeKernels();
  if (!loaded) throw new Error(`${nativeKernelsStatus()}: the native kernels' tests need them built (npm run build:native).`);
  native = loaded;
  expect(await selectBackend('wasm')).toBe('wasm');
});

const signal = (length: number, seed: number) => Array.from({ length }, (_, i) => Math.sin(1.7 * i + seed) * Math.cos(0.3 * i * seed + 1));
const close = (got: ArrayLike<number>, expected: number[], tolerance: number) => {
  expect(got.length).toBe(expected.length);
  const scale = Math.max(1, ...expected.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
  expect(worst / scale).toBeLessThan(tolerance);
};

const tanhSlope = (y: number) => 1 - y * y;
const activations = {
  linear: { code: 0, act: (v: number) => v, slope: () => 1 },
  tanh: { code: 1, act: Math.tanh, slope: tanhSlope },
  relu: { code: 2, act: (v: number) => Math.max(0, v), slope: (y: number) => (y > 0 ? 1 : 0) },
} as const;

const PATHS: NativeConvPath[] = ['avx512', 'avx2', 'plain'];
const rank = (path: NativeConvPath) => PATHS.length - PATHS.indexOf(path);

describe('native conv2d kernel', () => {
  // Each shape with the widest path it fits: AVX-512 takes filters in multiples of 64 or fewer than 64 kernel
  // rows (k·k·C, positions in the lanes), AVX2 filters in multiples of 32.
  it.each<[string, ConvCase, keyof typeof activations, { avx512: boolean; avx2: boolean }]>([
    ['Omniglot layer 2 (64 → 64 channels, 15 → 7)', { channels: 64, height: 15, width: 15, filters: 64, kernelSize: 3, stride: 2, padding: 'valid' }, 'tanh', { avx512: true, avx2: true }],
    ['Omniglot layer 1 (one channel, 31 → 15)', { channels: 1, height: 31, width: 31, filters: 64, kernelSize: 3, stride: 2, padding: 'valid' }, 'tanh', { avx512: true, avx2: true }],
    ['Omniglot layer 4 (one output position an image)', { channels: 64, height: 3, width: 3, filters: 64, kernelSize: 3, stride: 2, padding: 'valid' }, 'tanh', { avx512: true, avx2: true }],
    ['5 channels (not a multiple of 3), 32 filters, stride 1, relu', { channels: 5, height: 6, width: 7, filters: 32, kernelSize: 3, stride: 1, padding: 'valid' }, 'relu', { avx512: true, avx2: true }],
    ['32 channels (288 kernel rows), 64 filters, stride 1, relu', { channels: 32, height: 5, width: 5, filters: 64, kernelSize: 3, stride: 1, padding: 'valid' }, 'relu', { avx512: true, avx2: true }],
    ['96 filters on 8 channels (72 kernel rows)', { channels: 8, height: 5, width: 6, filters: 96, kernelSize: 3, stride: 2, padding: 'valid' }, 'linear', { avx512: false, avx2: true }],
    ['3 filters, 2 channels', { channels: 2, height: 7, width: 6, filters: 3, kernelSize: 3, stride: 2, padding: 'valid' }, 'linear', { avx512: true, avx2: false }],
    ['1×1 kernel, stride 3, 64 filters', { channels: 4, height: 7, width: 5, filters: 64, kernelSize: 1, stride: 3, padding: 'valid' }, 'tanh', { avx512: true, avx2: true }],
  ])('%s: output and every gradient match float64 loops on every path, alike on 1 and 2 threads', (_name, c, activation, fits) => {
    const { code, act, slope } = activations[activation];
    const outHeight = Math.floor((c.height - c.kernelSize) / c.stride) + 1;
    const outWidth = Math.floor((c.width - c.kernelSize) / c.stride) + 1;
    const images = [0, 1, 2].map((n) => signal(c.channels * c.height * c.width, n + 1));
    const kernel = signal(c.kernelSize * c.kernelSize * c.channels * c.filters, 7).map((v) => v / Math.sqrt(c.channels * c.kernelSize * c.kernelSize));
    const bias = signal(c.filters, 9).map((v) => 0.1 * v);
    const weights = images.map((_, n) => signal(c.filters * outHeight * outWidth, 20 + n));
    const shape: NativeConvShape = { images: 3, channels: c.channels, height: c.height, width: c.width, filters: c.filters, kernelSize: c.kernelSize, stride: c.stride, outHeight, outWidth, activation: code };
    const expected = referenceGradients(images, kernel, bias, weights, c, act, slope);
    const expectedOutput = images.flatMap((image) => referenceConv(image, kernel, bias, c, act));
    const run = () => {
      const output = new Float32Array(3 * c.filters * outHeight * outWidth);
      native.conv2dForward(shape, Float32Array.from(images.flat()), Float32Array.from(kernel), Float32Array.from(bias), output);
      const dImages = new Float32Array(images.flat().length).fill(NaN);
      const dKernel = new Float32Array(kernel.length).fill(NaN);
      const dBias = new Float32Array(c.filters).fill(NaN);
      native.conv2dBackward(shape, Float32Array.from(images.flat()), Float32Array.from(kernel), output, Float32Array.from(weights.flat()), dImages, dKernel, dBias);
      return { output, dImages, dKernel, dBias };
    };
    const threads = native.nativeThreads();
    // The widest path this CPU has, from a shape every path fits.
    const cpuWidest = native.conv2dPath({ ...shape, channels: 64, filters: 64, kernelSize: 1, stride: 1, outHeight: c.height, outWidth: c.width }, 'avx512');
    try {
      for (const widest of PATHS) {
        const path = PATHS.find((p) => rank(p) <= Math.min(rank(widest), rank(cpuWidest)) && (p === 'plain' || fits[p]))!;
        expect(native.conv2dPath(shape, widest)).toBe(path);
        native.nativeThreads(1);
        const one = run();
        close(one.output, expectedOutput, 1e-5);
        close(one.dKernel, expected.kernel, 1e-5);
        close(one.dBias, expected.bias, 1e-5);
        close(one.dImages, expected.images.flat(), 1e-5);
        native.nativeThreads(2);
        expect(run()).toEqual(one);
      }
    } finally {
      native.conv2dPath(shape, 'avx512');
      native.nativeThreads(threads);
    }
  });

  it('passes a NaN through tanh instead of clamping it to ±1 (a diverging run must show it)', () => {
    const shape: NativeConvShape = { images: 1, channels: 1, height: 4, width: 4, filters: 32, kernelSize: 3, stride: 1, outHeight: 2, outWidth: 2, activation: 1 };
    const input = new Float32Array(16).fill(0.5);
    input[0] = NaN; // under the first window only
    const output = new Float32Array(32 * 4);
    native.conv2dForward(shape, input, new Float32Array(9 * 32).fill(0.1), null, output);
    for (let f = 0; f < 32; f++) {
      expect(output[f * 4]).toBeNaN();
      expect(output[f * 4 + 3]).toBeCloseTo(Math.tanh(0.45), 6);
    }
  });

  it('refuses wrong sizes and padding with errors that name the argument', () => {
    const shape: NativeConvShape = { images: 1, channels: 1, height: 5, width: 5, filters: 2, kernelSize: 3, stride: 1, outHeight: 3, outWidth: 3, activation: 0 };
    const forward = (s: NativeConvShape, input: Float32Array) => () => native.conv2dForward(s, input, new Float32Array(18), null, new Float32Array(s.images * 2 * s.outHeight * s.outWidth));
    expect(forward(shape, new Float32Array(24))).toThrow(/input has 24 values, expected 25/);
    expect(forward({ ...shape, outHeight: 4 }, new Float32Array(25))).toThrow(/outside the image/);
    expect(forward({ ...shape, activation: 7 as 0 }, new Float32Array(25))).toThrow(/activation/);
    expect(() => native.conv2dForward(shape, [1, 2] as unknown as Float32Array, new Float32Array(18), null, new Float32Array(18))).toThrow(/input must be a Float32Array/);
  });
});

describe('Conv2d on the native kernel (wasm backend)', () => {
  /** A Conv2d layer on the native kernel or on the JavaScript path, with the given starting values. */
  function build(onNative: boolean, params: Record<string, unknown>, input: number[], values?: Map<string, tf.Tensor>) {
    const previous = process.env.PLASTICITY_NATIVE;
    process.env.PLASTICITY_NATIVE = onNative ? '1' : '0';
    try {
      const ctx = testBuildContext(tf, { input });
      const layer = Conv2d.build(Conv2d.params.parse(params), ctx) as BuiltLayer;
      for (const [name, value] of values ?? []) ctx.parameters.get(name)!.variable.assign(value);
      return { layer, kernel: ctx.parameters.get('kernel')!.variable, bias: ctx.parameters.get('bias')!.variable };
    } finally {
      if (previous === undefined) delete process.env.PLASTICITY_NATIVE;
      else process.env.PLASTICITY_NATIVE = previous;
    }
  }

  it('gives the JavaScript path’s outputs and gradients (Omniglot layer 2, 3 steps × batch 2)', () => {
    expect(tf.getBackend()).toBe('wasm');
    const params = { filters: 64, kernelSize: 3, stride: 2, padding: 'valid', activation: 'tanh' };
    const calls = vi.spyOn(native, 'conv2dBackward');
    const onNative = build(true, params, [64, 15, 15]);
    const onJs = build(false, params, [64, 15, 15], new Map([['kernel', onNative.kernel], ['bias', onNative.bias]]));
    const input = tf.tensor(signal(6 * 64 * 225, 3), [3, 2, 64, 15, 15]);
    const weights = tf.tensor(signal(6 * 64 * 49, 4), [3, 2, 64, 7, 7]);
    const run = ({ layer, kernel, bias }: ReturnType<typeof build>) => {
      const loss = (x: tf.Tensor) => tf.sum(tf.mul(layer.forward({ input: x }).output, weights)) as tf.Scalar;
      const { grads } = tf.variableGrads(() => loss(input), [kernel, bias]);
      return [layer.forward({ input }).output, grads[kernel.name], grads[bias.name], tf.grad(loss)(input)].map((t) => Array.from(t.dataSync()));
    };
    const [nativeResults, jsResults] = [run(onNative), run(onJs)];
    expect(calls).toHaveBeenCalledTimes(2); // once for the variables' gradients, once for the input's: the layer is native
    calls.mockRestore();
    nativeResults.forEach((values, k) => close(values, jsResults[k], 1e-4));
    expect(nativeResults[3].some((g) => Math.abs(g) > 0.1)).toBe(true);
  });

  it('skips the input gradient of images that are data: the Omniglot template’s first layer, and only it', () => {
    const name = 'omniglot-laptop.plastic.json';
    const parsed = parseGraphDocument(fs.readFileSync(path.resolve(import.meta.dirname, '../../templates', name), 'utf8'), name);
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
    const program = compileGraph(parsed.document, { seed: 1, buildSources: false });
    const [steps, batch, classes] = [6, 2, 5];
    const label = new Float32Array(steps * batch * classes).map((_, i) => (i % 7 === 0 ? 1 : 0));
    const episodes = new Map([['omniglot', { steps, batchSize: batch, outputs: { image: Float32Array.from(signal(steps * batch * 31 * 31, 2)), label, target: label } }]]);
    const calls = vi.spyOn(native, 'conv2dBackward');
    const variables = program.parameters.filter((p) => p.trainable).map((p) => p.variable);
    const { grads } = tf.variableGrads(() => program.run(episodes).loss, variables);
    const inputGradients = new Map(calls.mock.calls.map(([shape, , , , , dInput]) => [shape.channels === 1 ? 'layer 1' : `${shape.channels}×${shape.height}`, dInput !== null]));
    calls.mockRestore();
    expect(Object.fromEntries(inputGradients)).toEqual({ 'layer 1': false, '64×15': true, '64×7': true, '64×3': true });
    const firstKernel = program.parameters.find((p) => p.name.endsWith('/kernel') && p.variable.shape[2] === 1)!;
    expect(Math.max(...Array.from(grads[firstKernel.variable.name].dataSync(), Math.abs))).toBeGreaterThan(0);
    tf.dispose(Object.values(grads));
    program.dispose();
  });

  it('passes its input and kernel gradients that finite differences confirm', () => {
    const { layer, kernel } = build(true, { filters: 32, kernelSize: 3, stride: 2, padding: 'valid', activation: 'tanh' }, [3, 7, 6]);
    const input = tf.tensor(signal(2 * 126, 5), [2, 1, 3, 7, 6]);
    const weights = tf.tensor(signal(2 * 32 * 6, 6), [2, 1, 32, 3, 2]);
    const lossOf = (x: tf.Tensor) => tf.sum(tf.mul(layer.forward({ input: x }).output, weights)) as tf.Scalar;
    const h = 1e-2;
    const check = (analytic: Float32Array | Int32Array | Uint8Array, base: tf.Tensor, evaluate: (shifted: tf.Tensor) => number, indices: number[]) => {
      const flat = Array.from(base.dataSync());
      for (const index of indices) {
        const shifted = (delta: number) => tf.tensor(flat.map((v, i) => (i === index ? v + delta : v)), base.shape);
        const numeric = (evaluate(shifted(h)) - evaluate(shifted(-h))) / (2 * h);
        expect(analytic[index]).toBeCloseTo(numeric, 2);
      }
    };
    check(tf.grad(lossOf)(input).dataSync(), input, (x) => lossOf(x).dataSync()[0], [0, 13, 50, 126 + 41, 2 * 126 - 1]);
    const kernelGrad = tf.variableGrads(() => lossOf(input), [kernel]).grads[kernel.name].dataSync();
    const original = kernel.clone();
    check(kernelGrad, original, (k) => (kernel.assign(k), lossOf(input).dataSync()[0]), [0, 31, 100, 500, 863]);
    kernel.assign(original);
  });
});
