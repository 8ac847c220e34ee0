// Graph document -> runnable program. The program evaluates the graph in sequence mode (see
// core/nodes/kind.ts): sources are sampled into [T, B, ...] tensors, layers run in topological order,
// loss heads are summed, metric heads are read. Parameters are tfjs variables named `<nodeId>/<param>`.
// Environments (the maze) are played step by step when episodes are sampled (rollout.ts), then replayed
// like sources.
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument } from '../graph/document.ts';
import { topologicalOrder, validateGraph } from '../graph/index.ts';
import { getNodeKind } from '../nodes/catalog.ts';
import { meanOf } from '../nodes/episode-steps.ts';
import type { BuiltNode, EpisodeBatch, HeldOutSplit, Initializer, Shape } from '../nodes/kind.ts';
import { plasticKernels } from '../plasticity/index.ts';
import { taskLibrary } from '../tasks/index.ts';
import { createRng, type Rng } from '../util/random.ts';
import { GraphInvalidError } from './errors.ts';
import { planRollout } from './rollout.ts';
import { InputError } from '../util/input-error.ts';

export interface ProgramParameter {
  /** Stable name: `<nodeId>/<param>`, e.g. `memory/w`. */
  name: string;
  variable: tf.Variable;
  trainable: boolean;
}

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
  readonly parameters: readonly ProgramParameter[];
  /** Metrics whose per-episode values are 0 or 1 (accuracy): their mean is a proportion. */
  readonly proportionMetrics: readonly string[];
  /**
   * Draws one batch of episodes from every source node, and plays one against every environment with the
   * current parameters (no gradients). With `heldOut`, data sources draw from that held-out part (evaluation).
   */
  sampleEpisodes(rng: Rng, batchSize: number, heldOut?: HeldOutSplit): Map<string, EpisodeBatch>;
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

const portKey = (node: string, port: string) => `${node}\u0000${port}`;

export function compileGraph(doc: GraphDocument, options: CompileOptions): CompiledProgram {
  const { problems, shapes } = validateGraph(doc);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new GraphInvalidError(errors);

  const programId = ++programCount;
  const parameters: ProgramParameter[] = [];
  const built = new Map<string, BuiltNode>();
  const order = topologicalOrder(doc);
  const nodesById = new Map(doc.nodes.map((n) => [n.id, n]));

  for (const nodeId of order) {
    const node = nodesById.get(nodeId)!;
    const kind = getNodeKind(node.kind)!;
    const params = kind.params.parse(node.params ?? {});
    const nodeShapes = shapes.get(nodeId) ?? { inputs: {}, outputs: {} };
    built.set(
      nodeId,
      kind.build(params, {
        tf,
        nodeId,
        inputShapes: nodeShapes.inputs as Record<string, Shape>,
        outputShapes: nodeShapes.outputs as Record<string, Shape>,
        kernels: plasticKernels,
        tasks: taskLibrary,
        rng: createRng(options.seed).fork(`build/${nodeId}`),
        parameter(name, shape, init, parameterOptions) {
          const fullName = `${nodeId}/${name}`;
          const size = shape.reduce((a, b) => a * b, 1);
          const restored = options.initialValues?.get(fullName);
          if (restored && restored.length !== size) {
            throw new InputError(`"${fullName}" has ${restored.length} values in the checkpoint or model training starts from, but the graph needs shape [${shape.join(', ')}] (${size}).`);
          }
          const values = restored ?? initialValues(init, size, createRng(options.seed).fork(`init/${fullName}`));
          const trainable = parameterOptions?.trainable ?? true;
          // tfjs variable names are global to the engine: the program id lets two programs (two runs,
          // two tests) coexist in one process, and non-numeric names keep gradient maps in creation order.
          const initial = tf.tensor(values, shape);
          const variable = tf.variable(initial, trainable, `program${programId}:${fullName}`);
          initial.dispose();
          parameters.push({ name: fullName, variable, trainable });
          return variable;
        },
      }),
    );
  }

  const incoming = new Map<string, { node: string; port: string }>();
  for (const edge of doc.edges) incoming.set(portKey(edge.to.node, edge.to.port), edge.from);
  const rollout = planRollout({
    order,
    built,
    kindOf: (id) => getNodeKind(nodesById.get(id)!.kind)!,
    feeding: (id, port) => incoming.get(portKey(id, port)),
    outputShape: (id, port) => shapes.get(id)!.outputs[port],
  });

  const proportionMetrics = [...built.values()].flatMap((node) => (node.role === 'metric' && node.proportion ? [node.metricName] : []));

  return {
    parameters,
    proportionMetrics,
    sampleEpisodes(rng, batchSize, heldOut) {
      const episodes = new Map<string, EpisodeBatch>();
      for (const nodeId of order) {
        const node = built.get(nodeId)!;
        if (node.role === 'source') episodes.set(nodeId, node.sample(rng.fork(`source/${nodeId}`), batchSize, heldOut));
      }
      if (rollout) for (const [nodeId, record] of rollout.play(rng, batchSize, episodes)) episodes.set(nodeId, record);
      return episodes;
    },
    run(episodes) {
      const values = new Map<string, tf.Tensor>();
      const losses: tf.Scalar[] = [];
      const metrics: Record<string, number> = {};
      const episodeMetrics: Record<string, Float32Array> = {};
      for (const nodeId of order) {
        const node = built.get(nodeId)!;
        const kind = getNodeKind(nodesById.get(nodeId)!.kind)!;
        const nodeShapes = shapes.get(nodeId)!;
        if (node.role === 'source' || node.role === 'environment') {
          const batch = episodes.get(nodeId);
          if (!batch) throw new Error(`No episode was sampled for source "${nodeId}".`);
          for (const port of kind.outputs) {
            const data = batch.outputs[port.name];
            const shape = [batch.steps, batch.batchSize, ...nodeShapes.outputs[port.name]];
            values.set(portKey(nodeId, port.name), tf.tensor(data, shape));
          }
          continue;
        }
        const inputs: Record<string, tf.Tensor> = {};
        for (const port of kind.inputs) {
          const from = incoming.get(portKey(nodeId, port.name));
          if (from) inputs[port.name] = values.get(portKey(from.node, from.port))!;
        }
        if (node.role === 'layer') {
          const outputs = node.forward(inputs);
          for (const [port, tensor] of Object.entries(outputs)) values.set(portKey(nodeId, port), tensor);
        } else if (node.role === 'loss') {
          losses.push(node.loss(inputs));
        } else {
          episodeMetrics[node.metricName] = node.measure(inputs);
          metrics[node.metricName] = meanOf(episodeMetrics[node.metricName]);
        }
      }
      const loss = (losses.length === 1 ? losses[0] : tf.addN(losses)) as tf.Scalar;
      return { loss, metrics, episodeMetrics, value: (node, port) => values.get(portKey(node, port)) };
    },
    dispose() {
      for (const p of parameters) p.variable.dispose();
    },
  };
}
