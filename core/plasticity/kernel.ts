// The fused plastic kernel: a whole episode [T, B, ·] forward, and its exact backward through time.
// Equations are in spec.ts; the derivation is in README.md and above each sweep in trace-sweeps.js. This
// file orchestrates: per-step vectors, activations, checkpoints and the replay. The M×N sweeps run as
// commands on row blocks of a shared workspace (sweep-commands.js), on worker threads when the layer is
// big enough (thread-pool.ts).
//
// Precision: per-step vectors are always float64. Trace-sized arrays (the trace, its checkpoints and
// gradient, w, alpha and their gradients) are float64 by default and float32 with `precision: 'float32'`
// (half the memory traffic; what the tfjs op uses). Both are exact in the sense that matters here: the
// backward replays the traces forward from checkpoints with the forward's own arithmetic and rounding,
// never by inverting the update, so float32 does not accumulate error backwards.
//
// Backward recursion (per batch element; G_t = ∂L/∂H̃_t, the gradient of step t's trace before clipping):
//   gPost_t = dy_t + gPre_{t+1} (recurrent) + Σ_i G_t[i][·]·∂H̃_t/∂post_t      (columns of the trace term)
//   gA_t    = activation/clamp backward of gPost_t
//   ∂L/∂H_{t−1} = D_t ⊙ G_t + alpha ⊙ (pre_t ⊗ gA_t);  G_{t−1} = that, zeroed where step t−1 clipped
//   ∂L/∂w = Σ_t pre_t ⊗ gA_t;  ∂L/∂alpha = Σ_t (pre_t ⊗ gA_t) ⊙ H_{t−1};  ∂L/∂eta = Σ_t Σ_ij G_t ⊙ ∂H̃_t/∂eta
// with G_{T−1} = 0 (the last trace is never read).
import { activate, activationBackward } from './activation.ts';
import { planCheckpoints, type CheckpointPlan, type Segment } from './checkpoints.ts';
import type { PlasticSpec } from './spec.ts';
import { nativeKernels } from '../native/kernels.ts';
import { ARG, FARG, OP, sweepsFor, useNativeSweeps, workspaceLayout, workspaceViews, type WorkspaceDims } from './sweep-commands.js';
import { defaultThreadCount, forgetWorkspace, runCommand, sweepPool, type SharedWorkspace, type SweepPool } from './thread-pool.ts';
import type { TraceArray } from './trace-sweeps.js';

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

export type Precision = 'float32' | 'float64';

export interface KernelOptions {
  /** Equal checkpoint segments of this many steps (instead of the default plan, see checkpoints.ts). Any plan gives bitwise the same results. */
  segmentLength?: number;
  /** The plan with at most this many trace buffers (more replay when fewer). */
  traceBuffers?: number;
  /** Trace-sized arrays in float64 (default here; exact enough for finite differences) or float32. */
  precision?: Precision;
  /** Threads for the M×N sweeps; default: the machine's parallelism, capped. Results do not depend on it. */
  threads?: number;
}

export interface KernelGradients {
  /** [T, B, N]. */
  drive: Float64Array;
  /** [T, B, M], feedforward mode only. */
  pre?: Float64Array;
  /** [M, N], in the kernel's precision. */
  w: TraceArray;
  /** Same length as the alpha input, in the kernel's precision; plastic only. */
  alpha?: TraceArray;
  /** 0 unless plastic and learnEta. */
  eta: number;
}

/**
 * What the forward pass keeps for the backward: its workspace (inputs, per-step outputs and S − 1 trace
 * checkpoints). The workspace goes back to a cache when the backward has run, or when the tape is
 * garbage-collected without one, so a training loop reuses the same memory every episode.
 */
export interface ForwardTape {
  spec: PlasticSpec;
  steps: number;
  batch: number;
  eta: number;
  precision: Precision;
  plan: CheckpointPlan;
  /** checkpoints[s − 1] = H_{start_s − 2}, [B, M, N], for segments s = 1 … S−1. */
  checkpoints: TraceArray[];
  /** @internal */
  work: TapeWork;
}

/** @internal The tape's workspace and bookkeeping. */
interface TapeWork {
  ws: SharedWorkspace;
  pool: SweepPool | null;
  /** Trace buffers not in use. */
  free: number[];
  /** Buffer index of each segment's checkpoint (index 0 unused). */
  checkpointIds: number[];
  consumed: boolean;
  /** Reclaimed before its backward pass ran (see MAX_PENDING_TAPES). */
  evicted?: boolean;
}

export interface ForwardResult {
  /** [T, B, N]. */
  post: Float64Array;
  tape: ForwardTape;
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
export function fillDecay(rule: PlasticSpec['rule'], eta: number, post: Float64Array, postOff: number, count: number, out: Float64Array, outOff = 0): void {
  if (rule === 'hebb') {
    out.fill(1 - eta, outOff, outOff + count);
  } else {
    for (let k = 0; k < count; k++) {
      const q = post[postOff + k];
      out[outOff + k] = 1 - eta * q * q;
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

/** Whether values[offset … offset+count) holds a zero (in clamp mode: a neuron the drive leaves free). */
function hasZero(values: Float64Array, offset: number, count: number): boolean {
  for (let k = offset; k < offset + count; k++) if (values[k] === 0) return true;
  return false;
}

function hasNonZero(values: Float64Array, offset: number, count: number): boolean {
  for (let k = offset; k < offset + count; k++) if (values[k] !== 0) return true;
  return false;
}

// Workspaces of finished episodes, most recently freed last, kept for the next episode of the same shape.
const idleWorkspaces: SharedWorkspace[] = [];
const MAX_IDLE_WORKSPACES = 3;
let nextWorkspaceId = 1;
const tapeFinalizer = new FinalizationRegistry<TapeWork>((work) => releaseWork(work));

// Forward passes whose backward has not run yet, oldest first. Training runs each backward right after its
// forward, but a forward-only loop (held-out evaluation, inference) never does, and waiting for the garbage
// collector to return those workspaces let one evaluation of the 1,025-neuron image network hold ~70 MB per
// episode (an out-of-memory kill after a few evaluations). Past this many, the oldest is reclaimed.
const MAX_PENDING_TAPES = 8;
const pendingTapes: TapeWork[] = [];

/** How many forward passes are waiting for their backward pass (tests). */
export function pendingTapeCount(): number {
  return pendingTapes.length;
}

function trackPending(work: TapeWork): void {
  pendingTapes.push(work);
  while (pendingTapes.length > MAX_PENDING_TAPES) {
    const oldest = pendingTapes.shift()!;
    oldest.evicted = true;
    releaseWork(oldest);
  }
}

function acquireWorkspace(dims: WorkspaceDims): SharedWorkspace {
  const key = JSON.stringify(dims);
  const index = idleWorkspaces.findIndex((ws) => JSON.stringify(ws.views.dims) === key);
  if (index >= 0) return idleWorkspaces.splice(index, 1)[0];
  const layout = workspaceLayout(dims);
  const buffer = new SharedArrayBuffer(layout.bytes);
  return { id: nextWorkspaceId++, buffer, layout, views: workspaceViews(buffer, layout, dims) };
}

function releaseWork(work: TapeWork): void {
  if (work.consumed) return;
  work.consumed = true;
  const pending = pendingTapes.indexOf(work);
  if (pending >= 0) pendingTapes.splice(pending, 1);
  idleWorkspaces.push(work.ws);
  while (idleWorkspaces.length > MAX_IDLE_WORKSPACES) {
    const dropped = idleWorkspaces.shift()!;
    forgetWorkspace(dropped.id);
  }
}

/** Threads worth using for an M×N×B sweep: small layers stay on the caller's thread (a sync costs ~µs). */
const MIN_ELEMENTS_PER_THREAD = 1 << 17;
function threadsFor(requested: number | undefined, elements: number): number {
  const threads = requested ?? defaultThreadCount();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`plastic kernel: threads must be a positive integer, got ${threads}`);
  return Math.max(1, Math.min(threads, Math.floor(elements / MIN_ELEMENTS_PER_THREAD)));
}

function takeBuffer(work: TapeWork): number {
  const id = work.free.pop();
  if (id === undefined) throw new Error('plastic kernel: checkpoint plan ran out of trace buffers (a bug)');
  return id;
}

/** Runs the episode forward; the tape holds what `sequenceBackward` needs and nothing per-step of size M×N. */
export function sequenceForward(spec: PlasticSpec, shape: KernelShape, inputs: KernelInputs, options: KernelOptions = {}): ForwardResult {
  const tape = forwardTape(spec, shape, inputs, options);
  const { ws } = tape.work;
  return { post: ws.views.post.slice(0, shape.steps * shape.batch * spec.size), tape };
}

/** The post values of a tape, [T, B, N], valid until its backward has run. */
export function tapePost(tape: ForwardTape): Float64Array {
  return tape.work.ws.views.post;
}

/** Gives a tape's memory back now, when its backward pass will not run (a forward pass outside gradient recording). */
export function discardTape(tape: ForwardTape): void {
  tapeFinalizer.unregister(tape);
  releaseWork(tape.work);
}

/** sequenceForward without copying the outputs (read them with tapePost). */
export function forwardTape(spec: PlasticSpec, shape: KernelShape, inputs: KernelInputs, options: KernelOptions = {}): ForwardTape {
  validateKernelInputs(spec, shape, inputs);
  const { steps, batch } = shape;
  const n = spec.size;
  const recurrent = spec.mode === 'recurrent';
  const m = recurrent ? n : spec.inputSize;
  const bn = batch * n;
  const plan = planCheckpoints(steps, options.segmentLength, options.traceBuffers);
  const precision = options.precision ?? 'float64';
  if (precision !== 'float32' && precision !== 'float64') throw new Error(`plastic kernel: precision must be 'float32' or 'float64', got ${precision}`);
  const plastic = spec.plastic;
  const dims: WorkspaceDims = {
    m, n, batch, steps, recurrent, clamp: spec.inputMode === 'clamp', plastic, precision,
    bufferCount: plan.bufferCount, maxSegment: steps,
  };
  const ws = acquireWorkspace(dims);
  const v = ws.views;
  const pool = plastic ? sweepPool(threadsFor(options.threads, m * n * batch)) : null;
  const work: TapeWork = { ws, pool, free: Array.from({ length: plastic ? plan.bufferCount : 0 }, (_, k) => k), checkpointIds: [0], consumed: false };

  v.w.set(inputs.w);
  const eta = plastic ? inputs.eta! : 0;
  if (plastic) {
    if (spec.alpha === 'shared') v.alpha.fill(inputs.alpha![0]);
    else v.alpha.set(inputs.alpha!);
  }
  v.drive.set(inputs.drive);
  if (!recurrent) v.pre.set(inputs.pre!);
  v.cmdF[FARG.eta] = eta;
  v.cmdF[FARG.clip] = spec.traceClip ?? Infinity;
  v.cmd[ARG.oja] = spec.rule === 'oja' ? 1 : 0;
  // The whole episode, forward and backward, on one implementation of the sweeps (chosen here, per episode).
  const native = nativeKernels();
  if (native) useNativeSweeps(native);
  v.cmd[ARG.native] = native ? 1 : 0;

  const acc = new Float64Array(bn);
  const running = plastic ? takeBuffer(work) : -1;
  if (plastic) v.traces[running].fill(0);
  let nextSegment = 1;
  for (let t = 0; t < steps; t++) {
    startStep(spec, acc, v.drive, t * bn);
    if (plastic) {
      const traceOnly = dims.clamp && !hasZero(v.drive, t * bn, bn);
      v.cmd[ARG.op] = OP.forward;
      v.cmd[ARG.t] = t;
      v.cmd[ARG.buffer] = running;
      v.cmd[ARG.traceOnly] = traceOnly ? 1 : 0;
      runCommand(ws, pool);
      // Block partials in block order: the same sum whatever thread ran which block.
      for (let block = 0; block < v.blocks; block++) {
        const off = block * bn;
        for (let k = 0; k < bn; k++) acc[k] += v.accPart[off + k];
      }
      // The running trace now holds H_{t−1}; the segment starting at step t+1 needs H_{(t+1)−2}.
      if (nextSegment < plan.segmentCount && plan.segmentStarts[nextSegment] === t + 1) {
        const id = takeBuffer(work);
        v.traces[id].set(v.traces[running]);
        work.checkpointIds[nextSegment++] = id;
      }
    } else {
      const preArr = recurrent ? (t === 0 ? v.zeros : v.post) : v.pre;
      const preOff = recurrent ? Math.max(0, t - 1) * batch * m : t * batch * m;
      sweepsFor(v).plainForwardSweep(m, n, batch, v.w, preArr, preOff, acc);
    }
    finishStep(spec, batch, acc, v.drive, t * bn, v.act, v.post, t * bn);
    if (plastic) fillDecay(spec.rule, eta, v.post, t * bn, bn, v.decay, t * bn);
  }
  if (plastic) work.free.push(running);

  const tape: ForwardTape = {
    spec, steps, batch, eta, precision, plan,
    checkpoints: work.checkpointIds.slice(1).map((id) => v.traces[id]),
    work,
  };
  tapeFinalizer.register(tape, work, tape);
  trackPending(work);
  return tape;
}

/**
 * Exact gradients of Σ gradPost ⊙ post with respect to every input of the forward call that made `tape`.
 * With `borrow`, the w and alpha gradients are views of the kernel's workspace, valid only until the next
 * forward pass (for a caller that copies them at once); otherwise every result is a fresh array.
 */
export function sequenceBackward(tape: ForwardTape, gradPost: Floats, options: { borrow?: boolean } = {}): KernelGradients {
  const { spec, steps, batch, eta, plan, work } = tape;
  const n = spec.size;
  const recurrent = spec.mode === 'recurrent';
  const m = recurrent ? n : spec.inputSize;
  const bn = batch * n;
  const bm = batch * m;
  if (work.evicted) {
    throw new Error(`plastic kernel: this forward pass's memory was reclaimed because ${MAX_PENDING_TAPES} later forward passes ran before its backward pass (run each backward before the next ${MAX_PENDING_TAPES} forwards)`);
  }
  if (work.consumed) throw new Error('plastic kernel: the backward pass of this forward pass has already run (each tape is used once)');
  if (gradPost.length !== steps * bn) {
    throw new Error(`plastic kernel: output gradient has ${gradPost.length} values, expected [T=${steps}, B=${batch}, N=${n}] = ${steps * bn}`);
  }
  const { ws, pool } = work;
  const v = ws.views;
  const clamp = spec.inputMode === 'clamp';
  const plastic = spec.plastic;

  const gDrive = new Float64Array(steps * bn);
  const gPreOut = recurrent ? undefined : new Float64Array(steps * bm);
  let gEta = 0;
  if (plastic) {
    v.gAlpha.fill(0);
    v.gTrace.fill(0);
    v.trPreA.fill(0);
    v.trPreB.fill(0);
  }
  const gPost = new Float64Array(n);
  const carry = new Float64Array(recurrent ? bn : 0);
  // ∂L/∂post_t through step t+1's trace update (the column sums of the previous sweep).
  const trPost = new Float64Array(bn);
  // Which of trPreA/trPreB holds ∂L/∂pre_t through the trace (the sweep writes step t−1's into the other).
  let swap = 0;

  /** One step backward; hPrev / hPrev2 are the buffers holding H_{t−1} and H_{t−2} (plastic only). */
  const backwardStep = (t: number, hPrev: number, hPrev2: number) => {
    const off = t * bn;
    for (let b = 0; b < batch; b++) {
      const v0 = b * n;
      for (let j = 0; j < n; j++) gPost[j] = gradPost[off + v0 + j] + (recurrent ? carry[v0 + j] : 0) + trPost[v0 + j];
      if (clamp) {
        // Clamped neurons pass their gradient to the drive and none to the activation.
        for (let j = 0; j < n; j++) {
          if (v.drive[off + v0 + j] !== 0) {
            gDrive[off + v0 + j] = gPost[j];
            gPost[j] = 0;
          }
        }
      }
      activationBackward(spec.activation, v.act, off + v0, gPost, 0, v.gA, off + v0, n);
      if (!clamp) gDrive.set(v.gA.subarray(off + v0, off + v0 + n), off + v0);
    }
    if (plastic) {
      if (t >= 1) fillDecayDerivatives(spec.rule, eta, v.post, off - bn, bn, v.decayByPost, v.decayByEta);
      v.cmd[ARG.op] = OP.backward;
      v.cmd[ARG.t] = t;
      v.cmd[ARG.traceOnly] = hasNonZero(v.gA, off, bn) ? 0 : 1;
      v.cmd[ARG.hPrev] = hPrev;
      v.cmd[ARG.hPrev2] = hPrev2;
      v.cmd[ARG.trPreSwap] = swap;
      runCommand(ws, pool);
      trPost.fill(0);
      for (let block = 0; block < v.blocks; block++) {
        const partOff = block * bn;
        for (let k = 0; k < bn; k++) trPost[k] += v.trPostPart[partOff + k];
        gEta += v.etaPart[block];
      }
      swap ^= 1;
    } else {
      sweepsFor(v).plainBackwardSweep(m, n, batch, v.w, v.gA, off, v.gPre);
    }
    if (recurrent) carry.set(v.gPre);
    else gPreOut!.set(v.gPre, t * bm);
  };

  /**
   * Replays `count` trace updates from the buffer holding H_{start−2}: into one buffer each
   * (ids[r] = H_{start−2+r}), or, when the ids repeat, in place.
   */
  const replay = (start: number, ids: number[], zeroFirst: boolean) => {
    v.replayIds.set(ids);
    v.cmd[ARG.op] = OP.replay;
    v.cmd[ARG.start] = start;
    v.cmd[ARG.count] = ids.length - 1;
    v.cmd[ARG.zeroFirst] = zeroFirst ? 1 : 0;
    runCommand(ws, pool);
  };

  /** Backward through a segment whose base buffer holds H_{start−2} (garbage to be zeroed when zeroBase). */
  const processSegment = (segment: Segment, base: number, zeroBase: boolean) => {
    const { start, end, children } = segment;
    if (!children) {
      const ids = [base];
      for (let t = start; t < end; t++) ids.push(takeBuffer(work));
      replay(start, ids, zeroBase);
      for (let t = end - 1; t >= start; t--) backwardStep(t, ids[t - start + 1], ids[t - start]);
      for (let r = 1; r < ids.length; r++) work.free.push(ids[r]);
      return;
    }
    // Walk from the base to each later child's start, leaving its checkpoint H_{childStart−2} in a new buffer.
    const bases = [base];
    for (let c = 1; c < children.length; c++) {
      const from = children[c - 1].start;
      const id = takeBuffer(work);
      replay(from, [bases[c - 1], ...Array.from({ length: children[c].start - from }, () => id)], zeroBase && c === 1);
      bases.push(id);
    }
    for (let c = children.length - 1; c >= 0; c--) {
      processSegment(children[c], bases[c], zeroBase && c === 0);
      if (c >= 1) work.free.push(bases[c]);
    }
  };

  if (plastic) {
    for (let s = plan.segmentCount - 1; s >= 0; s--) {
      // Segment 0 starts from zeros (a buffer zeroed by its first replay), the others from their checkpoint.
      const base = s === 0 ? takeBuffer(work) : work.checkpointIds[s];
      processSegment(plan.segments[s], base, s === 0);
      work.free.push(base);
    }
  } else {
    for (let t = steps - 1; t >= 0; t--) backwardStep(t, 0, 0);
  }

  // gW shares the first trace buffer, free now that every segment is done.
  v.gW.fill(0);
  v.cmd[ARG.op] = OP.outer;
  runCommand(ws, pool);

  const result: KernelGradients = { drive: gDrive, w: options.borrow ? v.gW : v.gW.slice(), eta: plastic && spec.learnEta ? gEta : 0 };
  if (gPreOut) result.pre = gPreOut;
  if (plastic) {
    if (spec.alpha === 'shared') {
      let sum = 0;
      for (let q = 0; q < v.gAlpha.length; q++) sum += v.gAlpha[q];
      result.alpha = tape.precision === 'float32' ? Float32Array.of(sum) : Float64Array.of(sum);
    } else {
      result.alpha = options.borrow ? v.gAlpha : v.gAlpha.slice();
    }
  }
  tapeFinalizer.unregister(tape);
  releaseWork(work);
  return result;
}
