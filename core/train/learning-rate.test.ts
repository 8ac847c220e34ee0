// The learning-rate schedules: StepLR as the paper's Omniglot script, and cosine annealing for fixed budgets.
import { describe, expect, it } from 'vitest';
import { createGraphDocument, TrainingSettingsSchema, type ScheduleSettings } from '../graph/document.ts';
import { learningRateAt } from './trainer.ts';

function withSchedule(schedule: unknown) {
  const doc = createGraphDocument();
  doc.training = TrainingSettingsSchema.parse({ optimizer: { kind: 'adam', learningRate: 0.3 }, schedule: schedule as ScheduleSettings });
  return doc;
}

describe('learningRateAt', () => {
  it('multiplies by gamma once every everyEpisodes episodes', () => {
    const doc = withSchedule({ kind: 'step', everyEpisodes: 10, gamma: 0.5 });
    expect(learningRateAt(doc, 1)).toBeCloseTo(0.3);
    expect(learningRateAt(doc, 10)).toBeCloseTo(0.3);
    expect(learningRateAt(doc, 11)).toBeCloseTo(0.15);
    expect(learningRateAt(doc, 31)).toBeCloseTo(0.0375);
  });

  it('anneals along half a cosine to the minimum and stays there', () => {
    const doc = withSchedule({ kind: 'cosine', overEpisodes: 100, minLearningRate: 0.1 });
    expect(learningRateAt(doc, 1)).toBeCloseTo(0.3);
    expect(learningRateAt(doc, 51)).toBeCloseTo(0.2); // halfway: the mean of the two ends
    expect(learningRateAt(doc, 26)).toBeCloseTo(0.1 + 0.2 * (1 + Math.SQRT1_2) / 2);
    expect(learningRateAt(doc, 101)).toBeCloseTo(0.1);
    expect(learningRateAt(doc, 5000)).toBeCloseTo(0.1);
    const rates = Array.from({ length: 100 }, (_, i) => learningRateAt(doc, i + 1));
    expect(rates.every((rate, i) => i === 0 || rate < rates[i - 1])).toBe(true);
  });

  it('anneals to zero when no minimum is given', () => {
    const doc = withSchedule({ kind: 'cosine', overEpisodes: 4 });
    expect(learningRateAt(doc, 5)).toBe(0);
  });
});
