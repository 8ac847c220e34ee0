import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { A2CLoss } from './a2c-loss.ts';
import type { BuiltLoss } from './kind.ts';
import { testBuildContext } from './testing/build-context.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const shapes = { policy: [2], value: [1], action: [2], reward: [1] };

function build(params: Record<string, unknown> = {}): BuiltLoss {
  const built = A2CLoss.build(A2CLoss.params.parse(params), testBuildContext(tf, shapes));
  expect(built.role).toBe('loss');
  return built as BuiltLoss;
}

// One episode of T = 3 steps with 2 actions, worked by hand.
//   rewards r = [1, 0, 2], γ = 0.9  →  returns R_2 = 2, R_1 = 0 + 0.9·2 = 1.8, R_0 = 1 + 0.9·1.8 = 2.62
//   values V = [1, 2, 0.5]          →  advantages R − V = [1.62, −0.2, 1.5]
//   policies [0.5, 0.5], [0.8, 0.2], [0.25, 0.75]; actions taken 0, 1, 1 → π(a_t) = 0.5, 0.2, 0.75
const episode = {
  policy: [[0.5, 0.5], [0.8, 0.2], [0.25, 0.75]],
  action: [[1, 0], [0, 1], [0, 1]],
  reward: [1, 0, 2],
  value: [1, 2, 0.5],
};
const returns = [2.62, 1.8, 2];
const advantages = [1.62, -0.2, 1.5];
const policyTerm = -(Math.log(0.5) * 1.62 + Math.log(0.2) * -0.2 + Math.log(0.75) * 1.5);
const entropyTerm = 0.1 * (0.5 ** 2 + 0.5 ** 2 + 0.8 ** 2 + 0.2 ** 2 + 0.25 ** 2 + 0.75 ** 2);
const valueTerm = 0.03 * ((1 - 2.62) ** 2 + (2 - 1.8) ** 2 + (0.5 - 2) ** 2);
const handLoss = (policyTerm + entropyTerm + valueTerm) / 3;

/** [T, B, ...] tensors from per-episode lists (B = the number of episodes given). */
function inputs(...episodes: (typeof episode)[]) {
  const stack = (pick: (e: typeof episode, t: number) => number[]) =>
    tf.tensor(episodes[0].reward.map((_, t) => episodes.map((e) => pick(e, t))));
  return {
    policy: stack((e, t) => e.policy[t]),
    action: stack((e, t) => e.action[t]),
    reward: stack((e, t) => [e.reward[t]]),
    value: stack((e, t) => [e.value[t]]),
  };
}

describe('A2CLoss', () => {
  it('computes the authors’ loss on a hand-worked episode (returns, advantage, Σπ², value error, ÷T)', () => {
    expect(handLoss).toBeCloseTo(0.520155, 5); // the arithmetic above, written out
    expect(build().loss(inputs(episode)).dataSync()[0]).toBeCloseTo(handLoss, 5);
  });

  it('averages the episodes of a batch', () => {
    // Episode 2: the same policies and actions, no reward at all, zero values: only the entropy term is left.
    const quiet = { ...episode, reward: [0, 0, 0], value: [0, 0, 0] };
    const loss = build().loss(inputs(episode, quiet)).dataSync()[0];
    expect(loss).toBeCloseTo((handLoss + entropyTerm / 3) / 2, 5);
  });

  it('uses gamma, entropyCost and valueCost', () => {
    // γ = 0: the returns are the rewards themselves.
    const advantage0 = [1 - 1, 0 - 2, 2 - 0.5];
    const expected =
      (-(Math.log(0.5) * advantage0[0] + Math.log(0.2) * advantage0[1] + Math.log(0.75) * advantage0[2]) +
        0.5 * (entropyTerm / 0.1) +
        2 * (0 ** 2 + 2 ** 2 + 1.5 ** 2)) /
      3;
    expect(build({ gamma: 0, entropyCost: 0.5, valueCost: 2 }).loss(inputs(episode)).dataSync()[0]).toBeCloseTo(expected, 5);
  });

  it('trains the value only through its error: the advantage in the policy term is held constant', () => {
    const loss = build();
    const given = inputs(episode);
    const grad = tf.grad((v: tf.Tensor) => loss.loss({ ...given, value: v }))(given.value);
    // d/dV_t of 0.03·(V_t − R_t)²/T; a gradient through the advantage would add log π(a_t)/T.
    const expected = episode.value.map((v, t) => (0.03 * 2 * (v - returns[t])) / 3);
    Array.from(grad.dataSync()).forEach((g, t) => expect(g).toBeCloseTo(expected[t], 6));
  });

  it('pushes up the probability of actions with a positive advantage (gradient with respect to the policy)', () => {
    const loss = build();
    const given = inputs(episode);
    const grad = tf.grad((p: tf.Tensor) => loss.loss({ ...given, policy: p }))(given.policy).arraySync() as number[][][];
    episode.policy.forEach((probabilities, t) => {
      probabilities.forEach((p, a) => {
        const taken = episode.action[t][a] === 1 ? -advantages[t] / p : 0;
        expect(grad[t][0][a]).toBeCloseTo((taken + 0.1 * 2 * p) / 3, 5);
      });
    });
  });

  it('reports mismatched shapes on the port at fault', () => {
    const wrong = A2CLoss.inferShapes(A2CLoss.params.parse({}), { policy: [4], action: [3], value: [2], reward: [1] });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) {
      expect(wrong.issues.map((i) => i.port)).toEqual(['action', 'value']);
      expect(wrong.issues[0].message).toContain('input "action" has shape [3] but "policy" has [4]');
    }
    expect(A2CLoss.inferShapes(A2CLoss.params.parse({}), { policy: [4], action: [4], value: [1], reward: [1] })).toEqual({ ok: true, outputs: {} });
  });

  it('has the paper’s settings as defaults', () => {
    expect(A2CLoss.params.parse({})).toEqual({ gamma: 0.9, entropyCost: 0.1, valueCost: 0.03 });
  });
});
