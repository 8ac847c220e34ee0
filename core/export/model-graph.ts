// A bundle's graph built for inference from its fixed weights: whole episodes in sequence mode (as the
// trainer runs them) or one step at a time (each stateful layer's `stream`). Building is where the weights
// meet the graph, so it is also where a weight with the wrong shape, a missing one or a stray one is caught.
//
// The model's inputs are the source ports that feed a layer (e.g. `patterns/input`; targets only feed
// loss and metric heads); its outputs are the layer ports that feed no other layer (e.g. `readout/output`).
// No Node-only imports: the runtime (model.ts) runs in browsers too.
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument } from '../graph/document.ts';
import { topologicalOrder, validateGraph } from '../graph/index.ts';
import { getNodeKind } from '../nodes/catalog.ts';
import type { BuiltNode, EpisodeBatch, LayerStream, NodeCategory, NodeKind, Shape } from '../nodes/kind.ts';
import { flatWidth, formatShape, sameShape } from '../nodes/shape-helpers.ts';
import { meanOf } from '../nodes/episode-steps.ts';
import { planRollout } from '../compile/rollout.ts';
import { plasticKernels } from '../plasticity/index.ts';
import type { TaskLibrary } from '../tasks/index.ts';
import type { Rng } from '../util/random.ts';
import { createRng } from '../util/random.ts';
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

const portName = (node: string, port: string) => `${node}/${port}`;
const sourceCategories: readonly NodeCategory[] = ['source', 'environment'];
const headCategories: readonly NodeCategory[] = ['loss', 'metric'];
const isLayerKind = (kind: NodeKind) => !sourceCategories.includes(kind.category) && !headCategories.includes(kind.category);

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
  const doc: GraphDocument = bundle.graph;
  const { shapes } = validateGraph(doc);
  const order = topologicalOrder(doc);
  const nodesById = new Map(doc.nodes.map((n) => [n.id, n]));
  const kindOf = (id: string) => getNodeKind(nodesById.get(id)!.kind)!;
  const graphId = ++graphCount;

  const specs = new Map(bundle.weights.specs.map((s) => [s.name, s]));
  const used = new Set<string>();
  const problems: string[] = [];
  const variables: tf.Variable[] = [];
  const built = new Map<string, BuiltNode>();
  const skipped = new Set<string>();

  for (const nodeId of order) {
    const node = nodesById.get(nodeId)!;
    const kind = kindOf(nodeId);
    if (sourceCategories.includes(kind.category) && !options.tasks) {
      skipped.add(nodeId);
      continue;
    }
    const nodeShapes = shapes.get(nodeId) ?? { inputs: {}, outputs: {} };
    const who = `node "${nodeId}" (${node.kind})`;
    built.set(
      nodeId,
      kind.build(kind.params.parse(node.params ?? {}), {
        tf,
        nodeId,
        inputShapes: nodeShapes.inputs as Record<string, Shape>,
        outputShapes: nodeShapes.outputs as Record<string, Shape>,
        kernels: plasticKernels,
        tasks: options.tasks ?? noTasks,
        // The run's seed, so anything random at build time comes out as it did in training.
        rng: createRng(bundle.manifest.training.seed).fork(`build/${nodeId}`),
        parameter(name, shape) {
          const fullName = portName(nodeId, name);
          used.add(fullName);
          const spec = specs.get(fullName);
          if (!spec) problems.push(`${who} needs the weight "${fullName}" ${formatShape(shape)}, but ${bundleFiles.weights} has none.`);
          else if (!sameShape(spec.shape, shape)) {
            problems.push(`the weight "${fullName}" has shape ${formatShape(spec.shape)} in ${bundleFiles.model}, but ${who} needs ${formatShape(shape)}.`);
          }
          const values = spec && sameShape(spec.shape, shape) ? bundle.weights.values.get(fullName)! : new Float32Array(flatWidth(shape));
          const initial = tf.tensor(values, shape);
          const variable = tf.variable(initial, false, `model${graphId}:${fullName}`);
          initial.dispose(); // the variable holds its own reference to the data
          variables.push(variable);
          return variable;
        },
      }),
    );
  }
  for (const name of specs.keys()) {
    const owner = name.slice(0, name.lastIndexOf('/'));
    if (!used.has(name) && !skipped.has(owner)) problems.push(`${bundleFiles.weights} holds the weight "${name}", which no node of the graph has.`);
  }
  if (problems.length) {
    tf.dispose(variables);
    throw new BundleError(problems.map((p) => `${where}: ${p}`));
  }

  const incoming = new Map<string, { node: string; port: string }>();
  const consumers = new Map<string, string[]>();
  for (const edge of doc.edges) {
    incoming.set(portName(edge.to.node, edge.to.port), edge.from);
    const from = portName(edge.from.node, edge.from.port);
    consumers.set(from, [...(consumers.get(from) ?? []), edge.to.node]);
  }
  const feedsALayer = (name: string) => (consumers.get(name) ?? []).some((id) => isLayerKind(kindOf(id)));
  const describePort = (node: string, port: string): ModelPort => {
    const shape = [...(shapes.get(node)?.outputs[port] ?? [])];
    return { name: portName(node, port), node, port, shape, size: flatWidth(shape) };
  };
  const inputs: ModelPort[] = [];
  const outputs: ModelPort[] = [];
  for (const nodeId of order) {
    const kind = kindOf(nodeId);
    for (const { name: port } of kind.outputs) {
      const name = portName(nodeId, port);
      if (sourceCategories.includes(kind.category) && feedsALayer(name)) inputs.push(describePort(nodeId, port));
      if (isLayerKind(kind) && !feedsALayer(name)) outputs.push(describePort(nodeId, port));
    }
  }

  const layerIds = order.filter((id) => built.get(id)?.role === 'layer');
  // Environments (built only with the task) are played against the layers, as in training.
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
  const hasRequiredInputs = (nodeId: string, given: Record<string, tf.Tensor>) =>
    kindOf(nodeId).inputs.every((port) => port.optional || given[port.name] !== undefined);
  const checkFeeds = (feeds: ReadonlyMap<string, tf.Tensor>) => {
    for (const input of inputs) if (!feeds.has(input.name)) throw new Error(`No value was given for the model input "${input.name}".`);
  };

  return {
    inputs,
    outputs,
    sampleEpisodes(rng, batchSize) {
      const episodes = new Map<string, EpisodeBatch>();
      for (const nodeId of order) {
        const node = built.get(nodeId);
        if (node?.role === 'source') episodes.set(nodeId, node.sample(rng.fork(`source/${nodeId}`), batchSize));
        else if (skipped.has(nodeId)) throw new Error('This model was built without its task: it cannot sample episodes.');
      }
      if (rollout) for (const [nodeId, record] of rollout.play(rng, batchSize, episodes)) episodes.set(nodeId, record);
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
    runSequence(feeds) {
      checkFeeds(feeds);
      const values = new Map(feeds);
      const losses: tf.Scalar[] = [];
      const metrics: Record<string, number> = {};
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
          metrics[node.metricName] = meanOf(node.measure(given));
        }
      }
      // Summed as the compiler sums them, so the loss matches training's to the last bit.
      const loss = !allLosses || losses.length === 0 ? null : ((losses.length === 1 ? losses[0] : tf.addN(losses)) as tf.Scalar);
      return { values, loss, metrics };
    },
    openStream(batchSize) {
      const streams = new Map<string, LayerStream>();
      for (const nodeId of layerIds) {
        const kind = kindOf(nodeId);
        if (!kind.stateful) continue;
        const layer = built.get(nodeId) as Extract<BuiltNode, { role: 'layer' }>;
        if (!layer.stream) throw new BundleError(`${where}: node "${nodeId}" (${kind.kind}) cannot run one step at a time yet; use runEpisode.`);
        streams.set(nodeId, layer.stream(batchSize));
      }
      return {
        reset: () => streams.forEach((s) => s.reset()),
        step(feeds) {
          checkFeeds(feeds);
          const values = new Map(feeds);
          for (const nodeId of layerIds) {
            const layer = built.get(nodeId) as Extract<BuiltNode, { role: 'layer' }>;
            const given = inputsOf(nodeId, values);
            // A stateless layer on one step is just its forward pass over a one-step sequence.
            const out = streams.get(nodeId)?.step(given) ?? layer.forward(given);
            for (const [port, tensor] of Object.entries(out)) values.set(portName(nodeId, port), tensor);
          }
          return values;
        },
        dispose: () => streams.forEach((s) => s.dispose()),
      };
    },
    dispose() {
      tf.dispose(variables);
    },
  };
}

/** Checks that the bundle's weights fit its graph (names and shapes), building it once and freeing it. */
export function checkWeightsFitGraph(bundle: Pick<Bundle, 'graph' | 'weights' | 'manifest'>, where: string): void {
  // The tidy frees whatever the node builds allocate besides their parameters (masks, clamp tensors).
  tf.tidy(() => buildModelGraph(bundle, { where }).dispose());
}
