// Loss head: binary cross-entropy between predicted probabilities and a target, at the episode's last
// step: the paper's Omniglot loss, PyTorch's BCELoss(softmax_output, onehot_target) (Miconi et al. 2018, §4.3):
//   loss = mean over episodes of  mean over values of  −[ t·log p + (1 − t)·log(1 − p) ]
// p is clipped to [1e-7, 1 − 1e-7] first, so a saturated output gives a large finite loss instead of
// infinity (PyTorch instead floors each log at −100; the two agree for every p inside the clip range).
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import { lastStep } from './episode-steps.ts';
import { defineNodeKind } from './kind.ts';
import { inferPairShapes, pairInputs } from './squared-error-loss.ts';

/** Predictions are kept this far from 0 and 1 before taking logs. */
export const probabilityClip = 1e-7;

export const BinaryCrossEntropyLossParams = z.object({});
export type BinaryCrossEntropyLossParams = z.infer<typeof BinaryCrossEntropyLossParams>;

export const BinaryCrossEntropyLoss = defineNodeKind<BinaryCrossEntropyLossParams>({
  kind: 'BinaryCrossEntropyLoss',
  title: 'Binary cross-entropy loss',
  category: 'loss',
  description:
    'Training minimises −[t·log p + (1−t)·log(1−p)] at the last step, averaged over values and episodes. The prediction must be probabilities in [0, 1] (e.g. a softmax output); it is clipped to [1e-7, 1 − 1e-7] so the loss stays finite.',
  inputs: pairInputs,
  outputs: [],
  params: BinaryCrossEntropyLossParams,
  stateful: false,
  inferShapes: (_params, inputs) => inferPairShapes(inputs),
  countParameters: () => ({ trainable: 0, plastic: 0 }),
  build(_params, { tf }) {
    return {
      role: 'loss',
      loss({ prediction, target }) {
        return tf.tidy(() => {
          const p = tf.clipByValue(lastStep(tf, prediction), probabilityClip, 1 - probabilityClip);
          const t = lastStep(tf, target);
          const perValue = tf.neg(tf.add(tf.mul(t, tf.log(p)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, p)))));
          return tf.mean(perValue) as tfjs.Scalar;
        });
      },
    };
  },
});
