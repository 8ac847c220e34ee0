// Loss head: squared error between prediction and target. The paper sums over the 1000 bits at the final
// step only (Miconi et al. 2018, §4.1); with a batch, episodes are averaged.
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import { defineNodeKind, type Shape, type ShapeResult } from './kind.ts';
import { formatShape, sameShape } from './shape-helpers.ts';

export const SquaredErrorLossParams = z.object({
  at: z
    .enum(['lastStep', 'everyStep'])
    .default('lastStep')
    .describe('Which steps count: only the episode’s last step (the paper), or every step.'),
  reduction: z
    .enum(['sum', 'mean'])
    .default('sum')
    .describe('Sum the squared errors over values (and steps), as the paper does, or average them.'),
});
export type SquaredErrorLossParams = z.infer<typeof SquaredErrorLossParams>;

/** Shared by heads that compare a prediction with a target of the same shape. */
export function inferPairShapes(inputs: Record<string, Shape>): ShapeResult {
  const { prediction, target } = inputs;
  if (prediction && target && !sameShape(prediction, target)) {
    const message = `input "prediction" has shape ${formatShape(prediction)} but input "target" has shape ${formatShape(target)}; they must match (a Slice node can cut the prediction down).`;
    return { ok: false, issues: [{ port: 'prediction', message }] };
  }
  return { ok: true, outputs: {} };
}

export const pairInputs = [
  { name: 'prediction', description: 'What the network produced.' },
  { name: 'target', description: 'What it should have produced; same shape as the prediction.' },
];

export const SquaredErrorLoss = defineNodeKind<SquaredErrorLossParams>({
  kind: 'SquaredErrorLoss',
  title: 'Squared error loss',
  category: 'loss',
  description: 'Training minimises the squared difference between prediction and target.',
  inputs: pairInputs,
  outputs: [],
  params: SquaredErrorLossParams,
  stateful: false,
  inferShapes: (_params, inputs) => inferPairShapes(inputs),
  countParameters: () => ({ trainable: 0, plastic: 0 }),
  build(params, { tf }) {
    return {
      role: 'loss',
      loss({ prediction, target }) {
        return tf.tidy(() => {
          const [steps, batch] = prediction.shape;
          const squared = tf.square(tf.sub(prediction, target)).reshape([steps, batch, -1]) as tfjs.Tensor3D;
          const width = squared.shape[2];
          const counted = params.at === 'lastStep' ? tf.slice(squared, [steps - 1, 0, 0], [1, batch, width]) : squared;
          // Reduce over steps and values per episode, then average the episodes of the batch.
          const perEpisode = params.reduction === 'sum' ? tf.sum(counted, [0, 2]) : tf.mean(counted, [0, 2]);
          return tf.mean(perEpisode) as tfjs.Scalar;
        });
      },
    };
  },
});
