import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EpisodeRewardMetric } from './episode-reward-metric.ts';
import type { BuiltMetric } from './kind.ts';
import { testBuildContext } from './testing/build-context.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('EpisodeRewardMetric', () => {
  it('reports each episode’s total reward as "reward"', () => {
    const built = EpisodeRewardMetric.build({}, testBuildContext(tf, { reward: [1] })) as BuiltMetric;
    expect(built).toMatchObject({ role: 'metric', metricName: 'reward' });
    // [T=4, B=2, 1]: episode 0 earns 10 − 0.1 − 0.1 + 0 = 9.8, episode 1 earns 0 + 10 + 10 − 0.1 = 19.9.
    const reward = tf.tensor3d([[[10], [0]], [[-0.1], [10]], [[-0.1], [10]], [[0], [-0.1]]]);
    const [first, second] = built.measure({ reward });
    expect(first).toBeCloseTo(9.8, 5);
    expect(second).toBeCloseTo(19.9, 5);
    expect(Array.from(built.measure({ reward: tf.slice(reward, [0, 1, 0], [4, 1, 1]) }))).toEqual([second]);
  });

  it('needs one reward per step', () => {
    const result = EpisodeRewardMetric.inferShapes({}, { reward: [4] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toMatchObject({ port: 'reward', message: expect.stringContaining('shape [4]') });
    expect(EpisodeRewardMetric.inferShapes({}, { reward: [1] }).ok).toBe(true);
  });
});
