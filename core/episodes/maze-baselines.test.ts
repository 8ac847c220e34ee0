// The reference points the maze templates and results quote ("a random agent scores about 0, a wall-avoiding
// random walk about 15") are measured here, on the paper's maze (labSize 11, 250 steps).
import { describe, expect, it } from 'vitest';
import { meanInterval } from '../train/statistics.ts';
import { baselineRewards } from './maze-baselines.ts';
import { defaultMazeSettings } from './maze.ts';

describe('maze baselines', () => {
  it('a random agent scores about 0 per episode, a wall-avoiding random walk about 15', () => {
    const random = meanInterval(baselineRewards(defaultMazeSettings, 'random', 2000));
    const walk = meanInterval(baselineRewards(defaultMazeSettings, 'wall-avoiding', 2000));
    // Measured (2,000 episodes each, seed 0): random 0.37 [−0.12, 0.86]; wall-avoiding 15.38 [14.76, 15.99].
    expect(Math.abs(random.mean)).toBeLessThan(3);
    expect(walk.mean).toBeGreaterThan(12);
    expect(walk.mean).toBeLessThan(18);
  });

  it('the wall-avoiding walk never pays the wall penalty', () => {
    const rewards = baselineRewards({ ...defaultMazeSettings, rewardValue: 0 }, 'wall-avoiding', 50);
    expect([...rewards].every((r) => r === 0)).toBe(true);
    expect([...baselineRewards({ ...defaultMazeSettings, rewardValue: 0 }, 'random', 50)].every((r) => r < 0)).toBe(true);
  });
});
