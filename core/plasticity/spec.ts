// What a plastic (or plain recurrent) layer computes, independent of graphs. Miconi et al. 2018, §3 conventions:
// row vectors, W[i][j] runs from presynaptic i to postsynaptic j, and within a step the output is
// computed with the CURRENT trace before the trace is updated from (pre, post).
//
//   a_t    = pre_t · (w + alpha ⊙ Hebb_{t-1}) + drive_t          (inputMode 'add')
//   post_t = act(a_t)                                            ('clamp': post_t[j] = drive_t[j] where drive_t[j] ≠ 0,
//                                                                   and drive is not added to a_t)
//   hebb:  Hebb_t = (1 − eta)·Hebb_{t-1} + eta · pre_t ⊗ post_t
//   oja:   Hebb_t[i][j] = Hebb_{t-1}[i][j] + eta · post_t[j] · (pre_t[i] − post_t[j] · Hebb_{t-1}[i][j])
//   then, if traceClip is set, Hebb_t is clipped to [−traceClip, traceClip].
//
// mode 'recurrent':   pre_t = post_{t-1} (post_{-1} = 0), M = N.
// mode 'feedforward': pre_t is an input sequence of width M (the Omniglot plastic head).
// Hebb starts at zero for every episode and every batch element has its own trace; w, alpha, eta are shared.
// Gradients (implemented in kernel.ts, derived in README.md): parameter gradients sum over the batch; in
// 'clamp' mode a clamped neuron's output gradient goes to its drive entry and none reaches its activation,
// and drive entries that are zero (unclamped) get zero gradient; the clip passes gradient only where the
// unclipped trace lies inside [−traceClip, traceClip].
import type * as tfjs from '@tensorflow/tfjs';

export type PlasticityRule = 'hebb' | 'oja';

export interface PlasticSpec {
  mode: 'recurrent' | 'feedforward';
  /** Postsynaptic neurons N. */
  size: number;
  /** Presynaptic width M (equals `size` in recurrent mode). */
  inputSize: number;
  /** false: a plain (non-plastic) layer; alpha, eta and the trace are absent. */
  plastic: boolean;
  rule: PlasticityRule;
  /** 'perConnection': alpha is M×N; 'shared': one scalar (the paper's "homogeneous"/"yoked" alpha). */
  alpha: 'perConnection' | 'shared';
  /** false: eta is a fixed value, and gets no gradient. */
  learnEta: boolean;
  activation: 'tanh' | 'softmax' | 'linear';
  inputMode: 'add' | 'clamp';
  /** null: no clipping (the paper's code). */
  traceClip: number | null;
}

/** Tensors of one sequence call; time-major [T, B, width]. */
export interface PlasticSequenceInputs {
  /** [T, B, N]: added to the pre-activation ('add') or clamping values ('clamp'). */
  drive: tfjs.Tensor3D;
  /** [T, B, M]: presynaptic activity, feedforward mode only. */
  pre?: tfjs.Tensor3D;
  /** [M, N]. */
  w: tfjs.Tensor2D;
  /** [M, N] ('perConnection') or [1] ('shared'); absent when not plastic. */
  alpha?: tfjs.Tensor;
  /** [1]; absent when not plastic. */
  eta?: tfjs.Tensor;
}

/** Step-by-step evaluation without gradients, for rollouts in environments (the maze). */
export interface PlasticStepper {
  /** Zero the trace and the previous output of every batch element. */
  reset(): void;
  /** drive: [B, N]; pre: [B, M] (feedforward only). Returns post: [B, N]. */
  step(drive: Float32Array, pre?: Float32Array): Float32Array;
  /** The Hebbian trace that shaped the last step's output, [B, M, N] (a copy; empty for a non-plastic layer). */
  trace(): Float32Array;
}

export interface PlasticKernels {
  /**
   * The whole episode as one differentiable op: returns post for every step, [T, B, N].
   * Forward and backward through time are fused kernels (hand-written BPTT); gradients flow to
   * drive, pre, w, alpha and eta (when learnEta).
   */
  sequence(spec: PlasticSpec, inputs: PlasticSequenceInputs): tfjs.Tensor3D;
  /** Parameter values are read once, at creation. */
  stepper(
    spec: PlasticSpec,
    params: { w: Float32Array; alpha?: Float32Array; eta?: number },
    batchSize: number,
  ): PlasticStepper;
}
