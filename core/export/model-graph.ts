// A bundle's graph built for inference from its fixed weights, through the same graph interpreter as training
// (core/compile/interpreter.ts): whole episodes in sequence mode (as the trainer runs them) or one step at a
// time (each stateful layer's `stream`). Building is where the weights meet the graph, so it is also where a
// weight with the wrong shape, a missing one or a stray one is caught.
//
// The model's inputs are the source ports that feed a layer (e.g. `patterns/input`; targets only feed
// loss and metric heads); its outputs are the layer ports that feed no other layer (e.g. `readout/output`).
// No Node-only imports: the runtime (model.ts) runs in browsers too.
import * as tf from '@tensorflow/tfjs';
import { buildGraphInterpreter, isSourceKind, portName, totalLoss } from '../compile/interpreter.ts';
import type { BuiltNode, EpisodeBatch, LayerStream, NodeCategory, NodeKind } from '../nodes/kind.ts';
import { flatWidth, formatShape, sameShape } from '../nodes/shape-helpers.ts';
import type { TaskLibrary } from '../tasks/index.ts';
import type { Rng } from '../util/random.ts';
import { BundleError, bundleFiles, type Bundle } from './bundle-format.ts';

/** One input or output of the model: `name` is `<node id>/<port>`. */
export interface ModelPort {
  name: string;
  node: string;
  port: string;
  /** Per-step shape, without time and batch axes. */
  shape: number[];
  /** Values per step (the shape's product). */
  size: number;
}

export interface ModelGraphOptions {
  /** For messages: the bundle's path or name. */
  where: string;
  /**
   * Build the source nodes too, so the task's episodes can be sampled (they may load datasets, so this is
   * Node-only). Without it, sources are not built: the model's inputs come from the caller.
   */
  tasks?: TaskLibrary;
}

export interface SequenceResult {
  /** Every port's value by `<node id>/<port>`, [T, B, ...]. */
  values: Map<string, tf.Tensor>;
  /** Sum of the loss heads, or null when the graph has none or their inputs were not all given. */
  loss: tf.Scalar | null;
  metrics: Record<string, number>;
}

/** One episode evaluated step by step; tensors are [1, B, ...]. */
export interface ModelStream {
  reset(): void;
  /** Feeds by model input name; returns every layer port's value by name. Call inside tf.tidy. */
  step(feeds: ReadonlyMap<string, tf.Tensor>): Map<string, tf.Tensor>;
  dispose(): void;
}

export interface ModelGraph {
  readonly inputs: readonly ModelPort[];
  readonly outputs: readonly ModelPort[];
  /** A batch of the task's episodes exactly as the trainer samples them (source `s` draws from `rng.fork("source/s")`). */
  sampleEpisodes(rng: Rng, batchSize: number): Map<string, EpisodeBatch>;
  /** Sampled episodes as [T, B, ...] tensors by `<source id>/<port>`. */
  episodeTensors(episodes: ReadonlyMap<string, EpisodeBatch>): Map<string, tf.Tensor>;
  /** Runs the layers over whole episodes, then every loss and metric head whose inputs are all present. Call inside tf.tidy. */
  runSequence(feeds: ReadonlyMap<string, tf.Tensor>): SequenceResult;
  openStream(batchSize: number): ModelStream;
  dispose(): void;
}

const headCategories: readonly NodeCategory[] = ['loss', 'metric'];
const isLayerKind = (kind: NodeKind) => !isSourceKind(kind) && !headCategories.includes(kind.category);

/** Stands in for the dataset loaders where there are none (browsers, models fed by the caller). */
const noTasks = new Proxy({} as TaskLibrary, {
  get(_target, name) {
    return () => {
      throw new BundleError(`This graph's layers ask for datasets (${String(name)}), which are only available to the Node command line.`);
    };
  },
});

let graphCount = 0;

/** Builds the bundle's graph with its weights; throws BundleError listing every weight that does not fit. */
export function buildModelGraph(bundle: Pick<Bundle, 'graph' | 'weights' | 'manifest'>, options: ModelGraphOptions): ModelGraph {
  const { where } = options;
  const specs = new Map(bundle.weights.specs.map((s) => [s.name, s]));
  const used = new Set<string>();
  const problems: string[] = [];
  const nodesById = new Map(bundle.graph.nodes.map((n) => [n.id, n]));
  const graph = buildGraphInterpreter(bundle.graph, {
    // The run's seed, so anything random at build time comes out as it did in training.
    seed: bundle.manifest.training.seed,
    trainable: false,
    variablePrefix: `model${++graphCount}`,
    tasks: options.tasks ?? noTasks,
    buildSources: Boolean(options.tasks),
    parameterValues(fullName, shape) {
      used.add(fullName);
      const nodeId = fullName.slice(0, fullName.lastIndexOf('/'));
      const who = `node "${nodeId}" (${nodesById.get(nodeId)?.kind})`;
      const spec = specs.get(fullName);
      if (!spec) problems.push(`${who} needs the weight "${fullName}" ${formatShape(shape)}, but ${bundleFiles.weights} has none.`);
      else if (!sameShape(spec.shape, shape)) {
        problems.push(`the weight "${fullName}" has shape ${formatShape(spec.shape)} in ${bundleFiles.model}, but ${who} needs ${formatShape(shape)}.`);
      }
      return spec && sameShape(spec.shape, shape) ? bundle.weights.values.get(fullName)! : new Float32Array(flatWidth(shape));
    },
  });
  for (const name of specs.keys()) {
    const owner = name.slice(0, name.lastIndexOf('/'));
    if (!used.has(name) && !graph.skipped.has(owner)) problems.push(`${bundleFiles.weights} holds the weight "${name}", which no node of the graph has.`);
  }
  if (problems.length) {
    graph.dispose();
    throw new BundleError(problems.map((p) => `${where}: ${p}`));
  }

  const { order, kindOf } = graph;
  const feedsALayer = (node: string, port: string) => graph.consumers(node, port).some((id) => isLayerKind(kindOf(id)));
  const describePort = (node: string, port: string): ModelPort => {
    const shape = [...(graph.shapes.get(node)?.outputs[port] ?? [])];
    return { name: portName(node, port), node, port, shape, size: flatWidth(shape) };
  };
  const inputs: ModelPort[] = [];
  const outputs: ModelPort[] = [];
  for (const nodeId of order) {
    const kind = kindOf(nodeId);
    for (const { name: port } of kind.outputs) {
      if (isSourceKind(kind) && feedsALayer(nodeId, port)) inputs.push(describePort(nodeId, port));
      if (isLayerKind(kind) && !feedsALayer(nodeId, port)) outputs.push(describePort(nodeId, port));
    }
  }
  const layerIds = order.filter((id) => graph.node(id)?.role === 'layer');
  const checkFeeds = (feeds: ReadonlyMap<string, tf.Tensor>) => {
    for (const input of inputs) if (!feeds.has(input.name)) throw new Error(`No value was given for the model input "${input.name}".`);
  };

  return {
    inputs,
    outputs,
    sampleEpisodes: (rng, batchSize) => graph.sampleEpisodes(rng, batchSize),
    episodeTensors: (episodes) => graph.episodeTensors(episodes),
    runSequence(feeds) {
      checkFeeds(feeds);
      const { values, losses, allLosses, metrics } = graph.runSequence(feeds);
      // Summed as training sums them, so the loss matches training's to the last bit.
      return { values, loss: !allLosses || losses.length === 0 ? null : totalLoss(losses), metrics };
    },
    openStream(batchSize) {
      const streams = new Map<string, LayerStream>();
      for (const nodeId of layerIds) {
        const kind = kindOf(nodeId);
        if (!kind.stateful) continue;
        const layer = graph.node(nodeId) as Extract<BuiltNode, { role: 'layer' }>;
        if (!layer.stream) throw new BundleError(`${where}: node "${nodeId}" (${kind.kind}) cannot run one step at a time yet; use runEpisode.`);
        streams.set(nodeId, layer.stream(batchSize));
      }
      return {
        reset: () => streams.forEach((s) => s.reset()),
        step(feeds) {
          checkFeeds(feeds);
          const values = new Map(feeds);
          for (const nodeId of layerIds) {
            const layer = graph.node(nodeId) as Extract<BuiltNode, { role: 'layer' }>;
            const given = graph.inputsOf(nodeId, values);
            // A stateless layer on one step is just its forward pass over a one-step sequence.
            const out = streams.get(nodeId)?.step(given) ?? layer.forward(given);
            for (const [port, tensor] of Object.entries(out)) values.set(portName(nodeId, port), tensor);
          }
          return values;
        },
        dispose: () => streams.forEach((s) => s.dispose()),
      };
    },
    dispose: () => graph.dispose(),
  };
}

/** Checks that the bundle's weights fit its graph (names and shapes), building it once and freeing it. */
export function checkWeightsFitGraph(bundle: Pick<Bundle, 'graph' | 'weights' | 'manifest'>, where: string): void {
  // The tidy frees whatever the node builds allocate besides their parameters (masks, clamp tensors).
  tf.tidy(() => buildModelGraph(bundle, { where }).dispose());
}
