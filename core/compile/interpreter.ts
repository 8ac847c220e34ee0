// The graph interpreter: the one place where a graph document is built into nodes and run. Training
// (compile.ts), evaluation and model bundles (core/export/model-graph.ts) all build through it, so what a bundle
// computes is by construction what training computed. Where parameters come from (initialisers, a checkpoint, a
// bundle's weights) is the caller's choice.
//
// Sequence mode (core/nodes/kind.ts): sources are sampled into [T, B, ...] tensors, layers run in topological
// order over whole episodes, then the loss heads are summed and the metric heads read. Environments (the maze)
// are played step by step when episodes are sampled (rollout.ts), then replayed like sources.
// No Node-only imports: bundles run in browsers too; the dataset loaders come in through `tasks`.
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument } from '../graph/document.ts';
import { topologicalOrder, validateGraph } from '../graph/index.ts';
import type { NodeShapes } from '../graph/shapes.ts';
import { getNodeKind } from '../nodes/catalog.ts';
import { meanOf } from '../nodes/episode-steps.ts';
import type { BuiltNode, EnvironmentSetup, EpisodeBatch, HeldOutSplit, Initializer, NodeCategory, NodeKind, Shape } from '../nodes/kind.ts';
import { nativeKernels } from '../native/kernels.ts';
import { plasticKernels } from '../plasticity/index.ts';
import type { TaskLibrary } from '../tasks/index.ts';
import { createRng, type Rng } from '../util/random.ts';
import { planRollout } from './rollout.ts';

/** `<node id>/<port>`: how ports are named in values, feeds and model inputs and outputs. */
export const portName = (node: string, port: string) => `${node}/${port}`;

const sourceCategories: readonly NodeCategory[] = ['source', 'environment'];
export const isSourceKind = (kind: NodeKind) => sourceCategories.includes(kind.category);

export interface InterpreterOptions {
  /** Seed of anything random at build time (each node draws from its own stream). */
  seed: number;
  /**
   * The values of a parameter, `<node id>/<name>`, when a node asks for it: from its initialiser, a checkpoint or
   * a bundle. Returning values of the wrong length is the caller's error to report.
   */
  parameterValues(fullName: string, shape: number[], init: Initializer): Float32Array;
  /** Whether the parameters are tfjs-trainable (training) or fixed (a bundle). */
  trainable: boolean;
  /** Prefix of the tfjs variable names, unique in the process: two graphs (two runs, two tests) can coexist. */
  variablePrefix: string;
  /** Dataset loaders, for the sources (and any layer that reads a dataset). */
  tasks: TaskLibrary;
  /** Build sources and environments too (default); without them the graph's inputs come from the caller. */
  buildSources?: boolean;
}

export interface GraphParameter {
  /** Stable name: `<nodeId>/<param>`, e.g. `memory/w`. */
  name: string;
  variable: tf.Variable;
  trainable: boolean;
}

export interface SequenceRun {
  /** Every port's value by `<node id>/<port>`, [T, B, ...]. */
  values: Map<string, tf.Tensor>;
  /** The loss heads whose inputs were all given, in graph order. */
  losses: tf.Scalar[];
  /** Whether every loss head had its inputs (a model fed inputs only has no targets). */
  allLosses: boolean;
  /** Metric values by metric name, the batch's mean. */
  metrics: Record<string, number>;
  /** The same metrics, one value per episode. */
  episodeMetrics: Record<string, Float32Array>;
}

export interface GraphInterpreter {
  readonly order: readonly string[];
  readonly shapes: ReadonlyMap<string, NodeShapes>;
  readonly parameters: readonly GraphParameter[];
  /** Nodes that were not built (sources, when `buildSources` is false). */
  readonly skipped: ReadonlySet<string>;
  /** Metrics whose per-episode values are 0 or 1 (accuracy): their mean is a proportion. */
  readonly proportionMetrics: readonly string[];
  kindOf(nodeId: string): NodeKind;
  node(nodeId: string): BuiltNode | undefined;
  /** The port feeding an input port, if it is connected. */
  feeding(nodeId: string, port: string): { node: string; port: string } | undefined;
  /** Node ids an output port feeds. */
  consumers(nodeId: string, port: string): readonly string[];
  /**
   * One batch of episodes from every source (source `s` draws from `rng.fork("source/s")`), and one played
   * against every environment with the current parameters. With `heldOut`, data sources draw from that split.
   */
  /** `setups`: a user's world for some environments (the sandbox), by node id. */
  sampleEpisodes(rng: Rng, batchSize: number, heldOut?: HeldOutSplit, setups?: ReadonlyMap<string, EnvironmentSetup>): Map<string, EpisodeBatch>;
  /** Sampled episodes as [T, B, ...] tensors by port name. */
  episodeTensors(episodes: ReadonlyMap<string, EpisodeBatch>): Map<string, tf.Tensor>;
  /** A node's inputs from the values computed so far (unconnected or missing ports left out). */
  inputsOf(nodeId: string, values: ReadonlyMap<string, tf.Tensor>): Record<string, tf.Tensor>;
  /** Runs the layers over whole episodes, then every loss and metric head whose inputs are all present. Call inside tf.tidy. */
  runSequence(feeds: ReadonlyMap<string, tf.Tensor>): SequenceRun;
  dispose(): void;
}

export function buildGraphInterpreter(doc: GraphDocument, options: InterpreterOptions): GraphInterpreter {
  const { shapes } = validateGraph(doc);
  const order = topologicalOrder(doc);
  const nodesById = new Map(doc.nodes.map((n) => [n.id, n]));
  const kindOf = (id: string) => getNodeKind(nodesById.get(id)!.kind)!;
  const parameters: GraphParameter[] = [];
  const built = new Map<string, BuiltNode>();
  const skipped = new Set<string>();
  // Nodes whose outputs depend on a trainable parameter (their own or upstream): gradients flow back into them.
  const carriesGradient = new Set<string>();
  const feeders = new Map<string, { node: string; port: string }[]>();
  for (const edge of doc.edges) feeders.set(edge.to.node, [...(feeders.get(edge.to.node) ?? []), { node: edge.from.node, port: edge.to.port }]);

  try {
    for (const nodeId of order) {
      const node = nodesById.get(nodeId)!;
      const kind = kindOf(nodeId);
      if (isSourceKind(kind) && options.buildSources === false) {
        skipped.add(nodeId);
        continue;
      }
      const nodeShapes = shapes.get(nodeId) ?? { inputs: {}, outputs: {} };
      const nodeFeeders = feeders.get(nodeId) ?? [];
      if (nodeFeeders.some((feeder) => carriesGradient.has(feeder.node))) carriesGradient.add(nodeId);
      built.set(
        nodeId,
        kind.build(kind.params.parse(node.params ?? {}), {
          tf,
          nodeId,
          inputShapes: nodeShapes.inputs as Record<string, Shape>,
          outputShapes: nodeShapes.outputs as Record<string, Shape>,
          kernels: plasticKernels,
          native: nativeKernels(),
          tasks: options.tasks,
          rng: createRng(options.seed).fork(`build/${nodeId}`),
          // A feeder not yet built (an edge back from later in the order) is assumed to carry one.
          inputNeedsGradient: (port) =>
            nodeFeeders.some((feeder) => feeder.port === port && (carriesGradient.has(feeder.node) || !(built.has(feeder.node) || skipped.has(feeder.node)))),
          parameter(name, shape, init, parameterOptions) {
            const fullName = portName(nodeId, name);
            const trainable = options.trainable && (parameterOptions?.trainable ?? true);
            const initial = tf.tensor(options.parameterValues(fullName, shape, init), shape);
            // Non-numeric names keep gradient maps in creation order.
            const variable = tf.variable(initial, trainable, `${options.variablePrefix}:${fullName}`);
            initial.dispose(); // the variable holds its own reference to the data
            parameters.push({ name: fullName, variable, trainable: parameterOptions?.trainable ?? true });
            if (trainable) carriesGradient.add(nodeId);
            return variable;
          },
        }),
      );
    }
  } catch (error) {
    tf.dispose(parameters.map((p) => p.variable));
    throw error;
  }

  const incoming = new Map<string, { node: string; port: string }>();
  const outgoing = new Map<string, string[]>();
  for (const edge of doc.edges) {
    incoming.set(portName(edge.to.node, edge.to.port), edge.from);
    const from = portName(edge.from.node, edge.from.port);
    outgoing.set(from, [...(outgoing.get(from) ?? []), edge.to.node]);
  }
  const rollout = planRollout({
    order,
    built,
    kindOf,
    feeding: (id, port) => incoming.get(portName(id, port)),
    outputShape: (id, port) => shapes.get(id)!.outputs[port],
  });
  const inputsOf = (nodeId: string, values: ReadonlyMap<string, tf.Tensor>) => {
    const given: Record<string, tf.Tensor> = {};
    for (const { name: port } of kindOf(nodeId).inputs) {
      const from = incoming.get(portName(nodeId, port));
      const value = from && values.get(portName(from.node, from.port));
      if (value) given[port] = value;
    }
    return given;
  };
  const hasRequiredInputs = (nodeId: string, given: Record<string, tf.Tensor>) => kindOf(nodeId).inputs.every((port) => port.optional || given[port.name] !== undefined);

  return {
    order,
    shapes,
    parameters,
    skipped,
    proportionMetrics: [...built.values()].flatMap((node) => (node.role === 'metric' && node.proportion ? [node.metricName] : [])),
    kindOf,
    node: (id) => built.get(id),
    feeding: (id, port) => incoming.get(portName(id, port)),
    consumers: (id, port) => outgoing.get(portName(id, port)) ?? [],
    sampleEpisodes(rng, batchSize, heldOut, setups) {
      const episodes = new Map<string, EpisodeBatch>();
      for (const nodeId of order) {
        const node = built.get(nodeId);
        if (node?.role === 'source') episodes.set(nodeId, node.sample(rng.fork(`source/${nodeId}`), batchSize, heldOut));
        else if (skipped.has(nodeId)) throw new Error('This graph was built without its task: it cannot sample episodes.');
      }
      if (rollout) for (const [nodeId, record] of rollout.play(rng, batchSize, episodes, setups)) episodes.set(nodeId, record);
      return episodes;
    },
    episodeTensors(episodes) {
      const tensors = new Map<string, tf.Tensor>();
      for (const [nodeId, batch] of episodes) {
        for (const { name: port } of kindOf(nodeId).outputs) {
          const shape = shapes.get(nodeId)!.outputs[port];
          tensors.set(portName(nodeId, port), tf.tensor(batch.outputs[port], [batch.steps, batch.batchSize, ...shape]));
        }
      }
      return tensors;
    },
    inputsOf,
    runSequence(feeds) {
      const values = new Map(feeds);
      const losses: tf.Scalar[] = [];
      const metrics: Record<string, number> = {};
      const episodeMetrics: Record<string, Float32Array> = {};
      let allLosses = true;
      for (const nodeId of order) {
        const node = built.get(nodeId);
        if (!node || node.role === 'source' || node.role === 'environment') continue;
        const given = inputsOf(nodeId, values);
        if (node.role === 'layer') {
          for (const [port, tensor] of Object.entries(node.forward(given))) values.set(portName(nodeId, port), tensor);
        } else if (!hasRequiredInputs(nodeId, given)) {
          if (node.role === 'loss') allLosses = false; // e.g. no targets: the caller fed inputs only
        } else if (node.role === 'loss') {
          losses.push(node.loss(given));
        } else {
          episodeMetrics[node.metricName] = node.measure(given);
          metrics[node.metricName] = meanOf(episodeMetrics[node.metricName]);
        }
      }
      return { values, losses, allLosses, metrics, episodeMetrics };
    },
    dispose() {
      tf.dispose(parameters.map((p) => p.variable));
    },
  };
}

/** The loss heads' sum, as training optimises it (one head: itself, so the value is the same to the last bit). */
export const totalLoss = (losses: tf.Scalar[]): tf.Scalar => (losses.length === 1 ? losses[0] : tf.addN(losses)) as tf.Scalar;
