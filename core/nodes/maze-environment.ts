// Environment: the grid maze of the paper's exploration task (Miconi et al. 2018, §4.4; the world is core/tasks/maze.ts).
// At each step the agent sees its 3×3 neighbourhood, the previous step's reward, the step index and a bias
// input (`observation`); the network's `policy` (action probabilities) arrives as a delayed input, an action
// is sampled from it, and the maze moves the agent and pays the reward. `action` (one-hot) and `reward` are
// that step's action and what it earned: they exist only once the agent has acted, so only loss and metric
// heads read them.
//
// Training plays each batch of episodes first (core/compile/rollout.ts) and replays the record in sequence mode.
import { z } from 'zod';
import { createMazeBatch, mazeActionCount, mazeActions, mazeLayout, mazeObservationSize, type MazeSettings } from '../episodes/maze.ts';
import { InputError } from '../util/input-error.ts';
import type { Rng } from '../util/random.ts';
import { defineNodeKind, type EnvironmentEpisodes, type EnvironmentSetup, type NodeIssue } from './kind.ts';
import { flatWidth, formatShape } from './shape-helpers.ts';

export const MazeEnvironmentParams = z.object({
  labSize: z
    .number()
    .int()
    .min(5)
    .max(101)
    .default(11)
    .describe('Side of the grid including its outer wall; odd. 11 is the paper’s “9×9 maze with 16 wall squares”.'),
  episodeLength: z.number().int().min(1).max(100_000).default(250).describe('Steps per episode (the paper: 250).'),
  wallPenalty: z.number().min(0).max(1000).default(0.1).describe('Paid (as a negative reward) for walking into a wall; the agent stays put.'),
  rewardValue: z
    .number()
    .min(-1000)
    .max(1000)
    .default(10)
    .describe('Received on reaching the reward cell; the agent is then moved to a random free cell.'),
});
export type MazeEnvironmentParams = z.infer<typeof MazeEnvironmentParams>;

/** Sampling needs probabilities; a softmax's float32 rounding stays far inside this. */
const probabilityTolerance = 1e-3;

export const MazeEnvironment = defineNodeKind<MazeEnvironmentParams>({
  kind: 'MazeEnvironment',
  title: 'Maze',
  category: 'environment',
  description:
    'A grid maze with a hidden reward cell (Miconi et al. 2018, §4.4): the agent moves up, down, left or right, sees only its surroundings and must find the reward, again and again.',
  inputs: [
    {
      name: 'policy',
      description: `Probabilities of the ${mazeActionCount} actions (${mazeActions.join(', ')}), e.g. a softmax; the action is sampled from them.`,
    },
  ],
  outputs: [
    {
      name: 'observation',
      description: `What the agent sees (${mazeObservationSize} values): its 3×3 surroundings (1 = wall), the previous reward, the step index and a constant 1.`,
    },
    { name: 'action', description: 'The action taken at this step, one-hot (for the loss).' },
    { name: 'reward', description: 'The reward that action earned (for the loss and the reward metric).' },
  ],
  params: MazeEnvironmentParams,
  stateful: true,
  delayedInputs: ['policy'],
  inferShapes(params, inputs) {
    const issues: NodeIssue[] = [];
    if (params.labSize % 2 === 0) {
      issues.push({ param: 'labSize', message: `"labSize" must be odd (walls sit on even rows and columns), but it is ${params.labSize}; try ${params.labSize + 1}.` });
    }
    const policy = inputs.policy;
    if (policy && flatWidth(policy) !== mazeActionCount) {
      issues.push({
        port: 'policy',
        message: `input "policy" has shape ${formatShape(policy)} but the maze has ${mazeActionCount} actions (${mazeActions.join(', ')}); feed it a Dense layer with ${mazeActionCount} softmax units.`,
      });
    }
    if (issues.length > 0) return { ok: false, issues };
    return { ok: true, outputs: { observation: [mazeObservationSize], action: [mazeActionCount], reward: [1] } };
  },
  countParameters: () => ({ trainable: 0, plastic: 0 }),
  episodeSteps: (params) => params.episodeLength,
  build(params, ctx) {
    const settings: MazeSettings = { ...params };
    return {
      role: 'environment',
      observed: ['observation'],
      start: (rng, batchSize, setup) => {
        const who = `Maze "${ctx.nodeId}"`;
        return playMaze(settings, rng, batchSize, who, setup && rewardCellOf(setup, settings.labSize, who));
      },
    };
  },
});

/** One batch of maze episodes, recording what happens. */
/** The sandbox's chosen reward cell, `{ rewardCell: [row, col] }`, as a cell index; it must be a free cell. */
function rewardCellOf(setup: EnvironmentSetup, size: number, who: string): number {
  const cell = setup.rewardCell;
  const unknown = Object.keys(setup).filter((key) => key !== 'rewardCell');
  if (unknown.length > 0) throw new InputError(`${who}: an episode's setup may only choose "rewardCell", not ${unknown.map((k) => `"${k}"`).join(', ')}.`);
  if (!Array.isArray(cell) || cell.length !== 2 || !cell.every((v) => Number.isInteger(v) && v >= 0 && v < size)) {
    throw new InputError(`${who}: "rewardCell" must be [row, column] with whole numbers from 0 to ${size - 1}, got ${JSON.stringify(cell)}.`);
  }
  const [row, col] = cell as number[];
  if (mazeLayout(size)[row * size + col] === 1) throw new InputError(`${who}: the cell [${row}, ${col}] is a wall; the reward must be on a free cell.`);
  return row * size + col;
}

function playMaze(settings: MazeSettings, rng: Rng, batchSize: number, who: string, rewardCell?: number): EnvironmentEpisodes {
  const maze = createMazeBatch(settings, rng.fork('maze'), batchSize, { rewardCell });
  const actionRng = rng.fork('actions');
  const steps = settings.episodeLength;
  const observation = new Float32Array(steps * batchSize * mazeObservationSize);
  const action = new Float32Array(steps * batchSize * mazeActionCount);
  const reward = new Float32Array(steps * batchSize);
  const policyRecord = new Float32Array(steps * batchSize * mazeActionCount);
  const chosen = new Int32Array(batchSize);
  // For task views: where each agent stood when it chose its action, and where its reward was.
  const agentCells = new Float32Array(steps * batchSize);
  const rewardCells = new Float32Array(steps * batchSize);
  const cellIndex = (cell: { row: number; col: number }) => cell.row * settings.labSize + cell.col;
  return {
    steps,
    observe: () => ({ observation: maze.observe() }),
    act({ policy }) {
      const t = maze.stepIndex;
      if (t >= steps) throw new Error(`${who}: the episode is over (${steps} steps).`);
      if (policy?.length !== batchSize * mazeActionCount) {
        throw new Error(`${who}: input "policy" has ${policy?.length} values at step ${t}, expected ${mazeActionCount} per batch element (${batchSize}).`);
      }
      observation.set(maze.observe(), t * batchSize * mazeObservationSize);
      for (let b = 0; b < batchSize; b++) {
        agentCells[t * batchSize + b] = cellIndex(maze.agentCell(b));
        rewardCells[t * batchSize + b] = cellIndex(maze.rewardCell(b));
      }
      policyRecord.set(policy, t * batchSize * mazeActionCount);
      for (let b = 0; b < batchSize; b++) {
        const probabilities = policy.subarray(b * mazeActionCount, (b + 1) * mazeActionCount);
        chosen[b] = sampleAction(probabilities, actionRng, () => `${who}: at step ${t}, batch element ${b}`);
        action[(t * batchSize + b) * mazeActionCount + chosen[b]] = 1;
      }
      reward.set(maze.step(chosen), t * batchSize);
    },
    record() {
      if (maze.stepIndex < steps) throw new Error(`${who}: the episode has run ${maze.stepIndex} of its ${steps} steps.`);
      const size = settings.labSize;
      const views = {
        walls: { shape: [size, size], values: Float32Array.from(maze.layout) },
        agentCell: { shape: [steps, batchSize], values: agentCells },
        rewardCell: { shape: [steps, batchSize], values: rewardCells },
      };
      return { steps, batchSize, outputs: { observation, action, reward }, delayedInputs: { policy: policyRecord }, views };
    },
  };
}

/** An index drawn with the given probabilities; refuses anything that is not a probability vector. */
export function sampleAction(probabilities: ArrayLike<number>, rng: Rng, where: () => string): number {
  let total = 0;
  for (let a = 0; a < probabilities.length; a++) {
    const p = probabilities[a];
    if (!(p >= 0) || !Number.isFinite(p)) total = NaN;
    else total += p;
  }
  if (!(Math.abs(total - 1) <= probabilityTolerance)) {
    const shown = Array.from(probabilities, (p) => Number(p.toPrecision(4))).join(', ');
    throw new Error(
      `${where()}: input "policy" must be probabilities (each ≥ 0, summing to 1), but it is [${shown}]; end the policy with a softmax (a Dense layer with activation "softmax").`,
    );
  }
  // The first action whose cumulative probability exceeds u: an action of probability 0 is never drawn.
  const u = rng.uniform() * total;
  let cumulative = 0;
  let last = 0;
  for (let a = 0; a < probabilities.length; a++) {
    if (probabilities[a] === 0) continue;
    cumulative += probabilities[a];
    last = a;
    if (u < cumulative) return a;
  }
  return last; // u fell past the sum by rounding
}
