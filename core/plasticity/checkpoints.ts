// How an episode's trace history is kept for the backward pass without storing T trace matrices.
//
// The T steps are cut into segments. The forward pass keeps, for every segment s ≥ 1, the trace H_{start−2}
// that enters it (two steps back, because the backward sweep of the segment's first step also handles the
// trace update of the step before it); segment 0 starts from zeros. The backward pass walks the segments
// last to first. A "leaf" segment replays its traces H_{start−1} … H_{end−2} into one buffer each, from its
// base trace H_{start−2} (which serves as the first), then runs backward through its steps. A "nested"
// segment first replays from its base once to make checkpoints of its own children, then treats the children
// the same way, last to first. Replay repeats the forward's arithmetic exactly, so it is bitwise equal, and
// it never inverts the update (which clipping forbids and Oja at large eta makes unstable).
//
// Buffers: while child j ≥ 1 of a segment is processed, the segment's checkpoints 1 … j are alive, so with
// k free buffers child j may use k − j of them (child 0 uses the segment's base): leaves of lengths k, k−1,
// k−2, … ("triangular"). One level of leaves covers k + k(k−1)/2 steps; nesting covers far more, at the
// cost of one more replay of the nested steps (a replay is the cheapest sweep, about a quarter of a step).
// The default plan uses plain leaves while they fit in 10 buffers (T ≤ 54: every step replayed once);
// longer episodes take the fewest buffers for which the backward replays at most 1.75 trace updates per
// step: T = 106 needs 9 trace buffers (plus the trace gradient) where equal segments of ⌈√T⌉ steps need 20.

export interface Segment {
  start: number;
  /** Exclusive. */
  end: number;
  /** Absent for a leaf. */
  children?: Segment[];
}

export interface CheckpointPlan {
  steps: number;
  /** The segments the forward pass checkpoints, in order; they tile [0, T). */
  segments: Segment[];
  /** First step of every top-level segment (segmentStarts[0] = 0). */
  segmentStarts: number[];
  segmentCount: number;
  /** Trace matrices the forward pass keeps: S − 1. */
  checkpointCount: number;
  /** Trace-sized buffers alive at once, forward or backward (the trace gradient is one more). */
  bufferCount: number;
  /** Trace updates the backward pass replays: T − 1 for a plan of leaves, more when segments nest. */
  replaySteps: number;
}

const capacities = new Map<string, number>();

/** Steps a segment can cover with `free` buffers besides its base, nesting at most `depth` more levels. */
function capacity(free: number, depth: number): number {
  if (free < 1) return 0;
  if (depth === 0) return free;
  const key = `${free}/${depth}`;
  let total = capacities.get(key);
  if (total === undefined) {
    total = capacity(free, depth - 1);
    for (let j = 1; j < free; j++) total += capacity(free - j, depth - 1);
    capacities.set(key, total);
  }
  return total;
}

/**
 * Child lengths for `length` steps where child j may use rooms[j] buffers: leaves first (length ≤ room),
 * then, if that is not enough, children grown up to their nested capacity, first children first.
 * null when even nesting does not fit.
 */
function childLengths(length: number, rooms: number[], depth: number): number[] | null {
  const lengths: number[] = [];
  let left = length;
  for (const room of rooms) {
    if (left === 0) break;
    const take = Math.min(left, room);
    lengths.push(take);
    left -= take;
  }
  for (let j = 0; left > 0 && j < rooms.length && depth > 0; j++) {
    if (j === lengths.length) lengths.push(0);
    const extra = Math.min(left, capacity(rooms[j], depth) - lengths[j]);
    lengths[j] += extra;
    left -= extra;
  }
  return left > 0 ? null : lengths;
}

/** A segment of `length` steps from `start` with `free` buffers besides its base. */
function buildSegment(start: number, length: number, free: number, depth: number): Segment {
  if (length <= free) return { start, end: start + length };
  const rooms = Array.from({ length: free }, (_, j) => (j === 0 ? free : free - j));
  const lengths = childLengths(length, rooms, depth - 1);
  if (!lengths) throw new Error(`plastic kernel: checkpoint plan does not fit (a bug): ${length} steps, ${free} buffers`);
  const children: Segment[] = [];
  let at = start;
  lengths.forEach((childLength, j) => {
    children.push(buildSegment(at, childLength, rooms[j], depth - 1));
    at += childLength;
  });
  return { start, end: start + length, children };
}

/** Replayed trace updates of a segment's backward: a leaf replays its steps, a nested segment also walks to its children's checkpoints. */
function replayCost(segment: Segment): number {
  if (!segment.children) return segment.end - segment.start;
  const last = segment.children[segment.children.length - 1];
  return last.start - segment.start + segment.children.reduce((sum, child) => sum + replayCost(child), 0);
}

/**
 * The plan for `budget` trace buffers with segments nested at most `depth` levels below the top, or null
 * when it does not fit. Top segment 0 starts from a zero buffer (its base), top segment s ≥ 1 from its
 * checkpoint, with checkpoints 1 … s alive while it is processed.
 */
function planWithBudget(steps: number, budget: number, depth: number): CheckpointPlan | null {
  if (budget < 2) return null;
  const rooms = Array.from({ length: budget }, (_, s) => (s === 0 ? budget - 1 : budget - s)).filter((room) => room >= 1);
  const lengths = childLengths(steps, rooms, depth);
  if (!lengths) return null;
  return planFromSegments(steps, lengths, (start, length, s) => buildSegment(start, length, rooms[s], depth), budget);
}

function planFromSegments(
  steps: number,
  lengths: number[],
  build: (start: number, length: number, s: number) => Segment,
  bufferCount: number,
): CheckpointPlan {
  const segments: Segment[] = [];
  let start = 0;
  lengths.forEach((length, s) => {
    segments.push(build(start, length, s));
    start += length;
  });
  // Replays start at H_{−1} for segment 0 (H_{−2} is its zero base); a step's trace is never needed past T − 2.
  const replaySteps = segments.reduce((sum, segment) => sum + replayCost(segment), 0);
  return {
    steps,
    segments,
    segmentStarts: segments.map((segment) => segment.start),
    segmentCount: segments.length,
    checkpointCount: segments.length - 1,
    bufferCount,
    replaySteps,
  };
}

/** The default plan's bound on replayed trace updates per step (a replay costs about a fifth of a step). */
const MAX_REPLAY_PER_STEP = 1.75;
/** Short episodes whose plain leaves fit in this many buffers are not nested (no replay twice). */
const MAX_LEAF_BUFFERS = 10;

/**
 * The default plan (see the file comment), or equal leaf segments of `segmentLength` steps, or the plan
 * with at most `traceBuffers` buffers. Every plan gives bitwise the same results.
 */
export function planCheckpoints(steps: number, segmentLength?: number, traceBuffers?: number): CheckpointPlan {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`plastic kernel: steps must be a positive integer, got ${steps}`);
  if (segmentLength !== undefined) {
    if (!Number.isInteger(segmentLength) || segmentLength < 1) {
      throw new Error(`plastic kernel: segmentLength must be a positive integer, got ${segmentLength}`);
    }
    const k = Math.min(segmentLength, steps);
    const lengths = Array.from({ length: Math.ceil(steps / k) }, (_, s) => Math.min(k, steps - s * k));
    // Segment s ≥ 1 holds s checkpoints and one buffer per step; segment 0 a zero base and one per step.
    const bufferCount = Math.max(lengths.length, ...lengths.map((length, s) => Math.max(s, 1) + length));
    return planFromSegments(steps, lengths, (start, length) => ({ start, end: start + length }), bufferCount);
  }
  if (traceBuffers !== undefined) {
    if (!Number.isInteger(traceBuffers) || traceBuffers < 2) throw new Error(`plastic kernel: traceBuffers must be an integer ≥ 2, got ${traceBuffers}`);
    for (let depth = 0; depth <= 8; depth++) {
      const plan = planWithBudget(steps, traceBuffers, depth);
      if (plan) return plan;
    }
    throw new Error(`plastic kernel: ${steps} steps do not fit in ${traceBuffers} trace buffers`);
  }
  // Plain leaves when they fit in few buffers; else one level of nesting, within the replay bound.
  for (let budget = 2; budget <= MAX_LEAF_BUFFERS; budget++) {
    const leaves = planWithBudget(steps, budget, 0);
    if (leaves) return leaves;
  }
  for (let budget = 2; ; budget++) {
    const nested = planWithBudget(steps, budget, 1);
    if (nested && nested.replaySteps <= MAX_REPLAY_PER_STEP * steps) return nested;
  }
}

/** Peak bytes of trace-sized buffers (the plan's buffers plus the trace gradient). */
export function traceMemoryBytes(plan: CheckpointPlan, batch: number, inputSize: number, size: number, bytesPerValue = 8): number {
  return (plan.bufferCount + 1) * batch * inputSize * size * bytesPerValue;
}
