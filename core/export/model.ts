// The runtime API: a trained plastic network from a bundle, run one step at a time or a whole episode at once.
//
//   const model = await loadModel('runs/my-run-model.zip');   // Node: a bundle folder or .zip
//   const model = await loadModel(await (await fetch('model.zip')).arrayBuffer());   // anywhere: the zip's bytes
//   model.reset();                                // a new episode: zero Hebbian traces and activity
//   const out = model.step(x);                    // x: one step's input values; out: { 'readout/output': Float32Array }
//   const all = model.runEpisode(xs);             // xs: one input per step, from a fresh state; all: per output, one array per step
//
// `step` carries the episode's state between calls (plastic traces, recurrent activity, LSTM cells) through
// each stateful layer's stream; `runEpisode` evaluates the whole sequence as training does and leaves the
// `step` state alone. One episode at a time (batch 1). The tfjs backend is the caller's (tf.setBackend).
// No Node-only imports here: a path is read through a lazily imported module, so browsers can use this file.
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument } from '../graph/document.ts';
import { decodeBundle } from './bundle-codec.ts';
import type { Bundle, BundleFiles, BundleManifest } from './bundle-format.ts';
import { unzipBundleFiles } from './bundle-zip.ts';
import { buildModelGraph, type ModelGraph, type ModelPort } from './model-graph.ts';
import { InputError } from '../util/input-error.ts';

/** One step's values for one input. */
export type InputValues = ArrayLike<number>;
/** One step's input: the values, when the model has a single input, or values by input name. */
export type StepInput = InputValues | Readonly<Record<string, InputValues>>;
/** Outputs by name (`<node id>/<port>`). */
export type StepOutput = Record<string, Float32Array>;
/** Per output, one Float32Array per step. */
export type EpisodeOutput = Record<string, Float32Array[]>;

export interface PlasticModel {
  readonly graph: GraphDocument;
  /** model.json: training settings, seed, metrics, versions. */
  readonly manifest: BundleManifest;
  readonly inputs: readonly ModelPort[];
  readonly outputs: readonly ModelPort[];
  /** Starts a new episode for `step`: zero traces and activity. */
  reset(): void;
  /** Advances the current episode by one step. */
  step(input: StepInput): StepOutput;
  /** Runs a whole episode from a fresh state (sequence mode, as in training); does not touch `step`'s episode. */
  runEpisode(inputs: readonly StepInput[]): EpisodeOutput;
  /** Frees the model's tensors. */
  dispose(): void;
}

/** A path (Node only), the bytes of a .zip bundle, the two files' contents, or a decoded bundle. */
export type ModelSource = string | Uint8Array | ArrayBuffer | BundleFiles | Bundle;

/** Thrown for input that does not fit the model (wrong size, unknown name). */
export class ModelInputError extends InputError {
  override name = 'ModelInputError';
}

async function toBundle(source: ModelSource): Promise<Bundle> {
  if (typeof source === 'string') {
    const { decodeBundleAt } = await import('./bundle-files.ts');
    return decodeBundleAt(source);
  }
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
    return decodeBundle(unzipBundleFiles(bytes, 'model bundle'), 'model bundle');
  }
  if ('modelJson' in source) return decodeBundle(source, 'model bundle');
  return source;
}

/** Loads a bundle and builds its network; throws BundleError with a clear message when the bundle is broken. */
export async function loadModel(source: ModelSource): Promise<PlasticModel> {
  const bundle = await toBundle(source);
  await tf.ready();
  const where = typeof source === 'string' ? source : 'model bundle';
  return createModel(bundle, buildModelGraph(bundle, { where }));
}

function isValues(input: unknown): input is InputValues {
  return Array.isArray(input) || ArrayBuffer.isView(input);
}

/** Checks one step's input against the model's inputs; returns values by input name. */
function namedInputs(model: ModelGraph, input: StepInput, where: string): Map<string, InputValues> {
  const named = new Map<string, InputValues>();
  if (isValues(input)) {
    if (model.inputs.length !== 1) {
      throw new ModelInputError(`${where}: this model has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}); give an object with values by input name.`);
    }
    named.set(model.inputs[0].name, input);
  } else {
    for (const name of Object.keys(input)) {
      if (!model.inputs.some((i) => i.name === name)) {
        throw new ModelInputError(`${where}: the model has no input "${name}"; its inputs are ${model.inputs.map((i) => `"${i.name}"`).join(', ')}.`);
      }
    }
    for (const port of model.inputs) {
      if (input[port.name] === undefined) throw new ModelInputError(`${where}: the input "${port.name}" is missing.`);
      named.set(port.name, input[port.name]);
    }
  }
  for (const port of model.inputs) {
    const values = named.get(port.name)!;
    if (values.length !== port.size) {
      throw new ModelInputError(`${where}: the input "${port.name}" has ${values.length} values, but the model takes ${port.size} per step.`);
    }
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) throw new ModelInputError(`${where}: the input "${port.name}" has a value that is not a finite number at index ${i}.`);
    }
  }
  return named;
}

/** Feeds [T, 1, ...shape] from per-step inputs. */
function feedTensors(model: ModelGraph, steps: Map<string, InputValues>[]): Map<string, tf.Tensor> {
  const feeds = new Map<string, tf.Tensor>();
  for (const port of model.inputs) {
    const data = new Float32Array(steps.length * port.size);
    steps.forEach((step, t) => data.set(Array.from(step.get(port.name)!), t * port.size));
    feeds.set(port.name, tf.tensor(data, [steps.length, 1, ...port.shape]));
  }
  return feeds;
}

/** Wraps a built graph as the runtime API (the graph is disposed with the model). */
export function createModel(bundle: Bundle, graph: ModelGraph): PlasticModel {
  const stream = graph.openStream(1);
  let disposed = false;
  const alive = () => {
    if (disposed) throw new Error('This model has been disposed.');
  };
  return {
    graph: bundle.graph,
    manifest: bundle.manifest,
    inputs: graph.inputs,
    outputs: graph.outputs,
    reset() {
      alive();
      stream.reset();
    },
    step(input) {
      alive();
      const named = namedInputs(graph, input, 'step');
      const result: StepOutput = {};
      tf.tidy(() => {
        const values = stream.step(feedTensors(graph, [named]));
        for (const o of graph.outputs) result[o.name] = Float32Array.from(values.get(o.name)!.dataSync());
      });
      return result;
    },
    runEpisode(inputs) {
      alive();
      if (inputs.length === 0) throw new ModelInputError('runEpisode: the episode needs at least one step.');
      const named = inputs.map((input, t) => namedInputs(graph, input, `runEpisode, step ${t + 1}`));
      const result: EpisodeOutput = {};
      tf.tidy(() => {
        const { values } = graph.runSequence(feedTensors(graph, named));
        for (const o of graph.outputs) {
          const all = values.get(o.name)!.dataSync();
          result[o.name] = named.map((_, t) => Float32Array.from(all.subarray(t * o.size, (t + 1) * o.size)));
        }
      });
      return result;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      stream.dispose();
      graph.dispose();
    },
  };
}
