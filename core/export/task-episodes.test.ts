// Task episodes with a batch: the loss is the compiled program's, and each episode of the batch comes out
// as [step][value] in the order the runtime's `step` produces it.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../compile/backend.ts';
import { compileGraph } from '../compile/compile.ts';
import { createRng } from '../util/random.ts';
import { loadModel } from './model.ts';
import { perEpisodeSteps, taskEpisodes } from './task-episodes.ts';
import { bundleOf, smallGraph, smallPatterns } from './testing/bundles.ts';

beforeAll(async () => {
  await selectBackend('cpu');
});

const batchSize = 3;
const doc = () =>
  smallGraph(
    'batched',
    [smallPatterns(true), ['memory', 'PlasticRecurrent', { size: 9, inputGain: 3 }], ['readout', 'Slice', { start: 0, size: 8 }], ['loss', 'SquaredErrorLoss'], ['signError', 'SignErrorMetric']],
    [['patterns.input', 'memory.drive'], ['memory.output', 'readout.input'], ['readout.output', 'loss.prediction'], ['patterns.target', 'loss.target'], ['readout.output', 'signError.prediction'], ['patterns.target', 'signError.target']],
    { batchSize, seed: 9 },
  );

describe('taskEpisodes', () => {
  it('runs episode n of the seed with the graph’s batch size, as the trainer does', async () => {
    const graph = doc();
    const bundle = bundleOf(graph);
    const results = [...taskEpisodes(bundle, { episodes: 2, seed: 4, where: 'test' })];
    expect(results.map((r) => r.episode)).toEqual([1, 2]);

    const program = compileGraph(graph, { seed: 9, initialValues: bundle.weights.values });
    const episodes = program.sampleEpisodes(createRng(4).fork('episode/2'), batchSize);
    tf.tidy(() => {
      const compiled = program.run(episodes);
      expect(results[1].loss).toBe(compiled.loss.dataSync()[0]);
      expect(results[1].metrics).toEqual(compiled.metrics);
    });
    program.dispose();

    // Each episode of the batch, stepped alone through the runtime, is that episode's [step][value] block.
    const output = results[1].outputs['readout/output'];
    expect(output).toMatchObject({ steps: 13, batchSize, size: 8 });
    const perEpisode = perEpisodeSteps(output);
    const input = episodes.get('patterns')!.outputs.input;
    const model = await loadModel(bundle);
    for (let b = 0; b < batchSize; b++) {
      model.reset();
      for (let t = 0; t < output.steps; t++) {
        const x = input.subarray((t * batchSize + b) * 9, (t * batchSize + b + 1) * 9);
        const y = model.step(x)['readout/output'];
        y.forEach((value, i) => expect(Math.abs(value - perEpisode[b][t][i])).toBeLessThanOrEqual(1e-6));
      }
    }
    model.dispose();
  });

  it('defaults to the run’s seed', () => {
    const bundle = bundleOf(doc());
    const [byDefault] = [...taskEpisodes(bundle, { episodes: 1, where: 'test' })];
    const [runSeed] = [...taskEpisodes(bundle, { episodes: 1, seed: 9, where: 'test' })];
    const [other] = [...taskEpisodes(bundle, { episodes: 1, seed: 10, where: 'test' })];
    expect(byDefault.loss).toBe(runSeed.loss);
    expect(other.loss).not.toBe(runSeed.loss);
  });
});
