// Metric: the total reward of each episode, averaged over the batch: the reinforcement-learning curve the paper
// plots (Miconi et al. 2018, §4.4, Fig. 6; the authors log every 10th episode's total).
import { z } from 'zod';
import { readValues } from './episode-steps.ts';
import { defineNodeKind } from './kind.ts';
import { flatWidth, formatShape } from './shape-helpers.ts';

export const EpisodeRewardMetricParams = z.object({});
export type EpisodeRewardMetricParams = z.infer<typeof EpisodeRewardMetricParams>;

export const EpisodeRewardMetric = defineNodeKind<EpisodeRewardMetricParams>({
  kind: 'EpisodeRewardMetric',
  title: 'Episode reward',
  category: 'metric',
  description: 'Reports the reward collected over each whole episode (mean over the batch); higher is better.',
  inputs: [{ name: 'reward', description: 'The reward of each step (from the environment).' }],
  outputs: [],
  params: EpisodeRewardMetricParams,
  stateful: false,
  inferShapes(_params, inputs) {
    if (inputs.reward && flatWidth(inputs.reward) !== 1) {
      const message = `input "reward" has shape ${formatShape(inputs.reward)} but must be a single number per step (shape [1]).`;
      return { ok: false, issues: [{ port: 'reward', message }] };
    }
    return { ok: true, outputs: {} };
  },
  countParameters: () => ({ trainable: 0, plastic: 0 }),
  build(_params, { tf }) {
    return {
      role: 'metric',
      metricName: 'reward',
      measure({ reward }) {
        // Summed over the steps of each episode.
        return readValues(tf, () => tf.sum(reward.reshape([reward.shape[0]!, reward.shape[1]!]), 0));
      },
    };
  },
});
