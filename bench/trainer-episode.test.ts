// The o8t bench case runs the Omniglot template through the trainer's path (compiled graph, batch split over
// threads); it must compute what the node-by-node runner of o8 computes, which the PyTorch reference matches.
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../core/compile/backend.ts';
import { createPlasticKernels } from '../core/plasticity/index.ts';
import { findCase } from './cases.ts';
import { createEpisodeRunner } from './episode.ts';
import { createTrainerOmniglotRunner } from './trainer-episode.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('the trainer-path Omniglot runner', () => {
  it('follows the node-by-node runner step for step, with the batch split over two threads', async () => {
    const small = { ...findCase('smoke4'), batch: 4, learningRate: 1e-2 };
    const nodes = createEpisodeRunner(tf, createPlasticKernels(tf, { threads: 1 }), small);
    const trainer = await createTrainerOmniglotRunner({ ...small, batchThreads: 2 }, { repoRoot, threads: 2, backend: 'wasm' });
    try {
      const losses: Array<[number, number]> = [];
      for (let index = 0; index < 4; index++) losses.push([nodes.train(nodes.sample(index)) as number, await trainer.train(trainer.sample(index))]);
      for (const [expected, got] of losses) expect(got).toBeCloseTo(expected, 5);
      // The large learning rate moves the loss between steps, so agreement is not agreement on a constant.
      expect(Math.abs(losses[3][0] - losses[0][0])).toBeGreaterThan(1e-3);
    } finally {
      nodes.dispose();
      await trainer.dispose();
    }
  });
});
