// Loss head: advantage actor-critic (A2C) as in the authors' maze code (Miconi et al. 2018, §4.4). Per episode of T steps,
// with the returns R_t = Σ_k γ^k r_{t+k} (to the end of the episode, no bootstrap):
//
//   loss = [ Σ_t −log π_t(a_t)·(R_t − V_t)      (policy gradient; the advantage is held constant)
//          + entropyCost · Σ_t Σ_a π_t(a)²       ("bentropy": penalises concentrated policies)
//          + valueCost · Σ_t (V_t − R_t)² ] / T  ("blossv": the value's regression)
//
// and the episodes of a batch are averaged. a_t is the action the environment sampled from π_t (one-hot).
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import { defineNodeKind, type NodeIssue } from './kind.ts';
import { flatWidth, formatShape } from './shape-helpers.ts';

export const A2CLossParams = z.object({
  gamma: z.number().min(0).max(1).default(0.9).describe('Discount of future rewards in the returns R_t (the paper: 0.9).'),
  entropyCost: z
    .number()
    .min(0)
    .max(100)
    .default(0.1)
    .describe('Weight of Σ π(a)², which discourages the policy from settling on one action too early (“bentropy”, 0.1).'),
  valueCost: z.number().min(0).max(100).default(0.03).describe('Weight of the value error (V_t − R_t)² (“blossv”, 0.03).'),
});
export type A2CLossParams = z.infer<typeof A2CLossParams>;

/** log π(a) is taken of at least this (float32's machine epsilon, as PyTorch clamps probabilities before a log). */
const smallestProbability = 1.1920929e-7;

export const A2CLoss = defineNodeKind<A2CLossParams>({
  kind: 'A2CLoss',
  title: 'Actor-critic loss (A2C)',
  category: 'loss',
  description:
    'Reinforcement learning: makes the actions that led to more reward than the value predicted more likely, and trains the value to predict the discounted reward (Miconi et al. 2018, §4.4).',
  inputs: [
    { name: 'policy', description: 'The action probabilities the agent acted on (a softmax).' },
    { name: 'value', description: 'The predicted discounted reward from this step on (one value).' },
    { name: 'action', description: 'The action taken, one-hot (from the environment).' },
    { name: 'reward', description: 'The reward the action earned (from the environment).' },
  ],
  outputs: [],
  params: A2CLossParams,
  stateful: false,
  inferShapes(_params, inputs) {
    const issues: NodeIssue[] = [];
    const { policy, action, value, reward } = inputs;
    if (policy && action && flatWidth(policy) !== flatWidth(action)) {
      issues.push({
        port: 'action',
        message: `input "action" has shape ${formatShape(action)} but "policy" has ${formatShape(policy)}; both need one value per action.`,
      });
    }
    for (const [port, shape] of [['value', value], ['reward', reward]] as const) {
      if (shape && flatWidth(shape) !== 1) {
        issues.push({ port, message: `input "${port}" has shape ${formatShape(shape)} but must be a single number per step (shape [1]).` });
      }
    }
    return issues.length > 0 ? { ok: false, issues } : { ok: true, outputs: {} };
  },
  countParameters: () => ({ trainable: 0, plastic: 0 }),
  build(params, { tf }) {
    // Gradient-free identity: the advantage (R − V) weighs the policy term but is not trained through it.
    const constant = tf.customGrad((x) => ({ value: tf.clone(x as tfjs.Tensor), gradFunc: (dy: tfjs.Tensor) => tf.zerosLike(dy) }));
    return {
      role: 'loss',
      loss({ policy, value, action, reward }) {
        return tf.tidy(() => {
          const [steps, batch] = policy.shape;
          const probabilities = policy.reshape([steps, batch, -1]);
          const taken = tf.sum(tf.mul(probabilities, action.reshape(probabilities.shape)), 2);
          const logTaken = tf.log(tf.maximum(taken, smallestProbability));
          const v = value.reshape([steps, batch]);
          const returns = tf.matMul(discountMatrix(tf, steps, params.gamma), reward.reshape([steps, batch]));
          const advantage = constant(tf.sub(returns, v));
          const perStep = tf.addN([
            tf.neg(tf.mul(logTaken, advantage)),
            tf.mul(params.entropyCost, tf.sum(tf.square(probabilities), 2)),
            tf.mul(params.valueCost, tf.square(tf.sub(v, returns))),
          ]);
          // Σ over steps / T per episode, then the batch's mean.
          return tf.mean(tf.div(tf.sum(perStep, 0), steps)) as tfjs.Scalar;
        });
      },
    };
  },
});

/** [T, T] with γ^(k−t) where k ≥ t, else 0: times rewards [T, B] it gives the returns R_t = Σ_{k≥t} γ^(k−t) r_k. */
function discountMatrix(tf: typeof tfjs, steps: number, gamma: number): tfjs.Tensor2D {
  const values = new Float32Array(steps * steps);
  for (let t = 0; t < steps; t++) {
    let weight = 1;
    for (let k = t; k < steps; k++) {
      values[t * steps + k] = weight;
      weight *= gamma;
    }
  }
  return tf.tensor2d(values, [steps, steps]);
}
