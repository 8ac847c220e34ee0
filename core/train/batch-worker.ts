// One thread of a batch split over threads (batch-threads.ts): it holds its own copy of the compiled graph on
// its own tensor backend and, for each training step, computes the gradients of its part of the batch with
// the parameters the main thread sends. It never steps an optimizer, so the main thread's parameters are the
// only ones that change.
import * as tf from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend, type BackendChoice } from '../compile/backend.ts';
import { compileGraph } from '../compile/compile.ts';
import type { GraphDocument } from '../graph/document.ts';
import type { EpisodeBatch } from '../nodes/kind.ts';

export interface BatchWorkerSetup {
  document: GraphDocument;
  seed: number;
  backend: BackendChoice;
  /** The trainable parameters, in the order every step's values and gradients use. */
  trainable: string[];
  /** Every parameter's value at the start (frozen ones keep theirs; trainable ones arrive with each step). */
  values: Map<string, Float32Array>;
}

export interface BatchWorkerStep {
  /** The trainable parameters' current values, in `trainable` order. */
  values: Float32Array[];
  episodes: Map<string, EpisodeBatch>;
}

export type BatchWorkerReply =
  | { kind: 'ready' }
  | { kind: 'gradients'; loss: number; gradients: Float32Array[]; episodeMetrics: Record<string, Float32Array> }
  | { kind: 'error'; message: string };

const port = parentPort!;
const setup = workerData as BatchWorkerSetup;
const reply = (message: BatchWorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

try {
  // The main thread already uses every core it was given by splitting the batch; the plastic kernels here stay on this thread.
  process.env.PLASTICITY_THREADS = '1';
  await selectBackend(setup.backend);
  // Episodes come from the main thread: no dataset is loaded here.
  const program = compileGraph(setup.document, { seed: setup.seed, initialValues: setup.values, buildSources: false });
  const byName = new Map(program.parameters.map((p) => [p.name, p]));
  const variables = setup.trainable.map((name) => {
    const parameter = byName.get(name);
    if (!parameter) throw new Error(`the graph has no parameter "${name}"`);
    return parameter.variable;
  });
  port.on('message', (step: BatchWorkerStep) => {
    try {
      let episodeMetrics: Record<string, Float32Array> = {};
      let loss = NaN;
      // Copies we own (some backends hand out their own storage, which must not be transferred away), made
      // outside the tidy, which would walk every element of an array it returns.
      const gradients: Float32Array[] = [];
      tf.tidy(() => {
        variables.forEach((variable, i) => variable.assign(tf.tensor(step.values[i], variable.shape)));
        const { value, grads } = tf.variableGrads(() => {
          const result = program.run(step.episodes);
          episodeMetrics = result.episodeMetrics;
          return result.loss;
        }, variables);
        loss = value.dataSync()[0];
        for (const variable of variables) gradients.push((grads[variable.name].dataSync() as Float32Array).slice());
      });
      reply({ kind: 'gradients', loss, gradients, episodeMetrics }, gradients.map((g) => g.buffer as ArrayBuffer));
    } catch (error) {
      reply({ kind: 'error', message: (error as Error).message });
    }
  });
  reply({ kind: 'ready' });
} catch (error) {
  reply({ kind: 'error', message: (error as Error).message });
}
