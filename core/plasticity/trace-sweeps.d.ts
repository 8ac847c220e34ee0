// Types of trace-sweeps.js (plain JavaScript so that worker threads can load it without a TS loader).

/** Trace-sized arrays (trace, its gradient, w, alpha and their gradients) in the kernel's precision. */
export type TraceArray = Float32Array | Float64Array;

export function clipTrace(h: number, c: number): number;

export function forwardSweep(
  m: number, n: number, batch: number, i0: number, i1: number,
  trace: TraceArray, w: TraceArray, alpha: TraceArray, pre: Float64Array, preOff: number, acc: Float64Array, accOff: number,
  update: boolean, prevPre: Float64Array, prevPreOff: number, prevPost: Float64Array, prevPostOff: number,
  prevDecay: Float64Array, prevDecayOff: number, eta: number, clip: number,
): void;

export function traceUpdateSweep(
  m: number, n: number, batch: number, i0: number, i1: number, from: TraceArray, to: TraceArray,
  pre: Float64Array, preOff: number, post: Float64Array, postOff: number, decay: Float64Array, decayOff: number, eta: number, clip: number,
): void;

/** Returns this block's part of ∂L/∂eta. */
export function backwardSweep(
  m: number, n: number, batch: number, i0: number, i1: number,
  hPrev: TraceArray, hPrev2: TraceArray, gTrace: TraceArray, w: TraceArray, alpha: TraceArray, gAlpha: TraceArray,
  pre: Float64Array, preOff: number, gA: Float64Array, gAOff: number, decay: Float64Array, decayOff: number,
  trPreCur: Float64Array, gPre: Float64Array, hasPrevStep: boolean, prevPre: Float64Array, prevPreOff: number,
  prevPost: Float64Array, prevPostOff: number, prevDecay: Float64Array, prevDecayOff: number,
  prevDecayByPost: Float64Array, prevDecayByEta: Float64Array, trPostPrev: Float64Array, trPostOff: number,
  trPrePrev: Float64Array, rule: 'hebb' | 'oja', eta: number, clip: number,
): number;

/** backwardSweep for a step whose gA is zero in every batch element; returns this block's part of ∂L/∂eta. */
export function backwardSweepTraceOnly(
  m: number, n: number, batch: number, i0: number, i1: number, hPrev2: TraceArray, gTrace: TraceArray,
  decay: Float64Array, decayOff: number, trPreCur: Float64Array, gPre: Float64Array, hasPrevStep: boolean,
  prevPre: Float64Array, prevPreOff: number, prevPost: Float64Array, prevPostOff: number, prevDecay: Float64Array,
  prevDecayOff: number, prevDecayByPost: Float64Array, prevDecayByEta: Float64Array, trPostPrev: Float64Array,
  trPostOff: number, trPrePrev: Float64Array, rule: 'hebb' | 'oja', eta: number, clip: number,
): number;

export function accumulateOuterProducts(
  m: number, n: number, rows: number, i0: number, i1: number, pre: Float64Array, preOff: number,
  gA: Float64Array, gAOff: number, gW: TraceArray, scratch: Float64Array,
): void;

export function plainForwardSweep(m: number, n: number, batch: number, w: TraceArray, pre: Float64Array, preOff: number, acc: Float64Array): void;

export function plainBackwardSweep(m: number, n: number, batch: number, w: TraceArray, gA: Float64Array, gAOff: number, gPre: Float64Array): void;
