// Metric: classification accuracy at the episode's last step: the fraction of episodes in the batch
// whose largest prediction is at the same index as the target's largest value (the paper's Omniglot
// criterion: a trial is correct when argmax(output) = the query's class, Miconi et al. 2018, §4.3).
import { z } from 'zod';
import { lastStep, readValues } from './episode-steps.ts';
import { defineNodeKind } from './kind.ts';
import { inferPairShapes, pairInputs } from './squared-error-loss.ts';

export const AccuracyMetricParams = z.object({});
export type AccuracyMetricParams = z.infer<typeof AccuracyMetricParams>;

export const AccuracyMetric = defineNodeKind<AccuracyMetricParams>({
  kind: 'AccuracyMetric',
  title: 'Accuracy',
  category: 'metric',
  description:
    'Reports the fraction of episodes whose largest output at the last step is the target class (1 = all correct). Ties go to the first index.',
  inputs: pairInputs,
  outputs: [],
  params: AccuracyMetricParams,
  stateful: false,
  inferShapes: (_params, inputs) => inferPairShapes(inputs),
  countParameters: () => ({ trainable: 0, plastic: 0 }),
  build(_params, { tf }) {
    return {
      role: 'metric',
      metricName: 'accuracy',
      proportion: true,
      measure({ prediction, target }) {
        return readValues(tf, () => tf.cast(tf.equal(tf.argMax(lastStep(tf, prediction), 1), tf.argMax(lastStep(tf, target), 1)), 'float32'));
      },
    };
  },
});
