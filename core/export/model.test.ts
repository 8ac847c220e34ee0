// The runtime API against the trainer's own code path: for every stateful layer kind, `step` × T equals
// `runEpisode`, which equals the sequence-mode evaluation whose loss is bit-for-bit the compiled program's.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../compile/backend.ts';
import { compileGraph } from '../compile/compile.ts';
import type { GraphDocument } from '../graph/document.ts';
import { createRng } from '../util/random.ts';
import { loadModel, ModelInputError, type PlasticModel, type StepInput } from './model.ts';
import { taskEpisodes } from './task-episodes.ts';
import { bundleOf, smallGraph, smallPatterns } from './testing/bundles.ts';

beforeAll(async () => {
  await selectBackend('cpu');
});

const lossEveryStep: [string, string, Record<string, unknown>] = ['loss', 'SquaredErrorLoss', { at: 'everyStep' }];
const heads = (prediction: string): [string, string][] => [
  [prediction, 'loss.prediction'],
  ['patterns.target', 'loss.target'],
  [prediction, 'signError.prediction'],
  ['patterns.target', 'signError.target'],
];

const graphs: Record<string, () => GraphDocument> = {
  'PlasticRecurrent → Slice': () =>
    smallGraph(
      'plastic',
      [smallPatterns(true), ['memory', 'PlasticRecurrent', { size: 9, inputGain: 3, rule: 'oja' }], ['readout', 'Slice', { start: 0, size: 8 }], lossEveryStep, ['signError', 'SignErrorMetric']],
      [['patterns.input', 'memory.drive'], ['memory.output', 'readout.input'], ...heads('readout.output')],
    ),
  'Pad → Recurrent → Slice': () =>
    smallGraph(
      'recurrent',
      [smallPatterns(true), ['widen', 'Pad', { size: 12 }], ['memory', 'Recurrent', { size: 12, inputGain: 2 }], ['readout', 'Slice', { start: 0, size: 8 }], lossEveryStep, ['signError', 'SignErrorMetric']],
      [['patterns.input', 'widen.input'], ['widen.output', 'memory.drive'], ['memory.output', 'readout.input'], ...heads('readout.output')],
    ),
  'LSTM (clamping trick) → Dense': () =>
    smallGraph(
      'lstm',
      [smallPatterns(false), ['memory', 'LSTM', { hiddenSize: 10, inputGain: 2, clampTrick: true }], ['readout', 'Dense', { units: 8, activation: 'tanh' }], lossEveryStep, ['signError', 'SignErrorMetric']],
      [['patterns.input', 'memory.input'], ['memory.output', 'readout.input'], ...heads('readout.output')],
    ),
  'PlasticDense with a teaching input (two model inputs)': () =>
    smallGraph(
      'plastic dense',
      [smallPatterns(false), ['head', 'PlasticDense', { units: 8, activation: 'tanh', teachGain: 0.5, rule: 'hebb' }], lossEveryStep, ['signError', 'SignErrorMetric']],
      [['patterns.input', 'head.input'], ['patterns.target', 'head.teach'], ...heads('head.output')],
    ),
};

/** The model's inputs for each step of a sampled episode (batch 1). */
function stepInputs(model: PlasticModel, episodes: Map<string, { steps: number; outputs: Record<string, Float32Array> }>): StepInput[] {
  const steps = episodes.values().next().value!.steps;
  return Array.from({ length: steps }, (_, t) =>
    Object.fromEntries(
      model.inputs.map((input) => [input.name, episodes.get(input.node)!.outputs[input.port].slice(t * input.size, (t + 1) * input.size)]),
    ),
  );
}

function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  a.forEach((row, t) => row.forEach((value, i) => (worst = Math.max(worst, Math.abs(value - b[t][i])))));
  return worst;
}

describe('loadModel', () => {
  for (const [name, makeGraph] of Object.entries(graphs)) {
    it(`${name}: step × T = runEpisode = the compiled program's sequence mode, and reset starts over`, async () => {
      const doc = makeGraph();
      const bundle = bundleOf(doc);
      const seed = bundle.manifest.training.seed;

      // The trainer's code path: compileGraph with the bundle's weights, on episode 2 of the run's seed.
      const program = compileGraph(doc, { seed, initialValues: bundle.weights.values });
      const episodes = program.sampleEpisodes(createRng(seed).fork('episode/2'), 1);
      let compiled!: { loss: number; metrics: Record<string, number> };
      tf.tidy(() => {
        const result = program.run(episodes);
        compiled = { loss: result.loss.dataSync()[0], metrics: result.metrics };
      });
      program.dispose();

      // The export's sequence evaluation on the same episode: the loss is summed over every step's output,
      // so equal bits here mean equal outputs.
      const [, second] = [...taskEpisodes(bundle, { episodes: 2, where: name })];
      expect(second.loss).toBe(compiled.loss);
      expect(second.metrics).toEqual(compiled.metrics);

      const model = await loadModel(bundle);
      const inputs = stepInputs(model, episodes);
      const [output] = model.outputs;
      const whole = model.runEpisode(inputs)[output.name];
      const sequenceOutputs = second.outputs[output.name];
      const fromTask = whole.map((_, t) => sequenceOutputs.values.slice(t * output.size, (t + 1) * output.size));
      expect(maxDifference(whole, fromTask)).toBeLessThanOrEqual(1e-6);

      const stepped = inputs.map((input) => model.step(input)[output.name]);
      expect(maxDifference(stepped, whole)).toBeLessThanOrEqual(1e-6);

      // The state carries on without a reset (so the comparisons above could fail), and reset starts over.
      const carried = inputs.map((input) => model.step(input)[output.name]);
      expect(maxDifference(carried, whole)).toBeGreaterThan(1e-3);
      model.reset();
      expect(maxDifference(inputs.map((input) => model.step(input)[output.name]), whole)).toBeLessThanOrEqual(1e-6);
      model.dispose();
    });
  }

  it('names its inputs and outputs: source ports that feed layers in, layer ports that feed no layer out', async () => {
    const plastic = await loadModel(bundleOf(graphs['PlasticRecurrent → Slice']()));
    expect(plastic.inputs).toEqual([{ name: 'patterns/input', node: 'patterns', port: 'input', shape: [9], size: 9 }]);
    expect(plastic.outputs).toEqual([{ name: 'readout/output', node: 'readout', port: 'output', shape: [8], size: 8 }]);
    plastic.dispose();
    const dense = await loadModel(bundleOf(graphs['PlasticDense with a teaching input (two model inputs)']()));
    expect(dense.inputs.map((i) => i.name)).toEqual(['patterns/input', 'patterns/target']);
    expect(dense.outputs.map((o) => o.name)).toEqual(['head/output']);
    dense.dispose();
  });

  it('rejects input that does not fit, saying which input and what it takes', async () => {
    const plastic = await loadModel(bundleOf(graphs['PlasticRecurrent → Slice']()));
    expect(() => plastic.step(new Float32Array(8))).toThrow(ModelInputError);
    expect(() => plastic.step(new Float32Array(8))).toThrow('the input "patterns/input" has 8 values, but the model takes 9 per step');
    expect(() => plastic.step({ 'patterns/inptu': new Float32Array(9) })).toThrow('the model has no input "patterns/inptu"');
    expect(() => plastic.runEpisode([new Float32Array(9), [1, 2]])).toThrow('runEpisode, step 2: the input "patterns/input" has 2 values');
    expect(() => plastic.step([0, 0, 0, 0, NaN, 0, 0, 0, 0])).toThrow('not a finite number at index 4');
    expect(() => plastic.runEpisode([])).toThrow('at least one step');
    plastic.dispose();
    expect(() => plastic.step(new Float32Array(9))).toThrow('disposed');

    const dense = await loadModel(bundleOf(graphs['PlasticDense with a teaching input (two model inputs)']()));
    expect(() => dense.step(new Float32Array(8))).toThrow('this model has 2 inputs (patterns/input, patterns/target)');
    expect(() => dense.step({ 'patterns/input': new Float32Array(8) })).toThrow('the input "patterns/target" is missing');
    dense.dispose();
  });

  it('frees its tensors on dispose', async () => {
    const bundle = bundleOf(graphs['LSTM (clamping trick) → Dense']());
    const before = tf.memory().numTensors;
    const model = await loadModel(bundle);
    model.runEpisode(Array.from({ length: 4 }, () => new Float32Array(8).fill(1)));
    for (let t = 0; t < 4; t++) model.step(new Float32Array(8).fill(-1));
    model.dispose();
    // The clamp-trick masks the LSTM builds once per model stay (as in a compiled program): 6 tensors.
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(6);
  });
});

describe('the runtime modules', () => {
  it('import nothing Node-only, so a browser bundle can use them (core/plasticity is checked by its owners)', () => {
    const seen = new Set<string>();
    const nodeOnly: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file) || file.includes(`${path.sep}plasticity${path.sep}`)) return;
      seen.add(file);
      // Static imports and re-exports only: `import type` vanishes, and model.ts reads paths through a dynamic import.
      for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gms)) {
        if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec));
        else if (spec.startsWith('node:')) nodeOnly.push(`${path.relative(process.cwd(), file)} imports ${spec}`);
      }
    };
    visit(path.resolve(import.meta.dirname, 'model.ts'));
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].some((f) => f.endsWith('model-graph.ts'))).toBe(true);
    expect(nodeOnly).toEqual([]);
  });
});
