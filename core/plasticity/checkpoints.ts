// How an episode's trace history is kept for the backward pass without storing T trace matrices.
//
// The T steps are cut into S = ceil(T / k) segments of k steps (k ≈ ceil(√T)). The forward pass keeps,
// for every segment s ≥ 1, the trace H_{sk−2} that enters it (two steps back, because the backward sweep
// of the segment's first step also handles the trace update of the step before it). Segment 0 starts from
// zeros and needs no checkpoint. The backward pass walks the segments last to first; for each it replays
// the traces H_{sk−2} … H_{sk+k−2} into k+1 buffers from the checkpoint and the stored outputs, then runs
// backward through the segment. Replay repeats the forward's arithmetic exactly, so it is bitwise equal,
// and it never inverts the update (which clipping forbids and which Oja at large eta makes unstable).
//
// Trace-sized Float64 matrices alive during backward: (S − 1) checkpoints + (k + 1) replay buffers + 1
// trace gradient, each B·M·N·8 bytes. For T = 106: k = 11, S = 10, so 9 + 12 + 1 = 22 instead of 106.

export interface CheckpointPlan {
  steps: number;
  /** k: steps per segment. */
  segmentLength: number;
  /** S = ceil(T / k). */
  segmentCount: number;
  /** Trace matrices the forward pass keeps: S − 1. */
  checkpointCount: number;
  /** Trace matrices the backward pass replays into: k + 1. */
  replayBufferCount: number;
}

export function planCheckpoints(steps: number, segmentLength?: number): CheckpointPlan {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`plastic kernel: steps must be a positive integer, got ${steps}`);
  const k = segmentLength ?? Math.ceil(Math.sqrt(steps));
  if (!Number.isInteger(k) || k < 1) throw new Error(`plastic kernel: segmentLength must be a positive integer, got ${segmentLength}`);
  const segmentLengthUsed = Math.min(k, steps);
  const segmentCount = Math.ceil(steps / segmentLengthUsed);
  return {
    steps,
    segmentLength: segmentLengthUsed,
    segmentCount,
    checkpointCount: segmentCount - 1,
    replayBufferCount: segmentLengthUsed + 1,
  };
}

/** Peak bytes of trace-sized Float64 buffers during backward (checkpoints + replay + trace gradient). */
export function traceMemoryBytes(plan: CheckpointPlan, batch: number, inputSize: number, size: number): number {
  return (plan.checkpointCount + plan.replayBufferCount + 1) * batch * inputSize * size * 8;
}
