// Types of sweep-commands.js.
import type { TraceArray } from './trace-sweeps.js';

export const OP: { forward: 1; replay: 2; backward: 3; outer: 4 };
export const ARG: {
  op: 0; t: 1; buffer: 2; hPrev: 3; hPrev2: 4; trPreSwap: 5; start: 6; count: 7; oja: 8; zeroFirst: 9; traceOnly: 10; native: 11;
};
export const FARG: { eta: 0; clip: 1 };

export interface WorkspaceDims {
  m: number;
  n: number;
  batch: number;
  steps: number;
  recurrent: boolean;
  clamp: boolean;
  plastic: boolean;
  precision: 'float32' | 'float64';
  /** Trace-sized buffers for the forward trace, checkpoints and replay (the trace gradient is separate). */
  bufferCount: number;
  /** Longest checkpoint segment (sizes the replay id list). */
  maxSegment: number;
}

export interface WorkspaceRegion {
  name: string;
  kind: 'f32' | 'f64' | 'i32';
  length: number;
  offset: number;
}

export interface WorkspaceLayout {
  regions: WorkspaceRegion[];
  bytes: number;
}

export interface WorkspaceViews {
  dims: WorkspaceDims;
  blockRows: number;
  blocks: number;
  traces: TraceArray[];
  gTrace: TraceArray;
  w: TraceArray;
  alpha: TraceArray;
  gW: TraceArray;
  gAlpha: TraceArray;
  drive: Float64Array;
  post: Float64Array;
  /** The same array as post when nothing is clamped. */
  act: Float64Array;
  pre: Float64Array;
  zeros: Float64Array;
  decay: Float64Array;
  gA: Float64Array;
  decayByPost: Float64Array;
  decayByEta: Float64Array;
  trPreA: Float64Array;
  trPreB: Float64Array;
  gPre: Float64Array;
  accPart: Float64Array;
  trPostPart: Float64Array;
  etaPart: Float64Array;
  cmdF: Float64Array;
  cmd: Int32Array;
  replayIds: Int32Array;
}

export function planBlocks(m: number, n: number, batch: number): { blockRows: number; blocks: number };
export function workspaceLayout(dims: WorkspaceDims): WorkspaceLayout;
export function workspaceViews(buffer: ArrayBufferLike, layout: WorkspaceLayout, dims: WorkspaceDims): WorkspaceViews;
export function runBlock(ws: WorkspaceViews, block: number): void;

/** The sweeps runBlock calls: trace-sweeps.js's, or the native addon's with the same signatures. */
export type Sweeps = Pick<
  typeof import('./trace-sweeps.js'),
  'forwardSweep' | 'traceUpdateSweep' | 'backwardSweep' | 'backwardSweepTraceOnly' | 'accumulateOuterProducts' | 'plainForwardSweep' | 'plainBackwardSweep'
>;
export function useNativeSweeps(kernels: Sweeps | null): void;
export function canRun(ws: WorkspaceViews): boolean;
export function sweepsFor(ws: WorkspaceViews): Sweeps;

export const CTRL: { gen: 0; claim: 1; done: 2; workspace: 3; blocks: 4; stop: 5; failed: 6 };
export const CTRL_LENGTH: number;
export function runClaimedBlocks(ctrl: Int32Array, gen: number, ws: WorkspaceViews): void;
