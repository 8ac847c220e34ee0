// The contract every node kind fulfils. A kind's whole story lives in one file under core/nodes/:
// its ports, its parameter schema, its shape rule and how it builds into runnable code.
//
// Graph semantics: a graph describes ONE time step of an episode. At run time the compiler
// evaluates it in "sequence mode": every tensor carries a leading [T, B] (time, batch) pair of axes, so
// stateless layers run once over all steps, and stateful layers (recurrent, plastic) scan over time inside.
//
// This file and the kind files import tfjs for TYPES ONLY: the renderer imports the catalog, and the
// tensor library and kernels arrive through BuildContext from the compiler.
import type * as tfjs from '@tensorflow/tfjs';
import type { z } from 'zod';
import type { EpisodeBatch, HeldOutSplit } from '../episodes/episode-batch.ts';
import type { DatasetUse, TaskLibrary } from '../episodes/task-library.ts';
import type { Rng } from '../util/random.ts';

/** Per-step shape of a value, without the time and batch axes: [1001] for a vector, [1, 31, 31] for an image. */
export type Shape = readonly number[];

/** 'environment': a source that also consumes the agent's output (e.g. the maze's action), see `delayedInputs`. */
export type NodeCategory = 'source' | 'environment' | 'layer' | 'plastic' | 'recurrent' | 'loss' | 'metric' | 'utility';

export interface PortSpec {
  name: string;
  description: string;
  /** An optional input may be left unconnected. */
  optional?: boolean;
}

/** One problem found while inferring shapes, attached to a port or a parameter of the node. */
export interface NodeIssue {
  port?: string;
  param?: string;
  message: string;
}

export type ShapeResult = { ok: true; outputs: Record<string, Shape> } | { ok: false; issues: NodeIssue[] };

export interface ParameterCount {
  /** Parameters trained by backpropagation (w, alpha, eta, ordinary weights). */
  trainable: number;
  /** Of those, the ones that exist only because the node is plastic (alpha, eta). */
  plastic: number;
  /** Not parameters: the values of the Hebbian trace each episode carries (one per plastic connection). */
  traceValues?: number;
}

/** How a trainable tensor starts. PyTorch's defaults are expressed as `uniform` with ±1/sqrt(fan_in). */
export type Initializer =
  | { kind: 'normal'; std: number }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'constant'; value: number };

/** Everything a node needs to build itself; supplied by core/compile. */
export interface BuildContext {
  tf: typeof tfjs;
  nodeId: string;
  inputShapes: Record<string, Shape>;
  outputShapes: Record<string, Shape>;
  /** Creates (or, when resuming, restores) a trainable tensor named `<nodeId>/<name>`. */
  parameter(name: string, shape: number[], init: Initializer, options?: { trainable?: boolean }): tfjs.Variable;
  /** The fused plastic kernels (core/plasticity), injected so the catalog has no runtime tfjs dependency. */
  kernels: import('../plasticity/index.ts').PlasticKernels;
  /** The native kernels (core/native) where they are built and on, else null: injected for the same reason. */
  native: import('../native/kernels.ts').NativeKernels | null;
  /** The dataset loaders (core/tasks implements them), injected for the same reason. */
  tasks: TaskLibrary;
  /** Stream for anything random at build time other than parameter init. */
  rng: Rng;
  /**
   * Whether a gradient can flow back through an input port to a trainable parameter: false where everything
   * upstream is data (sources, environments), so a layer may skip computing that input's gradient.
   */
  inputNeedsGradient(port: string): boolean;
}

export type { EpisodeBatch, HeldOutSplit } from '../episodes/episode-batch.ts';

/**
 * A user's choice of an environment's world for one episode (the sandbox: the maze's reward cell), as JSON; the
 * environment checks it and says what is wrong with it.
 */
export type EnvironmentSetup = Record<string, unknown>;

/** A source emits the inputs and targets of whole episodes (it is sampled before the forward pass). */
export interface BuiltSource {
  role: 'source';
  /** Training episodes, or with `heldOut` episodes that training never sees. */
  sample(rng: Rng, batchSize: number, heldOut?: HeldOutSplit): EpisodeBatch;
}

/**
 * An environment is played step by step against the network (a rollout without gradients, core/compile/rollout.ts);
 * what it recorded is then replayed like a source's episodes, so training runs in sequence mode as usual.
 */
export interface BuiltEnvironment {
  role: 'environment';
  /**
   * Outputs the agent sees before it acts (the maze: observation). The others (the action taken, its reward) are
   * known only once the step's delayed inputs have arrived, so only loss and metric heads may read them.
   */
  observed: string[];
  /** Starts a batch of episodes; `rng` drives everything random in them (the world and the sampled actions). */
  start(rng: Rng, batchSize: number, setup?: EnvironmentSetup): EnvironmentEpisodes;
}

/** One batch of episodes being played: observe, act, observe, act, … for `steps` steps, then `record`. */
export interface EnvironmentEpisodes {
  readonly steps: number;
  /** The observed outputs at the current step, [B, ...shape] per port. */
  observe(): Record<string, Float32Array>;
  /** The delayed inputs at the current step ([B, ...shape] per port): acts on them and moves to the next step. */
  act(inputs: Record<string, Float32Array>): void;
  /** After the last step: every output over the episode, [T, B, ...shape] per port. */
  record(): EpisodeBatch;
}

/** A layer maps [T, B, ...] tensors to [T, B, ...] tensors, per output port. */
export interface BuiltLayer {
  role: 'layer';
  forward(inputs: Record<string, tfjs.Tensor>): Record<string, tfjs.Tensor>;
  /**
   * Stateful layers only: evaluation one step at a time for exported models (core/export), carrying the
   * episode state (trace, activity, LSTM cell) between calls, without gradients. Parameter values are read
   * when the stream opens. Stateless layers need none: running `forward` on one step does the same.
   */
  stream?(batchSize: number): LayerStream;
  /**
   * The same step on plain arrays, for rollouts of small networks (the maze), where a tensor op per layer and
   * step costs far more than its arithmetic. Stateless layers may offer it too. Parameter values are read when
   * it opens; it computes what `forward` computes (to float32 rounding).
   */
  arrayStream?(batchSize: number): ArrayStream;
}

/** One step of one layer on arrays: [B, ...] per port, row-major, as one step of sequence mode flattens. */
export interface ArrayStream {
  /** Back to the start of an episode (stateful layers): zero trace and zero activity. */
  reset(): void;
  /** Returned arrays belong to the caller. */
  step(inputs: Record<string, Float32Array>): Record<string, Float32Array>;
  /** What the layer carries between steps, after the last step (a plastic layer: `hebb`, its trace [B, M, N]). */
  state?(): Record<string, Float32Array>;
}

/** One episode evaluated step by step; tensors are one step of sequence mode: [1, B, ...]. */
export interface LayerStream {
  /** Back to the start of an episode: zero trace and zero activity. A new stream starts there too. */
  reset(): void;
  /** Returned tensors belong to the caller; the stream keeps its own state. */
  step(inputs: Record<string, tfjs.Tensor>): Record<string, tfjs.Tensor>;
  /** What the layer carries between steps, after the last step (a plastic layer: `hebb`, its trace [B, M, N]). */
  state?(): Record<string, Float32Array>;
  /** Frees tensors the stream holds. */
  dispose(): void;
}

/** A loss head reduces its inputs to one scalar that training minimises (summed over heads). */
export interface BuiltLoss {
  role: 'loss';
  loss(inputs: Record<string, tfjs.Tensor>): tfjs.Scalar;
}

/** A metric reports a number per episode; it never affects training. Progress shows the batch's mean. */
export interface BuiltMetric {
  role: 'metric';
  /** Name shown in progress output and metrics.jsonl, e.g. `signError`. */
  metricName: string;
  /** Each episode's value, [B]; evaluation pools them across batches for its confidence interval. */
  measure(inputs: Record<string, tfjs.Tensor>): Float32Array;
  /** Every episode scores 0 or 1 (a trial is right or wrong), so the mean is a proportion (Wilson interval). */
  proportion?: boolean;
}

export type BuiltNode = BuiltSource | BuiltEnvironment | BuiltLayer | BuiltLoss | BuiltMetric;

export interface NodeKind<Params extends Record<string, unknown> = Record<string, any>> {
  kind: string;
  title: string;
  category: NodeCategory;
  description: string;
  inputs: PortSpec[];
  outputs: PortSpec[];
  /** zod object schema; every field has a default and a `.describe()` text that the inspector shows. */
  params: z.ZodType<Params>;
  /**
   * Carries state from one step to the next (recurrent and plastic layers scan over time inside).
   * In sequence mode a layer's own output cannot yet be fed back into its input: validation reports such a cycle.
   */
  stateful: boolean;
  /**
   * Inputs read with a one-step delay: the value that arrived at step t-1 (an environment's action input).
   * Edges into them do not order the graph, so a cycle closed through them is legal.
   */
  delayedInputs?: string[];
  /** Connections into this port are drawn as plastic in the editor. */
  plasticOutputs?: string[];
  /**
   * Output shapes from the params and the shapes of the CONNECTED inputs. An input may be missing (the editor asks
   * about partly wired graphs): check what is present, and report issues on the port or param at fault.
   */
  inferShapes(params: Params, inputs: Record<string, Shape>): ShapeResult;
  countParameters(params: Params, inputs: Record<string, Shape>): ParameterCount;
  /** Sources that read a dataset: which, and from where (checked before training starts). */
  datasets?(params: Params): DatasetUse[];
  /** Sources and environments: the steps of one episode with these params (for the training-cost estimate). */
  episodeSteps?(params: Params): number;
  build(params: Params, ctx: BuildContext): BuiltNode;
}

/** Helper so each kind file gets its params type inferred from its schema. */
export function defineNodeKind<Params extends Record<string, unknown>>(kind: NodeKind<Params>): NodeKind<Params> {
  return kind;
}
