// How an episode's trace history is kept for the backward pass without storing T trace matrices.
//
// The T steps are cut into S segments. The forward pass keeps, for every segment s ≥ 1, the trace H_{start−2}
// that enters it (two steps back, because the backward sweep of the segment's first step also handles the
// trace update of the step before it). Segment 0 starts from zeros and needs no checkpoint. The backward
// pass walks the segments last to first; for each it replays the traces H_{start−1} … H_{end−2} from the
// checkpoint (which serves as H_{start−2} itself) and the stored outputs, runs backward through the segment,
// then frees the segment's buffers and its checkpoint. Replay repeats the forward's arithmetic exactly, so
// it is bitwise equal, and it never inverts the update (which clipping forbids and Oja at large eta makes
// unstable).
//
// While segment s is processed, s checkpoints (segments 1 … s) and its L_s replay buffers are alive, so for
// a budget of c buffers segment s may have c − s steps: later segments are shorter. Lengths c−1, c−1, c−2, c−3, … ("triangular") cover T = 106 with c = 15 buffers,
// where equal segments of ⌈√T⌉ = 11 steps need 9 + 11 = 20. Each step is still replayed exactly once.
// The forward pass needs 1 + (S − 1) buffers (the running trace and the checkpoints), never more than c.

export interface CheckpointPlan {
  steps: number;
  /** First step of every segment, ascending; segmentStarts[0] = 0. */
  segmentStarts: number[];
  segmentCount: number;
  /** Trace matrices the forward pass keeps: S − 1. */
  checkpointCount: number;
  /** Steps in the longest segment. */
  maxSegmentLength: number;
  /** Trace-sized buffers alive at once, forward or backward (the trace gradient is one more). */
  bufferCount: number;
}

/** Segment s covers steps [segmentStarts[s], this). */
export function segmentEnd(plan: CheckpointPlan, s: number): number {
  return s + 1 < plan.segmentCount ? plan.segmentStarts[s + 1] : plan.steps;
}

function planFromLengths(steps: number, lengths: number[]): CheckpointPlan {
  const segmentStarts: number[] = [];
  let start = 0;
  for (const length of lengths) {
    segmentStarts.push(start);
    start += length;
  }
  const segmentCount = lengths.length;
  // Backward at segment s: its checkpoint and those before it (s of them; segment 0 uses one zero buffer
  // instead) plus one replay buffer per step. Forward: the running trace plus S − 1 checkpoints.
  let bufferCount = segmentCount;
  lengths.forEach((length, s) => (bufferCount = Math.max(bufferCount, Math.max(s, 1) + length)));
  return { steps, segmentStarts, segmentCount, checkpointCount: segmentCount - 1, maxSegmentLength: Math.max(...lengths), bufferCount };
}

/**
 * The default plan is the triangular one with the fewest buffers; `segmentLength` asks for equal segments
 * of that many steps instead (any plan gives bitwise the same results).
 */
export function planCheckpoints(steps: number, segmentLength?: number): CheckpointPlan {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`plastic kernel: steps must be a positive integer, got ${steps}`);
  if (segmentLength !== undefined) {
    if (!Number.isInteger(segmentLength) || segmentLength < 1) {
      throw new Error(`plastic kernel: segmentLength must be a positive integer, got ${segmentLength}`);
    }
    const k = Math.min(segmentLength, steps);
    const lengths = Array.from({ length: Math.ceil(steps / k) }, (_, s) => Math.min(k, steps - s * k));
    return planFromLengths(steps, lengths);
  }
  for (let budget = 1; ; budget++) {
    // Segment 0 gets budget − 1 steps (its zero start buffer), segment s ≥ 1 gets budget − s.
    const lengths: number[] = [];
    let covered = 0;
    for (let s = 0; covered < steps; s++) {
      const room = s === 0 ? budget - 1 : budget - s;
      if (room < 1) break;
      const length = Math.min(room, steps - covered);
      lengths.push(length);
      covered += length;
    }
    if (covered >= steps) return planFromLengths(steps, lengths);
  }
}

/** Peak bytes of trace-sized buffers (checkpoints and replay, plus the trace gradient). */
export function traceMemoryBytes(plan: CheckpointPlan, batch: number, inputSize: number, size: number, bytesPerValue = 8): number {
  return (plan.bufferCount + 1) * batch * inputSize * size * bytesPerValue;
}
