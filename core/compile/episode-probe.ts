// The episode probe: one sampled episode run through a built graph one step at a time, recording every port's
// value at every step and what each layer carries between steps (a plastic layer's Hebbian trace). It steps the
// same built layers training uses (their array streams run the kernels' stepper, which matches the sequence
// op's forward), so what it records is what training computed; the episode inspector shows these records.
import * as tf from '@tensorflow/tfjs';
import type { ArrayStream, BuiltLayer, EpisodeBatch, LayerStream } from '../nodes/kind.ts';
import { flatWidth } from '../nodes/shape-helpers.ts';
import { portName, type GraphInterpreter } from './interpreter.ts';

export interface RecordedEpisode {
  steps: number;
  batchSize: number;
  /** Every source and layer port by `<node id>/<port>`: [T, B, ...] flattened. */
  values: Map<string, Float32Array>;
  /** Each stateful layer's state by `<node id>/<state>` (e.g. `memory/hebb`), at the steps asked for: step → [B, ...]. */
  states: Map<string, Map<number, Float32Array>>;
}

export interface ProbeOptions {
  /** Steps at which to keep the layers' states (a 1,001-neuron trace is 4 MB a step); default: none. */
  stateSteps?: Iterable<number>;
}

/** Records an episode (from `sampleEpisodes`, batch of any size) step by step. Throws naming a layer that cannot step. */
export function recordEpisode(graph: GraphInterpreter, episodes: ReadonlyMap<string, EpisodeBatch>, options: ProbeOptions = {}): RecordedEpisode {
  const first = episodes.values().next().value;
  if (!first) throw new Error('The episode probe needs a sampled episode.');
  const { steps, batchSize } = first;
  const layers = graph.order.filter((id) => graph.node(id)?.role === 'layer');
  // Layers step on arrays where they can (dense, recurrent, plastic: the kernels' stepper); the others through
  // tensors: a stateful one by its stream, a stateless one (a convolution) by its forward on a one-step sequence.
  const tensorStreams = new Map<string, LayerStream>();
  const streams = new Map(
    layers.map((id) => {
      const layer = graph.node(id) as BuiltLayer;
      if (layer.arrayStream) return [id, layer.arrayStream(batchSize)] as const;
      const stateful = graph.kindOf(id).stateful;
      if (stateful && !layer.stream) throw new Error(`Node "${id}" (${graph.kindOf(id).title}) cannot be recorded one step at a time yet.`);
      if (stateful) tf.tidy(() => void tensorStreams.set(id, layer.stream!(batchSize)));
      const inputShape = (port: string) => {
        const from = graph.feeding(id, port)!;
        return graph.shapes.get(from.node)!.outputs[from.port];
      };
      const tensorStream = tensorStreams.get(id);
      const viaTensors: ArrayStream = {
        ...(tensorStream?.state && { state: () => tensorStream.state!() }),
        reset: () => tensorStream?.reset(),
        step(inputs) {
          const arrays: Record<string, Float32Array> = {};
          tf.tidy(() => {
            const tensors = Object.fromEntries(Object.entries(inputs).map(([port, data]) => [port, tf.tensor(data, [1, batchSize, ...inputShape(port)])]));
            const outputs = tensorStream?.step(tensors) ?? layer.forward(tensors);
            for (const [port, tensor] of Object.entries(outputs)) arrays[port] = tensor.dataSync() as Float32Array;
          });
          return arrays;
        },
      };
      return [id, viaTensors] as const;
    }),
  );
  const keep = new Set(options.stateSteps ?? []);
  const values = new Map<string, Float32Array>();
  const states = new Map<string, Map<number, Float32Array>>();
  const widthOf = (node: string, port: string) => batchSize * flatWidth(graph.shapes.get(node)!.outputs[port]);
  const record = (node: string, port: string, t: number, data: Float32Array) => {
    const name = portName(node, port);
    const width = widthOf(node, port);
    if (!values.has(name)) values.set(name, new Float32Array(steps * width));
    values.get(name)!.set(data, t * width);
  };
  for (const [node, batch] of episodes) for (const [port, data] of Object.entries(batch.outputs)) values.set(portName(node, port), Float32Array.from(data));

  for (let t = 0; t < steps; t++) {
    for (const id of layers) {
      const inputs: Record<string, Float32Array> = {};
      for (const { name: port } of graph.kindOf(id).inputs) {
        const from = graph.feeding(id, port);
        const series = from && values.get(portName(from.node, from.port));
        if (!series) continue;
        const width = widthOf(from.node, from.port);
        inputs[port] = series.subarray(t * width, (t + 1) * width);
      }
      const stream = streams.get(id)!;
      for (const [port, data] of Object.entries(stream.step(inputs))) record(id, port, t, data);
      if (keep.has(t) && stream.state) {
        for (const [name, data] of Object.entries(stream.state())) {
          const key = portName(id, name);
          if (!states.has(key)) states.set(key, new Map());
          states.get(key)!.set(t, data);
        }
      }
    }
  }
  tensorStreams.forEach((stream) => stream.dispose());
  return { steps, batchSize, values, states };
}
