import { describe, expect, it } from 'vitest';
import { createRng } from '../util/random.ts';
import {
  type MazeBatch,
  createMazeBatch,
  defaultMazeSettings,
  mazeFreeCells,
  mazeLayout,
  mazeObservationSize,
  mazeObservationSlots,
} from './maze.ts';

const UP = 0;
const DOWN = 1;
const LEFT = 2;
const RIGHT = 3;

/** Shortest list of actions from `from` to `to` (cell indices) avoiding walls. */
function pathActions(layout: Uint8Array, size: number, from: number, to: number): number[] {
  const moves = [-size, size, -1, 1];
  const came = new Map<number, [number, number]>([[from, [-1, -1]]]);
  const queue = [from];
  while (queue.length) {
    const cell = queue.shift()!;
    if (cell === to) break;
    moves.forEach((d, action) => {
      const next = cell + d;
      if (!layout[next] && !came.has(next)) {
        came.set(next, [cell, action]);
        queue.push(next);
      }
    });
  }
  const actions: number[] = [];
  for (let cell = to; cell !== from; cell = came.get(cell)![0]) actions.unshift(came.get(cell)![1]);
  return actions;
}

function index(maze: MazeBatch, cell: { row: number; col: number }): number {
  return cell.row * maze.settings.labSize + cell.col;
}

describe('maze layout', () => {
  it('has 65 free cells for labSize 11 (9×9 interior, 16 pillars) and 41 for labSize 9 (centre pillar removed)', () => {
    const eleven = mazeLayout(11);
    expect(mazeFreeCells(eleven).length).toBe(65);
    expect(eleven.reduce((a, v) => a + v, 0)).toBe(121 - 65);
    const nine = mazeLayout(9);
    expect(mazeFreeCells(nine).length).toBe(41);
    expect(nine[4 * 9 + 4]).toBe(0); // centre of labSize 9 would be a pillar
    expect(nine[2 * 9 + 2]).toBe(1);
    expect(eleven[5 * 11 + 5]).toBe(0);
    expect(eleven[2 * 11 + 4]).toBe(1);
    expect(eleven[3 * 11 + 4]).toBe(0);
    for (let i = 0; i < 11; i++) {
      expect(eleven[i]).toBe(1);
      expect(eleven[10 * 11 + i]).toBe(1);
      expect(eleven[i * 11]).toBe(1);
      expect(eleven[i * 11 + 10]).toBe(1);
    }
  });
});

describe('maze batch', () => {
  it('starts every agent at the centre and observes the 17-d layout', () => {
    const maze = createMazeBatch(defaultMazeSettings, createRng(3), 4);
    const obs = maze.observe();
    expect(obs.length).toBe(4 * mazeObservationSize);
    for (let b = 0; b < 4; b++) {
      expect(maze.agentCell(b)).toEqual({ row: 5, col: 5 });
      const o = Array.from(obs.subarray(b * 17, b * 17 + 17));
      // (5,5): the four diagonal neighbours (4,4),(4,6),(6,4),(6,6) are pillars, the others free.
      expect(o.slice(0, 9)).toEqual([1, 0, 1, 0, 0, 0, 1, 0, 1]);
      expect(o.slice(9, 14)).toEqual([0, 0, 0, 0, 0]);
      expect(o[mazeObservationSlots.previousReward]).toBe(0);
      expect(o[mazeObservationSlots.stepIndex]).toBe(0);
      expect(o[mazeObservationSlots.bias]).toBe(1);
    }
  });

  it('charges −0.1 for a wall bump and leaves the agent in place', () => {
    // Find a seed whose reward is not in the centre column above the agent.
    const maze = createMazeBatch(defaultMazeSettings, createRng(11), 1);
    let reward = maze.rewardCell(0);
    let attempts = 0;
    while (reward.col === 5 && reward.row < 5 && attempts++ < 50) {
      maze.reset();
      reward = maze.rewardCell(0);
    }
    for (let k = 0; k < 4; k++) expect(maze.step([UP])[0]).toBe(0);
    expect(maze.agentCell(0)).toEqual({ row: 1, col: 5 });
    const obs = maze.observe();
    expect(Array.from(obs.subarray(0, 3))).toEqual([1, 1, 1]); // the outer wall above
    expect(maze.step([UP])[0]).toBeCloseTo(-0.1, 6);
    expect(maze.agentCell(0)).toEqual({ row: 1, col: 5 });
    const after = maze.observe();
    expect(after[mazeObservationSlots.previousReward]).toBeCloseTo(-0.1, 6);
    expect(after[mazeObservationSlots.stepIndex]).toBe(5);
    // A pillar: from (1,5) move left to (1,4), then down into (2,4).
    if (!(reward.row === 1 && reward.col === 4)) {
      expect(maze.step([LEFT])[0]).toBe(0);
      expect(maze.step([DOWN])[0]).toBeCloseTo(-0.1, 6);
      expect(maze.agentCell(0)).toEqual({ row: 1, col: 4 });
    }
  });

  it('gives +10 on the reward cell and teleports to another free cell, uniformly', () => {
    const batch = 200;
    const maze = createMazeBatch({ ...defaultMazeSettings, episodeLength: 1000 }, createRng(7), batch);
    const layout = maze.layout;
    const free = new Set(mazeFreeCells(layout));
    const landings = new Map<number, number>();
    let rewarded = 0;
    for (let b = 0; b < batch; b++) {
      const target = index(maze, maze.rewardCell(b));
      const start = index(maze, maze.agentCell(b));
      if (target === start) continue;
      const path = pathActions(layout, 11, start, target);
      // Drive only element b; the others bump into nothing: send them the same actions (their rewards are ignored).
      for (let k = 0; k < path.length; k++) {
        const actions = new Array(batch).fill(0).map((_, e) => (e === b ? path[k] : k % 2 === 0 ? UP : DOWN));
        const rewards = maze.step(actions);
        if (k < path.length - 1) expect(rewards[b]).toBe(0);
        else expect(rewards[b]).toBe(10);
      }
      const landed = index(maze, maze.agentCell(b));
      expect(free.has(landed)).toBe(true);
      expect(landed).not.toBe(target);
      expect(maze.observe()[b * 17 + mazeObservationSlots.previousReward]).toBe(10);
      landings.set(landed, (landings.get(landed) ?? 0) + 1);
      rewarded++;
      maze.reset();
    }
    expect(rewarded).toBeGreaterThan(190);
    // 64 possible landing cells for ~197 teleports: many distinct ones, none dominant.
    expect(landings.size).toBeGreaterThan(40);
    expect(Math.max(...landings.values())).toBeLessThan(15);
  });

  it('draws the reward cell uniformly among free cells', () => {
    const maze = createMazeBatch(defaultMazeSettings, createRng(1), 6500);
    const counts = new Map<number, number>();
    for (let b = 0; b < 6500; b++) {
      const cell = index(maze, maze.rewardCell(b));
      expect(maze.layout[cell]).toBe(0);
      counts.set(cell, (counts.get(cell) ?? 0) + 1);
    }
    expect(counts.size).toBe(65); // the centre can hold the reward too
    for (const count of counts.values()) expect(Math.abs(count - 100)).toBeLessThan(45);
  });

  it('ends after episodeLength steps, is reproducible per seed, and rejects bad actions', () => {
    const settings = { ...defaultMazeSettings, episodeLength: 5 };
    const run = (seed: number) => {
      const maze = createMazeBatch(settings, createRng(seed), 3);
      const rewards: number[] = [];
      const actionRng = createRng(seed + 100);
      while (!maze.done) rewards.push(...maze.step([actionRng.int(4), actionRng.int(4), actionRng.int(4)]));
      return { maze, rewards, cells: [0, 1, 2].map((b) => maze.rewardCell(b)) };
    };
    const a = run(4);
    const b = run(4);
    expect(a.rewards).toEqual(b.rewards);
    expect(a.cells).toEqual(b.cells);
    expect(a.maze.stepIndex).toBe(5);
    expect(() => a.maze.step([0, 0, 0])).toThrow(/episode is over/);
    a.maze.reset();
    expect(a.maze.stepIndex).toBe(0);
    expect(() => a.maze.step([0, 4, 0])).toThrow(/batch element 1/);
    expect(() => a.maze.step([0, 0])).toThrow(/3 actions/);
    expect(() => createMazeBatch({ ...settings, labSize: 10 }, createRng(1), 1)).toThrow(/labSize/);
  });
});
