// The Omniglot network as the trainer runs it: the laptop template compiled by the engine, each batch split
// over threads as the trainer would or as the case says (core/train/batch-threads.ts), and one Adam step on
// this thread. Parameters and episodes come
// from the signals of bench/episode.ts, so the loss still matches the PyTorch reference's.
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice } from '../core/compile/backend.ts';
import { compileGraph } from '../core/compile/compile.ts';
import type { EpisodeBatch } from '../core/episodes/episode-batch.ts';
import { parseGraphDocument } from '../core/graph/document.ts';
import { defaultBatchThreads, startBatchThreads } from '../core/train/batch-threads.ts';
import { leanAdam } from '../core/train/lean-adam.ts';
import type { BenchCase } from './cases.ts';
import { omniglotInitialValues, omniglotSignals, omniglotSteps, type EpisodeRunner } from './episode.ts';

const templateFile = 'templates/omniglot-laptop.plastic.json';
const classes = 5;

export async function createTrainerOmniglotRunner(
  c: BenchCase,
  options: { repoRoot: string; threads?: number; backend: BackendChoice },
): Promise<EpisodeRunner<Map<string, EpisodeBatch>> & { batchThreads: number }> {
  const parsed = parseGraphDocument(fs.readFileSync(path.join(options.repoRoot, templateFile), 'utf8'), templateFile);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  const document = parsed.document;
  // Episodes come from the signals, not the dataset; parameters from the signals, by `<node>/<param>`, set
  // before the threads start (they copy the values they are given).
  const program = compileGraph(document, { seed: 0, buildSources: false });
  for (const p of program.parameters) {
    const [node, name] = p.name.split('/');
    tf.tidy(() => p.variable.assign(tf.tensor(omniglotInitialValues(node, name, p.variable.size), p.variable.shape)));
  }
  const trainable = program.parameters.filter((p) => p.trainable);
  const variables = trainable.map((p) => p.variable);
  const threads = await startBatchThreads({ document, seed: 0, backend: options.backend, program, trainable: trainable.map((p) => p.name), threads: options.threads ?? defaultBatchThreads(document) });
  const optimizer = leanAdam(c.learningRate, 0.9, 0.999, 1e-8);
  const b = c.batch;

  return {
    batchThreads: threads.threads,
    sample(index) {
      const { images, label, target } = omniglotSignals(index, b);
      // The loss reads the target at the last step only.
      const targets = new Float32Array(omniglotSteps * b * classes);
      targets.set(target, (omniglotSteps - 1) * b * classes);
      const batch: EpisodeBatch = { steps: omniglotSteps, batchSize: b, outputs: { image: images, label, target: targets } };
      return new Map([['omniglot', batch]]);
    },
    async train(episodes) {
      const step = await threads.gradients(program, variables, episodes, b);
      tf.tidy(() => optimizer.applyGradients(step.grads as Parameters<typeof optimizer.applyGradients>[0]));
      tf.dispose(step.grads);
      return step.loss;
    },
    async dispose() {
      await threads.close();
      optimizer.dispose();
      program.dispose();
    },
  };
}
