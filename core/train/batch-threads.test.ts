// A batch split over threads must give the gradients, loss and metrics of the whole batch on one thread.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../compile/backend.ts';
import { compileGraph } from '../compile/compile.ts';
import { sliceEpisodes, type EpisodeBatch } from '../episodes/episode-batch.ts';
import { parseGraphDocument, type GraphDocument } from '../graph/document.ts';
import { createRng } from '../util/random.ts';
import { nativeKernels } from '../native/kernels.ts';
import { defaultThreadCount } from '../plasticity/index.ts';
import { batchParts, defaultBatchThreads, gradientsHere, startBatchThreads } from './batch-threads.ts';
import { readMetrics, readRunInfo } from './run-folder.ts';
import { trainGraph } from './trainer.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-batch-threads-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function smallBatched(batchSize: number): GraphDocument {
  const name = 'binary-patterns-50bit-plastic.plastic.json';
  const parsed = parseGraphDocument(fs.readFileSync(path.join(repoRoot, 'templates', name), 'utf8'), name);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  return { ...parsed.document, training: { ...parsed.document.training, batchSize } };
}

describe('batchParts', () => {
  it('splits a batch as evenly as it can, never into empty parts', () => {
    expect(batchParts(8, 2)).toEqual([[0, 4], [4, 8]]);
    expect(batchParts(5, 2)).toEqual([[0, 2], [2, 5]]);
    expect(batchParts(7, 3)).toEqual([[0, 2], [2, 4], [4, 7]]);
    expect(batchParts(1, 4)).toEqual([[0, 1]]);
  });
});

describe('defaultBatchThreads', () => {
  const template = (name: string) => {
    const parsed = parseGraphDocument(fs.readFileSync(path.join(repoRoot, 'templates', name), 'utf8'), name);
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
    return parsed.document;
  };

  it('keeps a batch on one thread where the native convolution splits its images over the cores, else uses the cores', () => {
    const omniglot = template('omniglot-laptop.plastic.json');
    expect(defaultBatchThreads(omniglot)).toBe(nativeKernels() ? 1 : defaultThreadCount());
    expect(defaultBatchThreads(smallBatched(4))).toBe(defaultThreadCount());
    // "same" padding runs on the wasm backend, which a split batch does speed up.
    const padded = { ...omniglot, nodes: omniglot.nodes.map((n) => (n.kind === 'Conv2d' ? { ...n, params: { ...n.params, padding: 'same' } } : n)) };
    expect(defaultBatchThreads(padded)).toBe(defaultThreadCount());
  });
});

describe('sliceEpisodes', () => {
  // T = 2 steps, B = 3 episodes, 2 values per step: value = 100·t + 10·b + i.
  const values = Float32Array.from({ length: 12 }, (_, k) => 100 * Math.floor(k / 6) + 10 * Math.floor((k % 6) / 2) + (k % 2));
  const batch: EpisodeBatch = { steps: 2, batchSize: 3, outputs: { x: values }, delayedInputs: { a: values.map((v) => -v) } };

  it('keeps the chosen episodes of every step, time-major', () => {
    const part = sliceEpisodes(batch, 1, 3);
    expect(part.batchSize).toBe(2);
    expect([...part.outputs.x]).toEqual([10, 11, 20, 21, 110, 111, 120, 121]);
    expect([...part.delayedInputs!.a]).toEqual([-10, -11, -20, -21, -110, -111, -120, -121]);
  });

  it('refuses a range outside the batch', () => {
    expect(() => sliceEpisodes(batch, 2, 4)).toThrow(/\[2, 4\) is not a part of a batch of 3/);
    expect(() => sliceEpisodes(batch, 1, 1)).toThrow(/not a part/);
  });
});

describe('startBatchThreads', () => {
  it('gives the whole batch\'s gradients, loss and metrics, with the parameters the caller has now', async () => {
    await selectBackend('cpu');
    const doc = smallBatched(5);
    const program = compileGraph(doc, { seed: 2 });
    const trainable = program.parameters.filter((p) => p.trainable);
    const variables = trainable.map((p) => p.variable);
    const threads = await startBatchThreads({ document: doc, seed: 2, backend: 'cpu', program, trainable: trainable.map((p) => p.name), threads: 2 });
    try {
      for (const step of [1, 2]) {
        // The second step changes the parameters here only: the worker must compute with the new ones.
        if (step === 2) variables.forEach((v) => v.assign(tf.add(v, tf.randomUniform(v.shape, -0.05, 0.05, 'float32', 9))));
        const episodes = program.sampleEpisodes(createRng(2).fork(`episode/${step}`), 5);
        const whole = gradientsHere(program, variables, episodes);
        const split = await threads.gradients(program, variables, episodes, 5);
        expect(split.loss).toBeCloseTo(whole.loss, 5);
        expect(Object.keys(split.metrics)).toEqual(Object.keys(whole.metrics));
        for (const name of Object.keys(whole.metrics)) expect(split.metrics[name]).toBeCloseTo(whole.metrics[name], 5);
        for (const v of variables) {
          const expected = whole.grads[v.name].dataSync();
          const actual = split.grads[v.name].dataSync();
          const scale = Math.max(...expected.map(Math.abs));
          expect(scale).toBeGreaterThan(0);
          const worst = Math.max(...actual.map((a, i) => Math.abs(a - expected[i])));
          expect(worst / scale).toBeLessThan(1e-5);
        }
        tf.dispose([whole.grads, split.grads]);
      }
    } finally {
      await threads.close();
      program.dispose();
    }
  });
});

describe('training with the batch split over threads', () => {
  it('follows the one-thread curve, records its threads and resumes exactly', async () => {
    const doc = smallBatched(4);
    const one = await trainGraph(doc, { outDir: path.join(work, 'one'), episodes: 6, seed: 5, backend: 'cpu', threads: 1 });
    const two = await trainGraph(doc, { outDir: path.join(work, 'two'), episodes: 6, seed: 5, backend: 'cpu', threads: 2 });
    expect([one.status, two.status]).toEqual(['finished', 'finished']);
    expect(readRunInfo(one.runDir).batchThreads).toBeUndefined();
    expect(readRunInfo(two.runDir).batchThreads).toBe(2);
    const curve = (dir: string) => readMetrics(dir).map((r) => r.loss as number);
    curve(two.runDir).forEach((loss, i) => expect(loss).toBeCloseTo(curve(one.runDir)[i], 5));

    const stopped = path.join(work, 'stopped');
    const controller = new AbortController();
    await trainGraph(doc, {
      outDir: stopped, episodes: 6, seed: 5, backend: 'cpu', threads: 2, checkpointEvery: 3,
      onProgress: (p) => p.episode === 3 && controller.abort(), signal: controller.signal,
    });
    await trainGraph(doc, { outDir: stopped, resume: true, backend: 'cpu', threads: 2 });
    expect(curve(stopped)).toEqual(curve(two.runDir));
  }, 120_000);
});
