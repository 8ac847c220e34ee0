// Rollout: a batch of episodes played step by step against the graph's environments, without gradients.
//
// With an environment (the maze), step t's observation depends on the action taken at step t−1, which the
// network computed from earlier observations: the episode cannot be sampled before the forward pass. So a
// training episode has two phases:
//   1. rollout (this module): every layer's state is reset; at each step the environments' observations go
//      through the layers that lead to their delayed inputs, in evaluation order, one step at a time
//      (stateful layers through their `stream`, stateless ones by `forward` on a [1, B, ...] tensor); each
//      environment then acts on its delayed inputs (the maze samples an action from the policy) and records
//      the step.
//      When every layer on that path can step on plain arrays (`arrayStream`: dense, recurrent and plastic
//      layers), the whole step runs on arrays, without a tensor op: a small network's step is a few
//      microseconds of arithmetic, against tens of microseconds per tensor op dispatched.
//   2. replay (the compiled program's `run`): the environment emits its record like a source, and the
//      graph runs in sequence mode over the whole episode with gradients. The layers are deterministic given
//      the recorded observations, so the replay computes the policy the rollout acted on.
import * as tf from '@tensorflow/tfjs';
import type { Problem } from '../graph/index.ts';
import type { ArrayStream, BuiltEnvironment, BuiltLayer, BuiltNode, EnvironmentEpisodes, EnvironmentSetup, EpisodeBatch, LayerStream, NodeKind, Shape } from '../nodes/kind.ts';
import { flatWidth } from '../nodes/shape-helpers.ts';
import type { Rng } from '../util/random.ts';
import { GraphInvalidError } from './errors.ts';

/** What the rollout needs to know of a built graph (the compiler's program and the export's model both have it). */
export interface RolloutGraph {
  /** Node ids in evaluation order. */
  order: readonly string[];
  built: ReadonlyMap<string, BuiltNode>;
  kindOf(nodeId: string): NodeKind;
  /** The output port feeding an input port, when connected. */
  feeding(nodeId: string, port: string): { node: string; port: string } | undefined;
  /** Per-step shape of an output port. */
  outputShape(nodeId: string, port: string): Shape;
}

export interface Rollout {
  /** Environment node ids, in evaluation order. */
  readonly environments: readonly string[];
  /**
   * Plays one batch of episodes with the layers' current parameters. Environment `e` draws from
   * `rng.fork("source/e")`, as a source does. `sources`: the episodes of the graph's ordinary sources, which
   * layers may read step by step. Returns the record of each environment.
   */
  /** `setups`: a user's world for some environments (by node id), for sandbox episodes. */
  play(rng: Rng, batchSize: number, sources: ReadonlyMap<string, EpisodeBatch>, setups?: ReadonlyMap<string, EnvironmentSetup>): Map<string, EpisodeBatch>;
}

const key = (node: string, port: string) => `${node}\u0000${port}`;

/** The rollout of a graph with environments, or null when it has none. Throws GraphInvalidError when it cannot be played. */
export function planRollout(graph: RolloutGraph): Rollout | null {
  const environments = graph.order.filter((id) => graph.built.get(id)?.role === 'environment');
  if (environments.length === 0) return null;

  // The layers that lead to an environment's delayed inputs; nothing else needs to run while playing.
  const needed = new Set<string>();
  const problems: Problem[] = [];
  const pending: { node: string; port: string }[] = [];
  for (const id of environments) {
    for (const port of graph.kindOf(id).delayedInputs ?? []) {
      const from = graph.feeding(id, port);
      if (from) pending.push(from);
    }
  }
  while (pending.length > 0) {
    const { node, port } = pending.pop()!;
    const built = graph.built.get(node);
    if (!built) continue;
    const kind = graph.kindOf(node);
    if (built.role === 'environment' && !built.observed.includes(port)) {
      problems.push({
        severity: 'error',
        code: 'rollout',
        nodeId: node,
        port,
        message: `${kind.title} "${node}": its output "${port}" is known only after the agent has acted in a step, so it cannot feed the layers that choose the action; connect it to loss and metric heads only (the network sees ${built.observed.map((p) => `"${p}"`).join(', ')}).`,
      });
    }
    if (built.role !== 'layer' || needed.has(node)) continue;
    needed.add(node);
    if (kind.stateful && !built.stream) {
      problems.push({
        severity: 'error',
        code: 'rollout',
        nodeId: node,
        message: `${kind.title} "${node}" cannot yet run one step at a time, which acting in an environment needs; use a layer that can (e.g. a recurrent, plastic or LSTM layer).`,
      });
    }
    for (const input of kind.inputs) {
      const from = graph.feeding(node, input.name);
      if (from) pending.push(from);
    }
  }
  if (problems.length > 0) throw new GraphInvalidError(problems);
  const layers = graph.order.filter((id) => needed.has(id));

  return {
    environments,
    play(rng, batchSize, sources, setups) {
      const episodes = environments.map((id) => (graph.built.get(id) as BuiltEnvironment).start(rng.fork(`source/${id}`), batchSize, setups?.get(id)));
      const steps = episodes[0].steps;
      const lengths = [...episodes.map((e, i) => [environments[i], e.steps] as const), ...[...sources].map(([id, b]) => [id, b.steps] as const)];
      const odd = lengths.find(([, n]) => n !== steps);
      if (odd) throw new Error(`Every episode source must give the same number of steps, but "${environments[0]}" gives ${steps} and "${odd[0]}" gives ${odd[1]}.`);

      if (layers.every((id) => (graph.built.get(id) as BuiltLayer).arrayStream)) {
        const arrays = new Map(layers.map((id) => [id, (graph.built.get(id) as BuiltLayer).arrayStream!(batchSize)]));
        const held = arrayValues(arrays);
        for (let t = 0; t < steps; t++) playStep(graph, t, batchSize, environments, episodes, sources, layers, held);
        return new Map(environments.map((id, i) => [id, episodes[i].record()]));
      }
      const streams = new Map<string, LayerStream>();
      tf.tidy(() => {
        for (const id of layers) {
          const layer = graph.built.get(id) as BuiltLayer;
          if (graph.kindOf(id).stateful) streams.set(id, layer.stream!(batchSize));
        }
      });
      try {
        const held = tensorValues(graph, batchSize, streams);
        for (let t = 0; t < steps; t++) tf.tidy(() => playStep(graph, t, batchSize, environments, episodes, sources, layers, held));
      } finally {
        streams.forEach((stream) => stream.dispose());
      }
      return new Map(environments.map((id, i) => [id, episodes[i].record()]));
    },
  };
}

/** How a step's values are held: tensors ([1, B, ...], inside tf.tidy) or plain arrays ([B, ...]). */
interface StepValues<V> {
  /** One step of a port's values, [B, ...] flattened. */
  fromArray(node: string, port: string, data: Float32Array): V;
  toArray(value: V): Float32Array;
  /** Runs layer `id` one step. */
  step(id: string, inputs: Record<string, V>): Record<string, V>;
}

/** Step t: observe, run the layers one step, act. */
function playStep<V>(
  graph: RolloutGraph,
  t: number,
  batchSize: number,
  environments: readonly string[],
  episodes: readonly EnvironmentEpisodes[],
  sources: ReadonlyMap<string, EpisodeBatch>,
  layers: readonly string[],
  held: StepValues<V>,
): void {
  const values = new Map<string, V>();
  const set = (node: string, port: string, data: Float32Array) => {
    const value = held.fromArray(node, port, data);
    values.set(key(node, port), value);
    return value;
  };
  environments.forEach((id, i) => {
    for (const [port, data] of Object.entries(episodes[i].observe())) set(id, port, data);
  });
  /** A port's value at this step; an ordinary source's is cut from its episodes when first asked for. */
  const valueOf = (node: string, port: string): V | undefined => {
    const known = values.get(key(node, port));
    const batch = sources.get(node);
    if (known || !batch) return known;
    const width = batchSize * flatWidth(graph.outputShape(node, port));
    return set(node, port, batch.outputs[port].subarray(t * width, (t + 1) * width));
  };
  const inputsOf = (id: string, ports: readonly string[]) => {
    const inputs: Record<string, V> = {};
    for (const port of ports) {
      const from = graph.feeding(id, port);
      const value = from && valueOf(from.node, from.port);
      if (value) inputs[port] = value;
    }
    return inputs;
  };
  for (const id of layers) {
    const outputs = held.step(id, inputsOf(id, graph.kindOf(id).inputs.map((p) => p.name)));
    for (const [port, value] of Object.entries(outputs)) values.set(key(id, port), value);
  }
  environments.forEach((id, i) => {
    const delayed: Record<string, Float32Array> = {};
    for (const [port, value] of Object.entries(inputsOf(id, graph.kindOf(id).delayedInputs ?? []))) delayed[port] = held.toArray(value);
    episodes[i].act(delayed);
  });
}

/** Tensors: stateful layers through their stream, stateless ones by forward on a one-step sequence. */
function tensorValues(graph: RolloutGraph, batchSize: number, streams: ReadonlyMap<string, LayerStream>): StepValues<tf.Tensor> {
  return {
    fromArray: (node, port, data) => tf.tensor(data, [1, batchSize, ...graph.outputShape(node, port)]),
    toArray: (value) => Float32Array.from(value.dataSync() as Float32Array),
    step: (id, inputs) => streams.get(id)?.step(inputs) ?? (graph.built.get(id) as BuiltLayer).forward(inputs),
  };
}

/** Plain arrays: every layer through its array stream. */
function arrayValues(streams: ReadonlyMap<string, ArrayStream>): StepValues<Float32Array> {
  return { fromArray: (_node, _port, data) => data, toArray: (value) => value, step: (id, inputs) => streams.get(id)!.step(inputs) };
}
