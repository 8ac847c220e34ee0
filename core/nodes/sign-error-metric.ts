// Metric: the fraction of values whose sign is wrong at the episode's last step, over all values and all
// episodes of the batch: the paper's "error rate" for pattern completion (Miconi et al. 2018, §4.1; chance ≈ 0.25).
import { z } from 'zod';
import { lastStep, readValues } from './episode-steps.ts';
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
        return readValues(tf, () => {
          // A prediction of exactly 0 has no sign, so it counts as wrong against a ±1 target.
          const wrong = tf.notEqual(tf.sign(lastStep(tf, prediction)), tf.sign(lastStep(tf, target)));
          return tf.mean(tf.cast(wrong, 'float32'), 1);
        });
      },
    };
  },
});
