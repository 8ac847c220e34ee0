// Graph document -> runnable training program: the graph interpreter (interpreter.ts) with parameters from
// their initialisers or a checkpoint, trainable, and the dataset loaders of this machine.
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument } from '../graph/document.ts';
import { validateGraph } from '../graph/index.ts';
import type { EnvironmentSetup, EpisodeBatch, HeldOutSplit, Initializer } from '../nodes/kind.ts';
import { taskLibrary } from '../tasks/index.ts';
import { createRng, type Rng } from '../util/random.ts';
import { GraphInvalidError } from './errors.ts';
import { buildGraphInterpreter, portName, totalLoss, type GraphInterpreter, type GraphParameter } from './interpreter.ts';
import { InputError } from '../util/input-error.ts';

export type ProgramParameter = GraphParameter;

export interface EpisodeResult {
  loss: tf.Scalar;
  /** Metric values by metric name (e.g. signError), the batch's mean; read synchronously during the forward pass. */
  metrics: Record<string, number>;
  /** The same metrics, one value per episode of the batch (evaluation pools them). */
  episodeMetrics: Record<string, Float32Array>;
  /** Any output port's value over the episodes, [T, B, ...] (for inspection; freed with the tidy around `run`). */
  value(node: string, port: string): tf.Tensor | undefined;
}

export interface CompiledProgram {
  /** The graph as built, for probes that run it another way (one step at a time). */
  readonly interpreter: GraphInterpreter;
  readonly parameters: readonly ProgramParameter[];
  /** Metrics whose per-episode values are 0 or 1 (accuracy): their mean is a proportion. */
  readonly proportionMetrics: readonly string[];
  /**
   * Draws one batch of episodes from every source node, and plays one against every environment with the
   * current parameters (no gradients). With `heldOut`, data sources draw from that held-out part (evaluation).
   */
  sampleEpisodes(rng: Rng, batchSize: number, heldOut?: HeldOutSplit, setups?: ReadonlyMap<string, EnvironmentSetup>): Map<string, EpisodeBatch>;
  /** Runs the graph on sampled episodes; call inside tf.variableGrads to train. */
  run(episodes: Map<string, EpisodeBatch>): EpisodeResult;
  /** Frees the parameters. */
  dispose(): void;
}

export interface CompileOptions {
  /** Seed of parameter initialisation (each parameter draws from its own stream). */
  seed: number;
  /** Values to start from instead of the initialisers (a checkpoint), by parameter name. */
  initialValues?: ReadonlyMap<string, Float32Array>;
  /**
   * false: leave the data sources and environments unbuilt (no dataset is loaded) for a program that only runs
   * episodes sampled elsewhere; it cannot sample its own.
   */
  buildSources?: boolean;
}

function initialValues(init: Initializer, size: number, rng: Rng): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    if (init.kind === 'normal') values[i] = init.std * rng.normal();
    else if (init.kind === 'uniform') values[i] = init.low + (init.high - init.low) * rng.uniform();
    else values[i] = init.value;
  }
  return values;
}

let programCount = 0;

export function compileGraph(doc: GraphDocument, options: CompileOptions): CompiledProgram {
  const errors = validateGraph(doc).problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new GraphInvalidError(errors);

  const graph = buildGraphInterpreter(doc, {
    seed: options.seed,
    trainable: true,
    buildSources: options.buildSources,
    variablePrefix: `program${++programCount}`,
    tasks: taskLibrary,
    parameterValues(fullName, shape, init) {
      const size = shape.reduce((a, b) => a * b, 1);
      const restored = options.initialValues?.get(fullName);
      if (restored && restored.length !== size) {
        throw new InputError(`"${fullName}" has ${restored.length} values in the checkpoint or model training starts from, but the graph needs shape [${shape.join(', ')}] (${size}).`);
      }
      return restored ?? initialValues(init, size, createRng(options.seed).fork(`init/${fullName}`));
    },
  });
  const sources = graph.order.filter((id) => graph.node(id)?.role === 'source' || graph.node(id)?.role === 'environment');

  return {
    interpreter: graph,
    parameters: graph.parameters,
    proportionMetrics: graph.proportionMetrics,
    sampleEpisodes: (rng, batchSize, heldOut, setups) => graph.sampleEpisodes(rng, batchSize, heldOut, setups),
    run(episodes) {
      for (const id of sources) if (!episodes.has(id)) throw new Error(`No episode was sampled for source "${id}".`);
      const { values, losses, metrics, episodeMetrics } = graph.runSequence(graph.episodeTensors(episodes));
      return { loss: totalLoss(losses), metrics, episodeMetrics, value: (node, port) => values.get(portName(node, port)) };
    },
    dispose: () => graph.dispose(),
  };
}
