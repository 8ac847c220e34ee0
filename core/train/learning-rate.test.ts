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

  it('anneals over minutes of training time by the run’s clock, whatever the step', () => {
    const doc = withSchedule({ kind: 'cosine', overMinutes: 10, minLearningRate: 0.1 });
    expect(learningRateAt(doc, 1, 0)).toBeCloseTo(0.3);
    expect(learningRateAt(doc, 7, 300)).toBeCloseTo(0.2);
    expect(learningRateAt(doc, 70_000, 300)).toBeCloseTo(0.2);
    expect(learningRateAt(doc, 8, 600)).toBeCloseTo(0.1);
    expect(learningRateAt(doc, 9, 6000)).toBeCloseTo(0.1);
  });

  it('refuses a cosine schedule with no length or with both lengths, naming the fields', () => {
    for (const schedule of [{ kind: 'cosine' }, { kind: 'cosine', overEpisodes: 10, overMinutes: 5 }]) {
      const result = TrainingSettingsSchema.safeParse({ schedule });
      expect(result.success).toBe(false);
      expect(result.error!.issues[0].path).toEqual(['schedule', 'overEpisodes']);
      expect(result.error!.issues[0].message).toMatch(/overEpisodes.*overMinutes/);
    }
  });

  it('anneals to zero when no minimum is given', () => {
    const doc = withSchedule({ kind: 'cosine', overEpisodes: 4 });
    expect(learningRateAt(doc, 5)).toBe(0);
  });
});
