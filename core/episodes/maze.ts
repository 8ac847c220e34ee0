// Grid-maze exploration environment (Miconi et al. 2018, §4.4, the authors' maze/maze.py settings).
//
// A labSize×labSize grid: outer wall, and a pillar at every interior cell whose row and column are both
// even; the centre cell is always free (for labSize 9 that removes the centre pillar, which the authors
// did as a landmark; for labSize 11 the centre is odd and free anyway).
//   labSize 11 (the paper's "9×9 maze with 16 wall squares"): 81 interior − 16 pillars = 65 free cells.
//   labSize 9  (the code's default): 49 − (9 − 1 centre) = 41 free cells.
// Per episode the reward cell is uniform among free cells; the agent starts at the centre. Each step the
// agent moves up/down/left/right; walking into a wall costs `wallPenalty` and the agent stays; when the
// agent is on the reward cell after its move it gets `rewardValue` and is teleported to a uniformly
// chosen free cell other than the reward cell. The agent sees a reward only as the next step's input.
//
// Every batch element is an independent maze episode with the same layout. Pure TypeScript, no Node APIs.
import type { Rng } from '../util/random.ts';

export interface MazeSettings {
  /** Side of the grid including the outer wall; odd, ≥ 5. */
  labSize: number;
  /** Steps per episode (the paper: 250). */
  episodeLength: number;
  /** Paid (as a negative reward) for walking into a wall. */
  wallPenalty: number;
  /** Received when reaching the reward cell. */
  rewardValue: number;
}

export const defaultMazeSettings: MazeSettings = { labSize: 11, episodeLength: 250, wallPenalty: 0.1, rewardValue: 10 };

export const mazeActions = ['up', 'down', 'left', 'right'] as const;
export type MazeAction = (typeof mazeActions)[number];
export const mazeActionCount = mazeActions.length;

/** Observation slots (the authors' maze/maze.py; docs/experiments.md, maze). */
export const mazeObservationSize = 17;
export const mazeObservationSlots = {
  /** 0..8: the 3×3 neighbourhood, row-major from the top-left, 1 = wall. */
  neighbourhood: 0,
  /** 14: the reward received on the previous step. */
  previousReward: 14,
  /** 15: the raw step index 0..episodeLength−1 (not normalised, as in maze.py). */
  stepIndex: 15,
  /** 16: always 1. Slots 9..13 stay 0 (unused in maze.py). */
  bias: 16,
} as const;

const rowMoves = [-1, 1, 0, 0];
const colMoves = [0, 0, -1, 1];

export function checkMazeSettings(s: MazeSettings): void {
  if (!Number.isInteger(s.labSize) || s.labSize < 5 || s.labSize % 2 === 0) {
    throw new Error(`maze: labSize must be an odd whole number ≥ 5, got ${String(s.labSize)}`);
  }
  if (!Number.isInteger(s.episodeLength) || s.episodeLength < 1) {
    throw new Error(`maze: episodeLength must be a whole number ≥ 1, got ${String(s.episodeLength)}`);
  }
  for (const field of ['wallPenalty', 'rewardValue'] as const) {
    if (!Number.isFinite(s[field])) throw new Error(`maze: ${field} must be a finite number, got ${String(s[field])}`);
  }
}

/** The grid, row-major, 1 = wall. */
export function mazeLayout(labSize: number): Uint8Array {
  const walls = new Uint8Array(labSize * labSize);
  const centre = (labSize - 1) / 2;
  for (let r = 0; r < labSize; r++) {
    for (let c = 0; c < labSize; c++) {
      const border = r === 0 || c === 0 || r === labSize - 1 || c === labSize - 1;
      const pillar = r % 2 === 0 && c % 2 === 0 && !(r === centre && c === centre);
      walls[r * labSize + c] = border || pillar ? 1 : 0;
    }
  }
  return walls;
}

/** Indices (r·labSize + c) of the free cells, in row-major order. */
export function mazeFreeCells(layout: Uint8Array): number[] {
  const cells: number[] = [];
  layout.forEach((wall, cell) => {
    if (!wall) cells.push(cell);
  });
  return cells;
}

export interface MazeCell {
  row: number;
  col: number;
}

export interface MazeBatch {
  readonly settings: MazeSettings;
  readonly batchSize: number;
  /** Row-major, 1 = wall; shared by all batch elements. */
  readonly layout: Uint8Array;
  /** Steps taken in the current episode (0 right after creation or reset). */
  readonly stepIndex: number;
  /** True once `episodeLength` steps have been taken. */
  readonly done: boolean;
  /** Start new episodes: new reward cells, agents at the centre, step 0, previous reward 0. */
  reset(): void;
  /** [B, 17] observation for the current step. */
  observe(): Float32Array;
  /** One action per batch element (0 up, 1 down, 2 left, 3 right); returns the rewards [B]. */
  step(actions: ArrayLike<number>): Float32Array;
  agentCell(b: number): MazeCell;
  rewardCell(b: number): MazeCell;
}

/** `rewardCell`: the cell (row-major index) of every episode's reward instead of a random free one (the sandbox). */
export function createMazeBatch(settings: MazeSettings, rng: Rng, batchSize: number, options: { rewardCell?: number } = {}): MazeBatch {
  checkMazeSettings(settings);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`maze: batchSize must be a whole number ≥ 1, got ${String(batchSize)}`);
  }
  const size = settings.labSize;
  const layout = mazeLayout(size);
  const free = mazeFreeCells(layout);
  const centre = ((size - 1) / 2) * size + (size - 1) / 2;
  const agent = new Int32Array(batchSize);
  const reward = new Int32Array(batchSize);
  const previousReward = new Float32Array(batchSize);
  let stepIndex = 0;

  const reset = () => {
    for (let b = 0; b < batchSize; b++) {
      // The draw is made either way, so a chosen cell leaves the rest of the episode's randomness as it was.
      const drawn = free[rng.int(free.length)];
      reward[b] = options.rewardCell ?? drawn;
      agent[b] = centre;
      previousReward[b] = 0;
    }
    stepIndex = 0;
  };

  /** Uniform among the free cells other than `avoid`: draw a rank among the others, skip over `avoid`'s. */
  const freeCellExcept = (avoid: number): number => {
    const rank = rng.int(free.length - 1);
    return free[rank >= free.indexOf(avoid) ? rank + 1 : rank];
  };

  const cellOf = (index: number): MazeCell => ({ row: Math.floor(index / size), col: index % size });
  const checkElement = (b: number) => {
    if (!Number.isInteger(b) || b < 0 || b >= batchSize) throw new Error(`maze: batch element ${b} is outside 0..${batchSize - 1}`);
  };

  reset();
  return {
    settings,
    batchSize,
    layout,
    get stepIndex() {
      return stepIndex;
    },
    get done() {
      return stepIndex >= settings.episodeLength;
    },
    reset,
    observe() {
      const obs = new Float32Array(batchSize * mazeObservationSize);
      for (let b = 0; b < batchSize; b++) {
        const base = b * mazeObservationSize;
        const r = Math.floor(agent[b] / size);
        const c = agent[b] % size;
        for (let dr = -1; dr <= 1; dr++) {
          for (let dc = -1; dc <= 1; dc++) {
            obs[base + mazeObservationSlots.neighbourhood + (dr + 1) * 3 + (dc + 1)] = layout[(r + dr) * size + c + dc];
          }
        }
        obs[base + mazeObservationSlots.previousReward] = previousReward[b];
        obs[base + mazeObservationSlots.stepIndex] = stepIndex;
        obs[base + mazeObservationSlots.bias] = 1;
      }
      return obs;
    },
    step(actions) {
      if (actions.length !== batchSize) throw new Error(`maze: step needs ${batchSize} actions (one per batch element), got ${actions.length}`);
      if (stepIndex >= settings.episodeLength) {
        throw new Error(`maze: the episode is over (${settings.episodeLength} steps); call reset() first`);
      }
      const rewards = new Float32Array(batchSize);
      for (let b = 0; b < batchSize; b++) {
        const action = actions[b];
        if (!Number.isInteger(action) || action < 0 || action >= mazeActionCount) {
          throw new Error(`maze: action for batch element ${b} must be 0..3 (up, down, left, right), got ${String(action)}`);
        }
        const target = agent[b] + rowMoves[action] * size + colMoves[action];
        if (layout[target]) rewards[b] -= settings.wallPenalty;
        else agent[b] = target;
        if (agent[b] === reward[b]) {
          rewards[b] += settings.rewardValue;
          agent[b] = freeCellExcept(reward[b]);
        }
        previousReward[b] = rewards[b];
      }
      stepIndex++;
      return rewards;
    },
    agentCell(b) {
      checkElement(b);
      return cellOf(agent[b]);
    },
    rewardCell(b) {
      checkElement(b);
      return cellOf(reward[b]);
    },
  };
}
