// Held-out evaluation: what it draws, how it pools, where the trainer writes it, and that `evaluate` on a
// run or a bundle gives the trainer's own numbers.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTrainedParameters } from '../cli/evaluate-command.ts';
import { compileGraph, type CompiledProgram } from '../compile/compile.ts';
import { exportBundle } from '../export/export-run.ts';
import { binaryPatternGraph } from '../graph/testing/fixtures.ts';
import type { EpisodeBatch, HeldOutSplit } from '../nodes/kind.ts';
import type { Rng } from '../util/random.ts';
import { evaluateProgram } from './evaluation.ts';
import { readEvaluations, readMetrics } from './run-folder.ts';
import { trainGraph } from './trainer.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-eval-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A program whose "accuracy" is 1 for episodes whose first random draw is below 0.7, and which records what it was asked. */
function fakeProgram() {
  const asked: { split?: HeldOutSplit; batchSize: number; draw: number }[] = [];
  const program = {
    parameters: [],
    proportionMetrics: ['accuracy'],
    sampleEpisodes(rng: Rng, batchSize: number, heldOut?: HeldOutSplit) {
      const draws = Float32Array.from({ length: batchSize }, () => rng.uniform());
      asked.push({ split: heldOut, batchSize, draw: draws[0] });
      return new Map<string, EpisodeBatch>([['source', { steps: 1, batchSize, outputs: { draws } }]]);
    },
    run(episodes: Map<string, EpisodeBatch>) {
      const draws = episodes.get('source')!.outputs.draws;
      const accuracy = draws.map((d) => (d < 0.7 ? 1 : 0));
      const error = draws.map((d) => d * 2);
      return {
        loss: tf.scalar(draws.reduce((a, b) => a + b, 0) / draws.length),
        metrics: {},
        episodeMetrics: { accuracy, error },
        value: () => undefined,
      };
    },
    dispose() {},
  } as unknown as CompiledProgram;
  return { program, asked };
}

describe('evaluateProgram', () => {
  it('draws every batch from the held-out split, pools episodes across batches, and reports Wilson for proportions and t otherwise', () => {
    const { program, asked } = fakeProgram();
    const summary = evaluateProgram(program, { split: 'test', episodes: 1000, batchSize: 64, seed: 5 });
    expect(asked.every((a) => a.split === 'test')).toBe(true);
    expect(asked.map((a) => a.batchSize)).toEqual([...Array(15).fill(64), 1000 - 15 * 64]);
    expect(summary.metrics.accuracy).toMatchObject({ method: 'wilson', count: 1000 });
    expect(summary.metrics.accuracy.mean).toBeGreaterThan(0.65);
    expect(summary.metrics.accuracy.mean).toBeLessThan(0.75);
    expect(summary.metrics.accuracy.low!).toBeLessThan(summary.metrics.accuracy.mean);
    expect(summary.metrics.error).toMatchObject({ method: 't', count: 1000 });
    expect(summary.loss).toMatchObject({ method: 't', count: 16 });
  });

  it('draws the same episodes at every evaluation of a seed, from a stream apart from training’s, and others for another seed or split', () => {
    const draws = (seed: number, split: HeldOutSplit) => {
      const { program, asked } = fakeProgram();
      evaluateProgram(program, { split, episodes: 20, batchSize: 10, seed });
      return asked.map((a) => a.draw);
    };
    expect(draws(1, 'test')).toEqual(draws(1, 'test'));
    expect(draws(2, 'test')).not.toEqual(draws(1, 'test'));
    expect(draws(1, 'validation')).not.toEqual(draws(1, 'test'));
  });
});

describe('evaluation during training', () => {
  const graph = () => {
    const doc = binaryPatternGraph({ patternSize: 8, size: 9 });
    doc.training.evaluation = { split: 'test', episodes: 12, everyEpisodes: 3, batchSize: 5 };
    return doc;
  };

  it('runs every everyEpisodes and at the end, into evaluation.jsonl, without changing the training curve', async () => {
    const dir = path.join(work, 'run');
    const seen: number[] = [];
    const result = await trainGraph(graph(), { outDir: dir, episodes: 7, seed: 2, backend: 'cpu', onEvaluation: (r) => seen.push(r.episode) });
    const records = readEvaluations(dir);
    expect(records.map((r) => r.episode)).toEqual([3, 6, 7]);
    expect(seen).toEqual([3, 6, 7]);
    expect(result.lastEvaluation).toEqual(records[2]);
    expect(records[0]).toMatchObject({ split: 'test', episodes: 12, seed: 2, metrics: { signError: { method: 't', count: 12 } } });
    // Evaluation takes no gradient step and draws from its own stream: training's curve is that of a run without it.
    const plain = graph();
    delete plain.training.evaluation;
    await trainGraph(plain, { outDir: path.join(work, 'plain'), episodes: 7, seed: 2, backend: 'cpu' });
    expect(readMetrics(dir).map((m) => m.loss)).toEqual(readMetrics(path.join(work, 'plain')).map((m) => m.loss));
  });

  it('`evaluate` on the run folder and on its exported bundle gives the trainer’s final evaluation exactly', async () => {
    const dir = path.join(work, 'exported');
    const result = await trainGraph(graph(), { outDir: dir, episodes: 4, seed: 9, backend: 'cpu' });
    const last = result.lastEvaluation!;
    await exportBundle(dir, path.join(work, 'exported-model.zip'), { zip: true });
    for (const target of [dir, path.join(work, 'exported-model.zip')]) {
      const trained = await readTrainedParameters(target);
      expect(trained).toMatchObject({ seed: 9, episode: 4 });
      const program = compileGraph(trained.graph, { seed: trained.seed, initialValues: trained.values });
      trained.check?.(program.parameters.map((p) => p.name));
      const summary = evaluateProgram(program, { split: 'test', episodes: 12, batchSize: 5, seed: trained.seed });
      program.dispose();
      expect({ ...summary, seconds: 0 }).toEqual({ ...last, episode: undefined, seconds: 0 });
    }
  });

  it('`evaluate` refuses a run whose checkpoint lacks a weight of its graph, instead of evaluating a fresh one', async () => {
    const trained = await readTrainedParameters(path.join(work, 'exported'));
    expect(trained.check).toBeDefined();
    const names = [...trained.values.keys()];
    expect(() => trained.check!(names)).not.toThrow();
    expect(() => trained.check!([...names, 'readout/extra'])).toThrow(/the checkpoint has no "readout\/extra"/);
  });
});
