// The fused plastic kernel: a whole episode [T, B, ·] forward, and its exact backward through time, on
// Float64 typed arrays. Equations are in spec.ts; the derivation is in README.md and above each sweep in
// trace-sweeps.ts. This file orchestrates: per-step vectors, activations, checkpoints and the replay.
//
// Backward recursion (per batch element; G_t = ∂L/∂H̃_t, the gradient of step t's trace before clipping):
//   gPost_t = dy_t + gPre_{t+1} (recurrent) + Σ_i G_t[i][·]·∂H̃_t/∂post_t      (columns of the trace term)
//   gA_t    = activation/clamp backward of gPost_t
//   ∂L/∂H_{t−1} = D_t ⊙ G_t + alpha ⊙ (pre_t ⊗ gA_t);  G_{t−1} = that, zeroed where step t−1 clipped
//   ∂L/∂w = Σ_t pre_t ⊗ gA_t;  ∂L/∂alpha = Σ_t (pre_t ⊗ gA_t) ⊙ H_{t−1};  ∂L/∂eta = Σ_t Σ_ij G_t ⊙ ∂H̃_t/∂eta
// with G_{T−1} = 0 (the last trace is never read).
import { activate, activationBackward } from './activation.ts';
import { planCheckpoints, type CheckpointPlan } from './checkpoints.ts';
import type { PlasticSpec } from './spec.ts';
import {
  accumulateOuterProducts,
  backwardSweep,
  forwardSweep,
  plainBackwardSweep,
  plainForwardSweep,
  traceUpdateSweep,
} from './trace-sweeps.ts';

export type Floats = Float32Array | Float64Array;

/** Flat, time-major inputs of one sequence call. */
export interface KernelInputs {
  /** [T, B, N]. */
  drive: Floats;
  /** [T, B, M], feedforward mode only. */
  pre?: Floats;
  /** [M, N]. */
  w: Floats;
  /** [M, N] ('perConnection') or [1] ('shared'); plastic only. */
  alpha?: Floats;
  /** Plastic only. */
  eta?: number;
}

export interface KernelShape {
  steps: number;
  batch: number;
}

export interface KernelOptions {
  /** Steps per checkpoint segment; default ceil(√T). Any value gives the same (bitwise) gradients. */
  segmentLength?: number;
}

export interface KernelGradients {
  /** [T, B, N]. */
  drive: Float64Array;
  /** [T, B, M], feedforward mode only. */
  pre?: Float64Array;
  /** [M, N]. */
  w: Float64Array;
  /** Same length as the alpha input; plastic only. */
  alpha?: Float64Array;
  /** 0 unless plastic and learnEta. */
  eta: number;
}

/** What the forward pass keeps for the backward: inputs, per-step outputs and S − 1 trace checkpoints. */
export interface ForwardTape {
  spec: PlasticSpec;
  steps: number;
  batch: number;
  w: Float64Array;
  /** Expanded to [M, N] even when shared. */
  alpha: Float64Array;
  eta: number;
  drive: Float64Array;
  /** Feedforward input [T, B, M], or null in recurrent mode (pre_t is post_{t−1}). */
  pre: Float64Array | null;
  /** [T, B, N]. */
  post: Float64Array;
  /** [T, B, N] activation before clamping; the same array as post when nothing is clamped. */
  act: Float64Array;
  plan: CheckpointPlan;
  /** checkpoints[s − 1] = H_{sk−2}, [B, M, N], for segments s = 1 … S−1. */
  checkpoints: Float64Array[];
}

export interface ForwardResult {
  /** [T, B, N]. */
  post: Float64Array;
  tape: ForwardTape;
}

function toFloat64(values: Floats): Float64Array {
  return values instanceof Float64Array ? values.slice() : Float64Array.from(values);
}

/** Throws a message naming the field when an input does not fit the spec. */
export function validateKernelInputs(spec: PlasticSpec, shape: KernelShape, inputs: KernelInputs): void {
  const { steps, batch } = shape;
  const n = spec.size;
  const m = spec.mode === 'recurrent' ? n : spec.inputSize;
  const where = 'plastic kernel';
  for (const [name, value] of [['steps', steps], ['batch', batch], ['spec.size', n], ['spec.inputSize', spec.inputSize]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${where}: ${name} must be a positive integer, got ${value}`);
  }
  if (spec.mode === 'recurrent' && spec.inputSize !== n) {
    throw new Error(`${where}: recurrent mode needs spec.inputSize (${spec.inputSize}) equal to spec.size (${n})`);
  }
  const expectLength = (name: string, value: Floats | undefined, length: number, dims: string) => {
    if (!value) throw new Error(`${where}: input '${name}' is missing (expected ${dims} = ${length} values)`);
    if (value.length !== length) throw new Error(`${where}: input '${name}' has ${value.length} values, expected ${dims} = ${length}`);
  };
  expectLength('drive', inputs.drive, steps * batch * n, `[T=${steps}, B=${batch}, N=${n}]`);
  expectLength('w', inputs.w, m * n, `[M=${m}, N=${n}]`);
  if (spec.mode === 'feedforward') expectLength('pre', inputs.pre, steps * batch * m, `[T=${steps}, B=${batch}, M=${m}]`);
  else if (inputs.pre) throw new Error(`${where}: input 'pre' is only for feedforward mode (recurrent mode feeds back post)`);
  if (spec.plastic) {
    const alphaLength = spec.alpha === 'shared' ? 1 : m * n;
    expectLength('alpha', inputs.alpha, alphaLength, spec.alpha === 'shared' ? '[1] (shared)' : `[M=${m}, N=${n}]`);
    if (typeof inputs.eta !== 'number' || !Number.isFinite(inputs.eta)) {
      throw new Error(`${where}: input 'eta' must be a finite number, got ${inputs.eta}`);
    }
  } else if (inputs.alpha || inputs.eta !== undefined) {
    throw new Error(`${where}: 'alpha' and 'eta' are only for plastic layers (spec.plastic is false)`);
  }
  if (spec.traceClip !== null && !(spec.traceClip > 0)) {
    throw new Error(`${where}: spec.traceClip must be null or a positive number, got ${spec.traceClip}`);
  }
}

/** D_t[j] for the unified update H̃ = D ⊙ H + eta·pre ⊗ post (see trace-sweeps.ts). */
export function fillDecay(rule: PlasticSpec['rule'], eta: number, post: Float64Array, postOff: number, count: number, out: Float64Array): void {
  if (rule === 'hebb') {
    out.fill(1 - eta, 0, count);
  } else {
    for (let k = 0; k < count; k++) {
      const q = post[postOff + k];
      out[k] = 1 - eta * q * q;
    }
  }
}

/** ∂D/∂post and ∂D/∂eta for the same rule. */
function fillDecayDerivatives(
  rule: PlasticSpec['rule'],
  eta: number,
  post: Float64Array,
  postOff: number,
  count: number,
  byPost: Float64Array,
  byEta: Float64Array,
): void {
  if (rule === 'hebb') {
    byPost.fill(0, 0, count);
    byEta.fill(-1, 0, count);
  } else {
    for (let k = 0; k < count; k++) {
      const q = post[postOff + k];
      byPost[k] = -2 * eta * q;
      byEta[k] = -q * q;
    }
  }
}

/** Writes step t's activation and post for every batch element from the pre-activation accumulators. */
export function finishStep(spec: PlasticSpec, batch: number, acc: Float64Array, drive: Float64Array, driveOff: number, act: Float64Array, post: Float64Array, outOff: number): void {
  const n = spec.size;
  for (let b = 0; b < batch; b++) activate(spec.activation, acc, b * n, act, outOff + b * n, n);
  if (spec.inputMode === 'clamp') {
    const count = batch * n;
    for (let k = 0; k < count; k++) {
      const d = drive[driveOff + k];
      post[outOff + k] = d !== 0 ? d : act[outOff + k];
    }
  }
}

/** Starts step t's accumulators: the drive in 'add' mode, zero in 'clamp' mode. */
export function startStep(spec: PlasticSpec, acc: Float64Array, drive: Float64Array, driveOff: number): void {
  if (spec.inputMode === 'add') acc.set(drive.subarray(driveOff, driveOff + acc.length));
  else acc.fill(0);
}

/** Runs the episode forward; the tape holds what `sequenceBackward` needs and nothing per-step of size M×N. */
export function sequenceForward(spec: PlasticSpec, shape: KernelShape, inputs: KernelInputs, options: KernelOptions = {}): ForwardResult {
  validateKernelInputs(spec, shape, inputs);
  const { steps, batch } = shape;
  const n = spec.size;
  const recurrent = spec.mode === 'recurrent';
  const m = recurrent ? n : spec.inputSize;
  const bn = batch * n;
  const bm = batch * m;
  const plan = planCheckpoints(steps, options.segmentLength);
  const k = plan.segmentLength;

  const w = toFloat64(inputs.w);
  const alpha = new Float64Array(spec.plastic ? m * n : 0);
  if (spec.plastic) {
    if (spec.alpha === 'shared') alpha.fill(inputs.alpha![0]);
    else alpha.set(inputs.alpha!);
  }
  const eta = spec.plastic ? inputs.eta! : 0;
  const clip = spec.traceClip ?? Infinity;
  const drive = toFloat64(inputs.drive);
  const pre = recurrent ? null : toFloat64(inputs.pre!);
  const post = new Float64Array(steps * bn);
  const act = spec.inputMode === 'clamp' ? new Float64Array(steps * bn) : post;
  const checkpoints: Float64Array[] = [];

  const zeros = new Float64Array(bm);
  const acc = new Float64Array(bn);
  const trace = new Float64Array(spec.plastic ? bm * n : 0);
  const decay = new Float64Array(bn);

  for (let t = 0; t < steps; t++) {
    startStep(spec, acc, drive, t * bn);
    const [preArr, preOff] = preAt(recurrent, pre, post, zeros, t, bm);
    if (spec.plastic) {
      const update = t >= 1;
      const [prevPreArr, prevPreOff] = update ? preAt(recurrent, pre, post, zeros, t - 1, bm) : [zeros, 0];
      forwardSweep(m, n, batch, trace, w, alpha, preArr, preOff, acc, update, prevPreArr, prevPreOff, post, (t - 1) * bn, decay, eta, clip);
      // The trace now holds H_{t−1}; segment s = (t+1)/k starts at step t+1 and needs H_{(t+1)−2}.
      if ((t + 1) % k === 0 && (t + 1) / k < plan.segmentCount) checkpoints.push(trace.slice());
    } else {
      plainForwardSweep(m, n, batch, w, preArr, preOff, acc);
    }
    finishStep(spec, batch, acc, drive, t * bn, act, post, t * bn);
    if (spec.plastic) fillDecay(spec.rule, eta, post, t * bn, bn, decay);
  }

  const tape: ForwardTape = { spec, steps, batch, w, alpha, eta, drive, pre, post, act, plan, checkpoints };
  return { post, tape };
}

/** pre_t as (array, offset): the feedforward input, or post_{t−1} (zeros at t = 0) in recurrent mode. */
function preAt(recurrent: boolean, pre: Float64Array | null, post: Float64Array, zeros: Float64Array, t: number, bm: number): [Float64Array, number] {
  if (!recurrent) return [pre!, t * bm];
  return t === 0 ? [zeros, 0] : [post, (t - 1) * bm];
}

/** Exact gradients of Σ gradPost ⊙ post with respect to every input of the forward call that made `tape`. */
export function sequenceBackward(tape: ForwardTape, gradPost: Floats): KernelGradients {
  const { spec, steps, batch, w, alpha, eta, drive, pre, post, act, plan, checkpoints } = tape;
  const n = spec.size;
  const recurrent = spec.mode === 'recurrent';
  const m = recurrent ? n : spec.inputSize;
  const bn = batch * n;
  const bm = batch * m;
  const bmn = bm * n;
  if (gradPost.length !== steps * bn) {
    throw new Error(`plastic kernel: output gradient has ${gradPost.length} values, expected [T=${steps}, B=${batch}, N=${n}] = ${steps * bn}`);
  }
  const clip = spec.traceClip ?? Infinity;
  const clamp = spec.inputMode === 'clamp';

  const gDrive = new Float64Array(steps * bn);
  const gPreOut = recurrent ? undefined : new Float64Array(steps * bm);
  const gAAll = new Float64Array(steps * bn);
  const gW = new Float64Array(m * n);
  const gAlpha = new Float64Array(spec.plastic ? m * n : 0);
  let gEta = 0;

  const zeros = new Float64Array(bm);
  const gPost = new Float64Array(n);
  const gPre = new Float64Array(bm);
  const carry = new Float64Array(recurrent ? bn : 0);
  // Trace-path gradients of the current step t and of step t−1 (swapped after every step).
  let trPost = new Float64Array(bn);
  let trPostPrev = new Float64Array(bn);
  let trPre = new Float64Array(bm);
  let trPrePrev = new Float64Array(bm);
  const decayCur = new Float64Array(bn);
  const decayPrev = new Float64Array(bn);
  const decayByPost = new Float64Array(bn);
  const decayByEta = new Float64Array(bn);
  const gTrace = new Float64Array(spec.plastic ? bmn : 0);
  const replay: Float64Array[] = spec.plastic ? Array.from({ length: plan.replayBufferCount }, () => new Float64Array(bmn)) : [];

  const k = plan.segmentLength;
  for (let s = plan.segmentCount - 1; s >= 0; s--) {
    const start = s * k;
    const end = Math.min(start + k, steps);
    if (spec.plastic) {
      // replay[r] = H_{start−2+r}, r = 0 … end−start.
      if (s === 0) replay[0].fill(0);
      else replay[0].set(checkpoints[s - 1]);
      for (let r = 1; r <= end - start; r++) {
        const tau = start - 2 + r;
        if (tau < 0) {
          replay[r].fill(0);
          continue;
        }
        const [preArr, preOff] = preAt(recurrent, pre, post, zeros, tau, bm);
        fillDecay(spec.rule, eta, post, tau * bn, bn, decayCur);
        traceUpdateSweep(m, n, batch, replay[r - 1], replay[r], preArr, preOff, post, tau * bn, decayCur, eta, clip);
      }
    }

    for (let t = end - 1; t >= start; t--) {
      const off = t * bn;
      for (let b = 0; b < batch; b++) {
        const v0 = b * n;
        for (let j = 0; j < n; j++) {
          gPost[j] = gradPost[off + v0 + j] + (recurrent ? carry[v0 + j] : 0) + trPost[v0 + j];
        }
        if (clamp) {
          // Clamped neurons pass their gradient to the drive and none to the activation.
          for (let j = 0; j < n; j++) {
            if (drive[off + v0 + j] !== 0) {
              gDrive[off + v0 + j] = gPost[j];
              gPost[j] = 0;
            }
          }
        }
        activationBackward(spec.activation, act, off + v0, gPost, 0, gAAll, off + v0, n);
        if (!clamp) gDrive.set(gAAll.subarray(off + v0, off + v0 + n), off + v0);
      }

      const [preArr, preOff] = preAt(recurrent, pre, post, zeros, t, bm);
      if (spec.plastic) {
        const hasPrevStep = t >= 1;
        fillDecay(spec.rule, eta, post, off, bn, decayCur);
        let prevPreArr: Float64Array = zeros;
        let prevPreOff = 0;
        if (hasPrevStep) {
          [prevPreArr, prevPreOff] = preAt(recurrent, pre, post, zeros, t - 1, bm);
          fillDecay(spec.rule, eta, post, off - bn, bn, decayPrev);
          fillDecayDerivatives(spec.rule, eta, post, off - bn, bn, decayByPost, decayByEta);
          trPostPrev.fill(0);
        }
        const r = t - start;
        gEta += backwardSweep(
          m, n, batch, replay[r + 1], replay[r], gTrace, w, alpha, gAlpha, preArr, preOff, gAAll, off, decayCur, trPre, gPre,
          hasPrevStep, prevPreArr, prevPreOff, post, off - bn, decayPrev, decayByPost, decayByEta, trPostPrev, trPrePrev, spec.rule, eta, clip,
        );
        [trPost, trPostPrev] = [trPostPrev, trPost];
        [trPre, trPrePrev] = [trPrePrev, trPre];
      } else {
        plainBackwardSweep(m, n, batch, w, gAAll, off, gPre);
      }
      if (recurrent) carry.set(gPre);
      else gPreOut!.set(gPre, t * bm);
    }
  }

  // ∂L/∂w = Σ_t pre_t ⊗ gA_t; in recurrent mode pre_0 = 0, so start at t = 1 with pre_t = post_{t−1}.
  if (recurrent) accumulateOuterProducts(m, n, (steps - 1) * batch, post, 0, gAAll, bn, gW);
  else accumulateOuterProducts(m, n, steps * batch, pre!, 0, gAAll, 0, gW);

  const result: KernelGradients = { drive: gDrive, w: gW, eta: spec.plastic && spec.learnEta ? gEta : 0 };
  if (gPreOut) result.pre = gPreOut;
  if (spec.plastic) {
    if (spec.alpha === 'shared') {
      let sum = 0;
      for (let q = 0; q < gAlpha.length; q++) sum += gAlpha[q];
      result.alpha = Float64Array.of(sum);
    } else {
      result.alpha = gAlpha;
    }
  }
  return result;
}
