// Reference points for maze rewards: what agents that learn nothing score, so a trained network's reward can
// be read against them (the paper's maze, Miconi, Clune & Stanley 2018, §4.4, gives no such baseline).
//   random:        each step one of the four moves, uniformly (bumps into walls and pays for it);
//   wall-avoiding: uniformly among the moves that do not hit a wall (it sees its 3×3 neighbourhood).
// Neither remembers where the reward was, which is what a plastic network can learn to do.
import { createMazeBatch, mazeObservationSize, mazeObservationSlots, type MazeSettings } from './maze.ts';
import { createRng } from '../util/random.ts';

export type BaselineAgent = 'random' | 'wall-avoiding';

/** Indices of the up, down, left and right cells in the 3×3 neighbourhood (row-major from the top-left). */
const neighbourOfAction = [1, 7, 3, 5];

/** Each episode's total reward for `episodes` episodes of the agent, from a fixed seed. */
export function baselineRewards(settings: MazeSettings, agent: BaselineAgent, episodes: number, seed = 0): Float64Array {
  const rng = createRng(`maze-baseline/${agent}/${seed}`);
  const batch = createMazeBatch(settings, rng, episodes);
  const totals = new Float64Array(episodes);
  const actions = new Int32Array(episodes);
  batch.reset();
  while (!batch.done) {
    const observation = batch.observe();
    for (let b = 0; b < episodes; b++) {
      if (agent === 'random') {
        actions[b] = rng.int(4);
        continue;
      }
      const open = [0, 1, 2, 3].filter((a) => observation[b * mazeObservationSize + mazeObservationSlots.neighbourhood + neighbourOfAction[a]] === 0);
      actions[b] = open[rng.int(open.length)];
    }
    const rewards = batch.step(actions);
    for (let b = 0; b < episodes; b++) totals[b] += rewards[b];
  }
  return totals;
}
