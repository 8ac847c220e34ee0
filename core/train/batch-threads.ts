// Training on more than one core: a batch of episodes is split into parts, one per thread. The caller's thread
// computes the gradients of the first part while worker threads (batch-worker.ts), each with its own tensor
// backend (tfjs's wasm backend runs on one thread), compute the others'. A loss is the mean over its batch's
// episodes, so the batch's gradient is the part gradients weighted by their sizes; the caller then takes
// the optimizer step alone and sends the new parameter values with the next step.
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BackendChoice } from '../compile/backend.ts';
import type { CompiledProgram } from '../compile/compile.ts';
import { sliceEpisodes, type EpisodeBatch } from '../episodes/episode-batch.ts';
import type { GraphDocument } from '../graph/document.ts';
import { nativeKernels } from '../native/kernels.ts';
import { defaultThreadCount } from '../plasticity/index.ts';
import type { BatchWorkerReply, BatchWorkerSetup, BatchWorkerStep } from './batch-worker.ts';

/** One training step's result: the batch's loss and metrics, and its gradients (the caller disposes them). */
export interface StepGradients {
  loss: number;
  metrics: Record<string, number>;
  grads: tf.NamedTensorMap;
}

/** The gradients of a whole batch through the program on this thread alone. */
export function gradientsHere(program: CompiledProgram, variables: tf.Variable[], episodes: Map<string, EpisodeBatch>): StepGradients {
  let metrics: Record<string, number> = {};
  const { value, grads } = tf.tidy(() =>
    tf.variableGrads(() => {
      const result = program.run(episodes);
      metrics = result.metrics;
      return result.loss;
    }, variables),
  );
  const loss = value.dataSync()[0];
  value.dispose();
  return { loss, metrics, grads };
}

/** [start, end) of each part when `batchSize` episodes are split as evenly as possible over `parts` threads. */
export function batchParts(batchSize: number, parts: number): Array<[number, number]> {
  const count = Math.max(1, Math.min(parts, batchSize));
  return Array.from({ length: count }, (_, i) => [Math.floor((i * batchSize) / count), Math.floor(((i + 1) * batchSize) / count)]);
}

function sliceAll(episodes: Map<string, EpisodeBatch>, [start, end]: [number, number]): Map<string, EpisodeBatch> {
  return new Map([...episodes].map(([source, batch]) => [source, sliceEpisodes(batch, start, end)]));
}

const mean = (values: Float32Array) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * The worker module: batch-worker.ts through a tsx bootstrap in the sources, batch-worker.mjs where a bundler
 * emitted it as its own entry beside the bundle. (The name is not a literal, so bundlers leave it alone.)
 */
function workerUrl(): URL | null {
  const candidates: Array<[string, string]> = [['./batch-worker.ts', './batch-worker-from-source.mjs'], ['./batch-worker.mjs', './batch-worker.mjs']];
  for (const [marker, entry] of candidates) {
    const url = new URL(marker, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return new URL(entry, import.meta.url);
  }
  return null;
}

class BatchWorker {
  private pending: { resolve: (reply: BatchWorkerReply) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(private readonly worker: Worker) {
    worker.on('message', (reply: BatchWorkerReply) => this.settle((p) => p.resolve(reply)));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`it exited with code ${code}`)));
  }

  private settle(action: (pending: NonNullable<BatchWorker['pending']>) => void) {
    const pending = this.pending;
    this.pending = null;
    if (pending) action(pending);
  }

  private fail(error: Error) {
    this.failure ??= error;
    this.settle((p) => p.reject(error));
  }

  /** The next reply; `message`, when given, is sent first. */
  next(message?: BatchWorkerStep): Promise<BatchWorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    const reply = new Promise<BatchWorkerReply>((resolve, reject) => (this.pending = { resolve, reject }));
    if (message) this.worker.postMessage(message);
    return reply;
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

async function expectReply<K extends BatchWorkerReply['kind']>(reply: Promise<BatchWorkerReply>, kind: K): Promise<Extract<BatchWorkerReply, { kind: K }>> {
  const message = await reply;
  if (message.kind === 'error') throw new Error(message.message);
  if (message.kind !== kind) throw new Error(`expected "${kind}", got "${message.kind}"`);
  return message as Extract<BatchWorkerReply, { kind: K }>;
}

export interface BatchThreads {
  readonly threads: number;
  /** The batch's gradients with every thread computing its part. */
  gradients(program: CompiledProgram, variables: tf.Variable[], episodes: Map<string, EpisodeBatch>, batchSize: number): Promise<StepGradients>;
  close(): Promise<void>;
}

/**
 * Threads a batch is split over unless the user says: the machine's, or one where the graph's convolutions run
 * on the native kernel, which splits their images over the cores itself (on Omniglot's template, a step takes
 * about 12 ms that way against 17 ms with the batch split over two threads: bench/README).
 */
export function defaultBatchThreads(document: GraphDocument): number {
  const convolvesNatively = nativeKernels() !== null && document.nodes.some((node) => node.kind === 'Conv2d' && node.params?.padding !== 'same');
  return convolvesNatively ? 1 : defaultThreadCount();
}

/**
 * Starts `threads − 1` worker threads for training `document` (the caller's thread is the other one), each
 * with a copy of `program`'s parameters; `trainable` names the ones each step sends, in order. Throws, after
 * stopping any started thread, when a worker cannot start.
 */
export async function startBatchThreads(options: {
  document: GraphDocument;
  seed: number;
  backend: BackendChoice;
  program: CompiledProgram;
  trainable: string[];
  threads: number;
}): Promise<BatchThreads> {
  const url = workerUrl();
  if (!url) throw new Error('no batch-worker module beside batch-threads');
  const values = new Map(options.program.parameters.map((p) => [p.name, p.variable.dataSync() as Float32Array]));
  const setup: BatchWorkerSetup = { document: options.document, seed: options.seed, backend: options.backend, trainable: options.trainable, values };
  const workers: BatchWorker[] = [];
  // The native convolution splits its images over the process's threads: with the batch split already, each
  // thread's convolutions stay on that thread (the setting is the process's, shared by the workers).
  const native = nativeKernels();
  const convThreads = native?.nativeThreads();
  if (options.threads > 1) native?.nativeThreads(1);
  const restoreConvThreads = () => {
    if (convThreads !== undefined) native?.nativeThreads(convThreads);
  };
  try {
    for (let k = 1; k < options.threads; k++) workers.push(new BatchWorker(new Worker(url, { workerData: setup })));
    await Promise.all(workers.map((worker) => expectReply(worker.next(), 'ready')));
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.close()));
    restoreConvThreads();
    throw error;
  }

  return {
    threads: options.threads,
    async gradients(program, variables, episodes, batchSize) {
      const parts = batchParts(batchSize, options.threads);
      if (parts.length === 1) return gradientsHere(program, variables, episodes);
      const values = variables.map((variable) => variable.dataSync() as Float32Array);
      // Workers start on their parts before this thread computes its own.
      const replies = parts.slice(1).map((part, i) => expectReply(workers[i].next({ values, episodes: sliceAll(episodes, part) }), 'gradients'));
      const [first] = parts;
      let here: StepGradients;
      try {
        here = gradientsHere(program, variables, sliceAll(episodes, first));
      } catch (error) {
        await Promise.allSettled(replies);
        throw error;
      }
      let others: Array<Extract<BatchWorkerReply, { kind: 'gradients' }>>;
      try {
        others = await Promise.all(replies);
      } catch (error) {
        tf.dispose(here.grads);
        throw new Error(`A training thread failed: ${(error as Error).message}`);
      }
      const share = (part: [number, number]) => (part[1] - part[0]) / batchSize;
      const grads = tf.tidy(() => {
        const combined: tf.NamedTensorMap = {};
        variables.forEach((variable, i) => {
          let sum = tf.mul(here.grads[variable.name], share(first));
          others.forEach((other, k) => (sum = tf.add(sum, tf.mul(tf.tensor(other.gradients[i], variable.shape), share(parts[k + 1])))));
          combined[variable.name] = sum;
        });
        return combined;
      });
      tf.dispose(here.grads);
      const loss = others.reduce((total, other, k) => total + other.loss * share(parts[k + 1]), here.loss * share(first));
      const metrics: Record<string, number> = {};
      for (const [name, value] of Object.entries(here.metrics)) {
        metrics[name] = others.reduce((total, other, k) => total + mean(other.episodeMetrics[name]) * share(parts[k + 1]), value * share(first));
      }
      return { loss, metrics, grads };
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      restoreConvThreads();
    },
  };
}
