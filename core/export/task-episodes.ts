// A bundle run on the episodes of the task its graph describes, as the trainer ran them: episode n of seed S
// is sampled from createRng(S).fork(`episode/<n>`) with the graph's batch size, and evaluated in sequence
// mode without gradients. With the run's seed, episode n here is episode n of training (Node: sources may
// load datasets).
import * as tf from '@tensorflow/tfjs';
import { taskLibrary } from '../tasks/index.ts';
import { createRng } from '../util/random.ts';
import type { Bundle } from './bundle-format.ts';
import { buildModelGraph } from './model-graph.ts';

export interface TaskEpisodeResult {
  episode: number;
  /** The graph's loss on this episode (null when it has no loss head). */
  loss: number | null;
  /** Metric values by name, e.g. signError. */
  metrics: Record<string, number>;
  /** Per model output: its values as [T, B, size] (time-major, as in training). */
  outputs: Record<string, { steps: number; batchSize: number; size: number; values: Float32Array }>;
}

export interface TaskEpisodeOptions {
  /** Seed of the episodes (default: the run's seed, so episode n is training's episode n). */
  seed?: number;
  /** Episodes 1..episodes. */
  episodes: number;
  /** For messages: the bundle's path. */
  where: string;
}

/** Yields one result per episode, in order; the model is freed when the iteration ends. */
export function* taskEpisodes(bundle: Bundle, options: TaskEpisodeOptions): Generator<TaskEpisodeResult> {
  const graph = buildModelGraph(bundle, { where: options.where, tasks: taskLibrary });
  const seed = options.seed ?? bundle.manifest.training.seed;
  const batchSize = bundle.graph.training.batchSize;
  try {
    for (let episode = 1; episode <= options.episodes; episode++) {
      const sampled = graph.sampleEpisodes(createRng(seed).fork(`episode/${episode}`), batchSize);
      const result: TaskEpisodeResult = { episode, loss: null, metrics: {}, outputs: {} };
      tf.tidy(() => {
        const { values, loss, metrics } = graph.runSequence(graph.episodeTensors(sampled));
        for (const o of graph.outputs) {
          const tensor = values.get(o.name)!;
          const [steps, batch] = tensor.shape as number[];
          result.outputs[o.name] = { steps, batchSize: batch, size: o.size, values: Float32Array.from(tensor.dataSync()) };
        }
        result.loss = loss === null ? null : loss.dataSync()[0];
        result.metrics = metrics;
      });
      yield result;
    }
  } finally {
    graph.dispose();
  }
}

/** [T, B, size] values as nested arrays [batch][step][value], one episode of the batch per entry. */
export function perEpisodeSteps(output: TaskEpisodeResult['outputs'][string]): number[][][] {
  const { steps, batchSize, size, values } = output;
  return Array.from({ length: batchSize }, (_, b) =>
    Array.from({ length: steps }, (_, t) => Array.from(values.subarray((t * batchSize + b) * size, (t * batchSize + b + 1) * size))),
  );
}
