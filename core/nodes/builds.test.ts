// Builds of the layer kinds, with real tfjs (cpu) and recorded kernel calls. End-to-end training through
// these builds is exercised by core/compile's tests.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../util/random.ts';
import { imageEpisodeSteps } from '../episodes/image-episodes.ts';
import type { TaskLibrary } from '../tasks/index.ts';
import { BinaryPatternEpisode } from './binary-pattern-episode.ts';
import { Dense } from './dense.ts';
import { ImageEpisode } from './image-episode.ts';
import type { BuiltLayer, BuiltSource } from './kind.ts';
import { LSTM } from './lstm.ts';
import { OmniglotEpisode } from './omniglot-episode.ts';
import { PlasticDense } from './plastic-dense.ts';
import { PlasticRecurrent } from './plastic-recurrent.ts';
import { Recurrent } from './recurrent.ts';
import { Slice } from './slice.ts';
import { testBuildContext } from './testing/build-context.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('BinaryPatternEpisode build', () => {
  it('samples episodes whose widths match the inferred shapes', () => {
    const params = BinaryPatternEpisode.params.parse({ patternSize: 8 });
    const built = BinaryPatternEpisode.build(params, testBuildContext(tf, {})) as BuiltSource;
    const batch = built.sample(createRng(1), 3);
    expect(batch.steps).toBe(2 * (6 + 4) * 5 + 6);
    expect(batch.outputs.input.length).toBe(batch.steps * 3 * 9);
    expect(batch.outputs.target.length).toBe(batch.steps * 3 * 8);
    // The bias slot (last of each step's 9 values) is 1 at every step, including gaps.
    for (let i = 8; i < batch.outputs.input.length; i += 9) expect(batch.outputs.input[i]).toBe(1);
  });
});

/** The widths each output port of a source should have per step, from its shape rule. */
function inferredWidths(kind: typeof ImageEpisode | typeof OmniglotEpisode, params: any): Record<string, number> {
  const result = kind.inferShapes(params, {});
  if (!result.ok) throw new Error(result.issues[0].message);
  return Object.fromEntries(Object.entries(result.outputs).map(([port, shape]) => [port, shape.reduce((a, b) => a * b, 1)]));
}

/** A task library whose loaders hand back `dataset` (or throw `failure`), recording what was asked. */
function fakeTasks(calls: unknown[][], dataset: unknown, failure?: string): TaskLibrary {
  const load = (...args: unknown[]) => {
    calls.push(args);
    if (failure) throw new Error(failure);
    return dataset;
  };
  return { loadCifarTraining: load, loadOmniglot: load } as unknown as TaskLibrary;
}

describe('ImageEpisode build', () => {
  it('loads CIFAR-10 once at build and samples 201-step episodes matching the inferred shapes', () => {
    const params = ImageEpisode.params.parse({});
    const ctx = testBuildContext(tf, {}, {}, 'images');
    const built = ImageEpisode.build(params, ctx) as BuiltSource;
    const batch = built.sample(createRng(1), 2);
    expect(batch.steps).toBe(3 * (20 + 2) * 3 + 3);
    expect(batch.steps).toBe(imageEpisodeSteps(params));
    const widths = inferredWidths(ImageEpisode, params);
    expect(widths).toEqual({ input: 1025, target: 1024 });
    expect(batch.outputs.input.length).toBe(batch.steps * 2 * widths.input);
    expect(batch.outputs.target.length).toBe(batch.steps * 2 * widths.target);
    // The bias slot is 1 at every step; the target is a normalised image (max |value| = 1).
    for (let i = 1024; i < batch.outputs.input.length; i += 1025) expect(batch.outputs.input[i]).toBe(1);
    const first = batch.outputs.target.subarray(0, 1024);
    expect(Math.max(...Array.from(first, Math.abs))).toBeCloseTo(1, 6);
  });

  it('passes its data folder to the loader, and names the node and the param when loading fails', () => {
    const calls: unknown[][] = [];
    const ctx = { ...testBuildContext(tf, {}, {}, 'images'), tasks: fakeTasks(calls, undefined, 'CIFAR-10: folder /nowhere does not exist') };
    expect(() => ImageEpisode.build(ImageEpisode.params.parse({ dataFolder: '/nowhere' }), ctx)).toThrow(
      'ImageEpisode "images": cannot load CIFAR-10 training images from "dataFolder" (/nowhere): CIFAR-10: folder /nowhere does not exist',
    );
    expect(calls).toEqual([['/nowhere']]);
  });

  it('refuses images that are not 32×32, or too few of them', () => {
    const small = { count: 10, height: 8, width: 8, pixels: new Float32Array(640), source: 'tiny.bin' };
    const ctx = { ...testBuildContext(tf, {}, {}, 'images'), tasks: fakeTasks([], small) };
    expect(() => ImageEpisode.build(ImageEpisode.params.parse({}), ctx)).toThrow(/tiny\.bin are 8×8, but this node emits 32×32/);
    const two = { count: 2, height: 32, width: 32, pixels: new Float32Array(2048), source: 'two.bin' };
    const ctx2 = { ...testBuildContext(tf, {}, {}, 'images'), tasks: fakeTasks([], two) };
    expect(() => ImageEpisode.build(ImageEpisode.params.parse({}), ctx2)).toThrow(/"imageCount" is 3 but two\.bin holds only 2 images/);
  });
});

describe('OmniglotEpisode build', () => {
  it('samples 6-step 5-way episodes matching the inferred shapes, labels only on support steps', () => {
    // 'area' loads the pre-shrunk copy in shared/data quickly; the loader itself is tested in core/tasks.
    const params = OmniglotEpisode.params.parse({ resampling: 'area' });
    const built = OmniglotEpisode.build(params, testBuildContext(tf, {}, {}, 'omniglot')) as BuiltSource;
    const batch = built.sample(createRng(2), 3);
    expect(batch.steps).toBe(6);
    const widths = inferredWidths(OmniglotEpisode, params);
    expect(widths).toEqual({ image: 961, label: 5, target: 5 });
    for (const port of ['image', 'label', 'target']) expect(batch.outputs[port].length).toBe(6 * 3 * widths[port]);
    const labelSum = (t: number, b: number) => batch.outputs.label.subarray((t * 3 + b) * 5, (t * 3 + b + 1) * 5).reduce((x, y) => x + y, 0);
    for (let b = 0; b < 3; b++) {
      for (let t = 0; t < 5; t++) expect(labelSum(t, b)).toBe(1);
      expect(labelSum(5, b)).toBe(0);
    }
  });

  it('passes folder and resampling to the loader; names the node and the param when loading fails', () => {
    const calls: unknown[][] = [];
    const ctx = { ...testBuildContext(tf, {}, {}, 'omniglot'), tasks: fakeTasks(calls, undefined, 'no images_background') };
    expect(() => OmniglotEpisode.build(OmniglotEpisode.params.parse({ dataFolder: '/data/omni' }), ctx)).toThrow(
      'OmniglotEpisode "omniglot": cannot load Omniglot from "dataFolder" (/data/omni): no images_background',
    );
    expect(calls).toEqual([['/data/omni', { resampling: 'skimage' }]]);
    const ctx2 = { ...testBuildContext(tf, {}, {}, 'omniglot'), tasks: fakeTasks([], undefined, 'missing') };
    expect(() => OmniglotEpisode.build(OmniglotEpisode.params.parse({}), ctx2)).toThrow(/cannot load Omniglot from the default data folder: missing/);
  });

  it('refuses more classes than its split has, or than a held-out part evaluation draws from', () => {
    const split = { train: new Int32Array(50), trainWithoutValidation: new Int32Array(40), validation: new Int32Array(10), test: new Int32Array(6) };
    const ctx = { ...testBuildContext(tf, {}, {}, 'omniglot'), tasks: fakeTasks([], { side: 31, split, source: 'tiny' }) };
    expect(() => OmniglotEpisode.build(OmniglotEpisode.params.parse({ split: 'train' }), ctx)).not.toThrow();
    expect(() => OmniglotEpisode.build(OmniglotEpisode.params.parse({ split: 'train', classCount: 8 }), ctx)).toThrow(
      /"classCount" is 8 but the test split of tiny has only 6 classes/,
    );
    const small = { ...split, validation: new Int32Array(4) };
    const ctx2 = { ...testBuildContext(tf, {}, {}, 'omniglot'), tasks: fakeTasks([], { side: 31, split: small, source: 'tiny' }) };
    expect(() => OmniglotEpisode.build(OmniglotEpisode.params.parse({ split: 'trainWithoutValidation' }), ctx2)).toThrow(
      /"classCount" is 5 but the validation split of tiny has only 4 classes/,
    );
  });
});

describe('PlasticRecurrent build', () => {
  it('creates w, alpha, eta and hands the kernel the drive times the gain', () => {
    const ctx = testBuildContext(tf, { drive: [4] });
    const params = PlasticRecurrent.params.parse({ size: 4, rule: 'oja', traceClip: 2 });
    const layer = PlasticRecurrent.build(params, ctx) as BuiltLayer;
    expect(ctx.parameters.get('w')!.variable.shape).toEqual([4, 4]);
    expect(ctx.parameters.get('w')!.init).toEqual({ kind: 'normal', std: 0.01 });
    expect(ctx.parameters.get('alpha')!.variable.shape).toEqual([4, 4]);
    expect(values(ctx.parameters.get('eta')!.variable)[0]).toBeCloseTo(0.01, 7);
    expect(ctx.parameters.get('eta')!.trainable).toBe(true);
    const drive = tf.ones([2, 1, 4]);
    const { output } = layer.forward({ drive });
    const [call] = ctx.sequenceCalls;
    expect(call.spec).toEqual({
      mode: 'recurrent',
      size: 4,
      inputSize: 4,
      plastic: true,
      rule: 'oja',
      alpha: 'perConnection',
      learnEta: true,
      activation: 'tanh',
      inputMode: 'add',
      traceClip: 2,
    });
    expect(values(output)).toEqual(new Array(8).fill(20));
    expect(call.inputs.w).toBe(ctx.parameters.get('w')!.variable);
  });

  it('shared alpha starts at 0.01, a fixed eta is not trainable, and a clamping drive is passed unscaled', () => {
    const ctx = testBuildContext(tf, { drive: [3] });
    const params = PlasticRecurrent.params.parse({ size: 3, alpha: 'shared', learnEta: false, inputMode: 'clamp' });
    const layer = PlasticRecurrent.build(params, ctx) as BuiltLayer;
    expect(ctx.parameters.get('alpha')!.variable.shape).toEqual([1]);
    expect(values(ctx.parameters.get('alpha')!.variable)[0]).toBeCloseTo(0.01, 7);
    expect(ctx.parameters.get('eta')!.trainable).toBe(false);
    const { output } = layer.forward({ drive: tf.tensor3d([[[0.5, 0, -1]]]) });
    expect(values(output)).toEqual([0.5, 0, -1]);
    expect(ctx.sequenceCalls[0].spec).toMatchObject({ alpha: 'shared', learnEta: false, inputMode: 'clamp', traceClip: null });
  });

  it('holds the self-connections’ alpha at zero when they are not plastic, so they get no gradient', () => {
    const ctx = testBuildContext(tf, { drive: [3] });
    const layer = PlasticRecurrent.build(PlasticRecurrent.params.parse({ size: 3, plasticSelfConnections: false }), ctx) as BuiltLayer;
    const alpha = ctx.parameters.get('alpha')!.variable;
    let kernelAlpha: number[] = [];
    const { grads } = tf.variableGrads(() => {
      layer.forward({ drive: tf.ones([1, 1, 3]) });
      const seen = ctx.sequenceCalls.at(-1)!.inputs.alpha!;
      kernelAlpha = values(seen);
      return tf.sum(tf.mul(seen, tf.range(1, 10).reshape([3, 3])));
    }, [alpha]);
    const grad = grads[alpha.name];
    const original = values(alpha);
    expect([kernelAlpha[0], kernelAlpha[4], kernelAlpha[8]].map(Math.abs)).toEqual([0, 0, 0]);
    expect(kernelAlpha[1]).toBe(original[1]);
    expect(values(grad)).toEqual([0, 2, 3, 4, 0, 6, 7, 8, 0]);
  });

  it('Recurrent uses the same kernel with plasticity off and only w', () => {
    const ctx = testBuildContext(tf, { drive: [2] });
    const layer = Recurrent.build(Recurrent.params.parse({ size: 2, inputGain: 3 }), ctx) as BuiltLayer;
    expect([...ctx.parameters.keys()]).toEqual(['w']);
    expect(values(layer.forward({ drive: tf.ones([1, 1, 2]) }).output)).toEqual([3, 3]);
    expect(ctx.sequenceCalls[0].spec).toMatchObject({ plastic: false, size: 2 });
    expect(ctx.sequenceCalls[0].inputs.alpha).toBeUndefined();
  });
});

describe('PlasticDense build', () => {
  it('runs the kernel in feedforward mode with pre = input and drive = teachGain · teach', () => {
    const ctx = testBuildContext(tf, { input: [2, 3], teach: [5] });
    const layer = PlasticDense.build(PlasticDense.params.parse({ units: 5 }), ctx) as BuiltLayer;
    expect(ctx.parameters.get('w')!.variable.shape).toEqual([6, 5]);
    expect(ctx.parameters.get('alpha')!.init).toEqual({ kind: 'uniform', low: 0, high: 0.01 });
    const teach = tf.tensor3d([[[0, 1, 0, 0, 0]]]);
    const { output } = layer.forward({ input: tf.ones([1, 1, 2, 3]), teach });
    expect(values(output)).toEqual([0, 1000, 0, 0, 0]);
    const [call] = ctx.sequenceCalls;
    expect(call.spec).toMatchObject({ mode: 'feedforward', size: 5, inputSize: 6, rule: 'oja', activation: 'softmax' });
    expect(call.inputs.pre!.shape).toEqual([1, 1, 6]);
  });

  it('drives with zeros when no teaching input is connected', () => {
    const ctx = testBuildContext(tf, { input: [4] });
    const layer = PlasticDense.build(PlasticDense.params.parse({ units: 2 }), ctx) as BuiltLayer;
    expect(values(layer.forward({ input: tf.ones([3, 2, 4]) }).output)).toEqual(new Array(12).fill(0));
  });
});

describe('Dense build', () => {
  it('computes act(x·W + b) at every step with PyTorch’s default init range', () => {
    const ctx = testBuildContext(tf, { input: [3] });
    const layer = Dense.build(Dense.params.parse({ units: 2, activation: 'tanh' }), ctx) as BuiltLayer;
    const bound = 1 / Math.sqrt(3);
    expect(ctx.parameters.get('weight')!.init).toEqual({ kind: 'uniform', low: -bound, high: bound });
    const w = values(ctx.parameters.get('weight')!.variable);
    const b = values(ctx.parameters.get('bias')!.variable);
    expect(w.every((v) => Math.abs(v) <= bound)).toBe(true);
    const x = [
      [1, 2, 3],
      [-1, 0.5, 0],
    ];
    const output = layer.forward({ input: tf.tensor3d([[x[0]], [x[1]]]) }).output; // T=2, B=1
    expect(output.shape).toEqual([2, 1, 2]);
    const expected = x.flatMap((row) => [0, 1].map((j) => Math.tanh(row[0] * w[j] + row[1] * w[2 + j] + row[2] * w[4 + j] + b[j])));
    values(output).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('softmax normalises over the units and no bias means no bias parameter', () => {
    const ctx = testBuildContext(tf, { input: [4] });
    const layer = Dense.build(Dense.params.parse({ units: 3, activation: 'softmax', bias: false }), ctx) as BuiltLayer;
    expect(ctx.parameters.has('bias')).toBe(false);
    const sums = tf.sum(layer.forward({ input: tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1) }).output, -1);
    values(sums).forEach((v) => expect(v).toBeCloseTo(1, 5));
  });
});

describe('Slice build', () => {
  it('keeps `size` values from `start`', () => {
    const layer = Slice.build(Slice.params.parse({ start: 1, size: 2 }), testBuildContext(tf, { input: [4] })) as BuiltLayer;
    const output = layer.forward({ input: tf.tensor3d([[[0, 1, 2, 3]], [[4, 5, 6, 7]]]) }).output;
    expect(output.shape).toEqual([2, 1, 2]);
    expect(values(output)).toEqual([1, 2, 5, 6]);
  });
});

describe('LSTM build', () => {
  /** PyTorch's LSTM equations, written out per unit in float64. */
  function referenceLSTM(x: number[][][], wIh: number[], wHh: number[], bIh: number[], bHh: number[], m: number, h: number, gain: number) {
    const batch = x[0].length;
    let hidden = Array.from({ length: batch }, () => new Array(h).fill(0));
    let cell = Array.from({ length: batch }, () => new Array(h).fill(0));
    const out: number[] = [];
    for (const step of x) {
      const nextHidden: number[][] = [];
      const nextCell: number[][] = [];
      step.forEach((input, b) => {
        const gate = (g: number, u: number) => {
          let sum = bIh[g * h + u] + bHh[g * h + u];
          for (let i = 0; i < m; i++) sum += gain * input[i] * wIh[i * 4 * h + g * h + u];
          for (let k = 0; k < h; k++) sum += hidden[b][k] * wHh[k * 4 * h + g * h + u];
          return sum;
        };
        const c = Array.from({ length: h }, (_, u) => sigmoid(gate(1, u)) * cell[b][u] + sigmoid(gate(0, u)) * Math.tanh(gate(2, u)));
        nextCell.push(c);
        nextHidden.push(c.map((cu, u) => sigmoid(gate(3, u)) * Math.tanh(cu)));
      });
      hidden = nextHidden;
      cell = nextCell;
      out.push(...hidden.flat());
    }
    return out;
  }

  it('matches the LSTM equations step by step', () => {
    const ctx = testBuildContext(tf, { input: [2] });
    const layer = LSTM.build(LSTM.params.parse({ hiddenSize: 3, inputGain: 2 }), ctx) as BuiltLayer;
    const p = (name: string) => values(ctx.parameters.get(name)!.variable);
    expect(ctx.parameters.get('weightIh')!.init).toEqual({ kind: 'uniform', low: -1 / Math.sqrt(3), high: 1 / Math.sqrt(3) });
    const x = [
      [[0.5, -1], [0, 0.3]],
      [[1, 1], [-0.2, 0]],
      [[0, 0], [0.7, -0.7]],
    ];
    const output = layer.forward({ input: tf.tensor3d(x) }).output;
    expect(output.shape).toEqual([3, 2, 3]);
    const expected = referenceLSTM(x, p('weightIh'), p('weightHh'), p('biasIh'), p('biasHh'), 2, 3, 2);
    values(output).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('clamping trick: an input bit pins its unit, and forced weights get no gradient', () => {
    const ctx = testBuildContext(tf, { input: [2] });
    const layer = LSTM.build(LSTM.params.parse({ hiddenSize: 3, inputGain: 100, clampTrick: true }), ctx) as BuiltLayer;
    // Zero weights everywhere: whatever pins the units must come from the forced values.
    for (const name of ['weightIh', 'weightHh']) ctx.parameters.get(name)!.variable.assign(tf.zerosLike(ctx.parameters.get(name)!.variable));
    const x = tf.tensor3d([[[1, -1]], [[-1, 1]]]);
    const h = values(layer.forward({ input: x }).output);
    // Unit u < 2 follows input bit u: i, o ≈ σ(10) ≈ 1, c ≈ tanh(10·100·bit) = ±1, forget gate σ(−1000) = 0,
    // so h ≈ ±tanh(1) at every step, whatever came before.
    expect(h[0]).toBeCloseTo(Math.tanh(1), 3);
    expect(h[1]).toBeCloseTo(-Math.tanh(1), 3);
    expect(h[3]).toBeCloseTo(-Math.tanh(1), 3);
    expect(h[4]).toBeCloseTo(Math.tanh(1), 3);
    const wIh = ctx.parameters.get('weightIh')!.variable;
    const { grads } = tf.variableGrads(() => tf.sum(layer.forward({ input: tf.tensor3d([[[0.01, 0.02]], [[0.03, -0.01]]]) }).output) as tf.Scalar, [wIh]);
    const g = values(grads[wIh.name]);
    const hidden = 3;
    // Row-major [M=2, 4H=12]: the cell-gate columns of units 0 and 1 are forced for every input.
    for (let i = 0; i < 2; i++) {
      for (const u of [0, 1]) expect(g[i * 4 * hidden + 2 * hidden + u]).toBe(0);
      expect(g[i * 4 * hidden + 2 * hidden + 2]).not.toBe(0); // unit 2 is not pinned
    }
  });
});
