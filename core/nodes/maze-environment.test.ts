import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createMazeBatch } from '../episodes/maze.ts';
import { createRng } from '../util/random.ts';
import type { BuiltEnvironment, EnvironmentEpisodes } from './kind.ts';
import { MazeEnvironment, sampleAction } from './maze-environment.ts';
import { testBuildContext } from './testing/build-context.ts';

const defaults = MazeEnvironment.params.parse({});

function build(params: Record<string, unknown> = {}): BuiltEnvironment {
  const built = MazeEnvironment.build(MazeEnvironment.params.parse(params), testBuildContext(tf, { policy: [4] }, {}, 'maze'));
  expect(built.role).toBe('environment');
  return built as BuiltEnvironment;
}

/** Plays every step with policy(t, b) and returns what observe() showed at each step. */
function play(episodes: EnvironmentEpisodes, batch: number, policy: (t: number, b: number) => number[]): Float32Array[] {
  const seen: Float32Array[] = [];
  for (let t = 0; t < episodes.steps; t++) {
    seen.push(episodes.observe().observation);
    episodes.act({ policy: Float32Array.from(Array.from({ length: batch }, (_, b) => policy(t, b)).flat()) });
  }
  return seen;
}

describe('MazeEnvironment kind', () => {
  it('has the paper’s settings as defaults and a delayed policy input', () => {
    expect(defaults).toEqual({ labSize: 11, episodeLength: 250, wallPenalty: 0.1, rewardValue: 10 });
    expect(MazeEnvironment.delayedInputs).toEqual(['policy']);
    expect(MazeEnvironment.category).toBe('environment');
  });

  it('gives its output shapes and reports an even labSize or a policy of the wrong width', () => {
    expect(MazeEnvironment.inferShapes(defaults, { policy: [4] })).toEqual({ ok: true, outputs: { observation: [17], action: [4], reward: [1] } });
    const bad = MazeEnvironment.inferShapes({ ...defaults, labSize: 10 }, { policy: [5] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.issues.map((i) => i.param ?? i.port)).toEqual(['labSize', 'policy']);
      expect(bad.issues[1].message).toContain('4 actions (up, down, left, right)');
    }
  });
});

describe('sampleAction', () => {
  it('draws each action with its probability and never one of probability 0', () => {
    const rng = createRng('sample');
    const counts = [0, 0, 0, 0];
    const draws = 20_000;
    for (let i = 0; i < draws; i++) counts[sampleAction([0.1, 0, 0.3, 0.6], rng, () => 'test')]++;
    expect(counts[1]).toBe(0);
    [0.1, 0, 0.3, 0.6].forEach((p, a) => expect(Math.abs(counts[a] / draws - p)).toBeLessThan(0.015));
    for (let i = 0; i < 100; i++) expect(sampleAction([0, 0, 1, 0], rng, () => 'test')).toBe(2);
  });

  it('refuses values that are not probabilities, saying how to fix the graph', () => {
    const rng = createRng('refuse');
    for (const bad of [[0.5, 0.5, 0.5, 0.5], [1.2, -0.2, 0, 0], [NaN, 0, 0, 1], [0.1, 0.1, 0.1, 0.1]]) {
      expect(() => sampleAction(bad, rng, () => 'Maze "m": at step 3')).toThrow(/Maze "m": at step 3: input "policy" must be probabilities .* softmax/);
    }
  });
});

describe('MazeEnvironment episodes', () => {
  const batch = 3;
  const settings = { ...defaults, episodeLength: 60 };
  // A different fixed policy per batch element: the actions must follow it.
  const policies = [[0.25, 0.25, 0.25, 0.25], [0.7, 0.1, 0.1, 0.1], [0, 0, 0.5, 0.5]];

  it('records observations, one-hot actions and rewards that replaying the actions in the maze reproduces', () => {
    const episodes = build(settings).start(createRng('episode').fork('source/maze'), batch);
    expect(episodes.steps).toBe(60);
    const seen = play(episodes, batch, (_t, b) => policies[b]);
    const record = episodes.record();
    expect(record).toMatchObject({ steps: 60, batchSize: batch });
    const { observation, action, reward } = record.outputs;
    expect([observation.length, action.length, reward.length]).toEqual([60 * batch * 17, 60 * batch * 4, 60 * batch]);
    expect(record.delayedInputs!.policy).toEqual(Float32Array.from(Array.from({ length: 60 }, () => policies.flat()).flat()));

    // The same world (the environment's "maze" stream) driven by the recorded actions gives the recorded steps.
    const maze = createMazeBatch(settings, createRng('episode').fork('source/maze').fork('maze'), batch);
    const counts = [0, 0, 0, 0];
    for (let t = 0; t < 60; t++) {
      expect(observation.subarray(t * batch * 17, (t + 1) * batch * 17)).toEqual(maze.observe());
      expect(seen[t]).toEqual(maze.observe());
      const actions = Array.from({ length: batch }, (_, b) => {
        const oneHot = Array.from(action.subarray((t * batch + b) * 4, (t * batch + b + 1) * 4));
        expect(oneHot.reduce((x, y) => x + y)).toBe(1);
        expect(oneHot.every((v) => v === 0 || v === 1)).toBe(true);
        const a = oneHot.indexOf(1);
        expect(policies[b][a]).toBeGreaterThan(0);
        if (b === 1) counts[a]++;
        return a;
      });
      expect(reward.subarray(t * batch, (t + 1) * batch)).toEqual(maze.step(actions));
    }
    expect(counts[0]).toBeGreaterThan(30); // batch element 1 goes up 70% of the time
  });

  it('depends only on its random stream: the same seed gives the same episode, another seed another', () => {
    const record = (seed: string) => {
      const episodes = build(settings).start(createRng(seed), batch);
      play(episodes, batch, (_t, b) => policies[b]);
      return episodes.record().outputs;
    };
    expect(record('a')).toEqual(record('a'));
    expect(record('a').action).not.toEqual(record('b').action);
  });

  it('refuses to act past the end, or to give its record before it', () => {
    const episodes = build({ episodeLength: 2 }).start(createRng('short'), 1);
    episodes.act({ policy: Float32Array.of(1, 0, 0, 0) });
    expect(() => episodes.record()).toThrow('Maze "maze": the episode has run 1 of its 2 steps.');
    expect(() => episodes.act({ policy: Float32Array.of(1, 0) })).toThrow(/input "policy" has 2 values at step 1, expected 4 per batch element/);
    episodes.act({ policy: Float32Array.of(1, 0, 0, 0) });
    expect(() => episodes.act({ policy: Float32Array.of(1, 0, 0, 0) })).toThrow('Maze "maze": the episode is over (2 steps).');
    expect(episodes.record().outputs.action).toEqual(Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0));
  });
});
