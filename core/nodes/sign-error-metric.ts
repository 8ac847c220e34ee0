// Metric: the fraction of values whose sign is wrong at the episode's last step, over all values and all
// episodes of the batch: the paper's "error rate" for pattern completion (PAPER.md §2(a); chance ≈ 0.25).
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import { defineNodeKind } from './kind.ts';
import { inferPairShapes, pairInputs } from './squared-error-loss.ts';

export const SignErrorMetricParams = z.object({});
export type SignErrorMetricParams = z.infer<typeof SignErrorMetricParams>;

export const SignErrorMetric = defineNodeKind<SignErrorMetricParams>({
  kind: 'SignErrorMetric',
  title: 'Sign error rate',
  category: 'metric',
  description: 'Reports the fraction of values whose sign differs from the target’s at the last step (0 = perfect).',
  inputs: pairInputs,
  outputs: [],
  params: SignErrorMetricParams,
  stateful: false,
  inferShapes: (_params, inputs) => inferPairShapes(inputs),
  countParameters: () => ({ trainable: 0, plastic: 0 }),
  build(_params, { tf }) {
    return {
      role: 'metric',
      metricName: 'signError',
      measure({ prediction, target }) {
        const rate = tf.tidy(() => {
          const steps = prediction.shape[0];
          const last = (x: tfjs.Tensor) => tf.gather(x, [steps - 1], 0);
          // A prediction of exactly 0 has no sign, so it counts as wrong against a ±1 target.
          const wrong = tf.notEqual(tf.sign(last(prediction)), tf.sign(last(target)));
          return tf.mean(tf.cast(wrong, 'float32'));
        });
        const value = rate.dataSync()[0];
        rate.dispose();
        return value;
      },
    };
  },
});
