import { describe, expect, it } from 'vitest';
import type { EvaluationRecord } from '../train/evaluation.ts';
import type { MetricsRecord } from '../train/run-folder.ts';
import { finalValues, heldOutCurve, spreadOf, trainingCurve, type RunData } from './aggregate.ts';

const interval = (mean: number) => ({ mean, low: mean - 1, high: mean + 1, count: 10, method: 't' as const });
const evaluation = (episode: number, reward: number): EvaluationRecord => ({ episode, split: 'test', episodes: 10, seed: 0, loss: interval(-reward), metrics: { reward: interval(reward) }, seconds: 1 });
/** A run whose training reward at step s is `level + s / 100`, evaluated every 50 steps at `level + step / 10`. */
function run(group: string, seed: number, level: number, steps = 100, batchSize = 1): RunData {
  const training: MetricsRecord[] = Array.from({ length: steps }, (_, i) => ({ episode: i + 1, loss: -level, reward: level + (i + 1) / 100, seconds: 0.1 }));
  const evaluations = [50, 100].filter((s) => s <= steps).map((s) => evaluation(s, level + s / 10));
  return { id: `${group}-${seed}`, group, seed, batchSize, training, evaluations };
}

describe('sweep aggregates', () => {
  it('quartiles interpolate linearly between ranks (numpy.percentile\'s default)', () => {
    // numpy.percentile([4, 1, 3, 2], [25, 50, 75]) = [1.75, 2.5, 3.25]; of [1, 2, 10]: [1.5, 2, 6].
    expect(spreadOf([4, 1, 3, 2])).toMatchObject({ q1: 1.75, median: 2.5, q3: 3.25 });
    expect(spreadOf([1, 2, 10])).toMatchObject({ q1: 1.5, median: 2, q3: 6 });
    expect(spreadOf([5])).toMatchObject({ q1: 5, median: 5, q3: 5 });
  });

  it('the training curve bins episodes the same way for every run and tests the groups at each bin', () => {
    const runs = [run('A', 1, 10), run('A', 2, 11), run('A', 3, 12), run('B', 1, 0), run('B', 2, 1), run('B', 3, 2)];
    const curve = trainingCurve(runs, 'reward', 4);
    expect(curve.map((p) => p.episodes)).toEqual([25, 50, 75, 100]);
    // Bin 1 holds steps 1–25: mean reward level + 0.13.
    expect(curve[0].groups.A.values).toEqual([10.13, 11.13, 12.13].map((v) => expect.closeTo(v, 10)));
    expect(curve[0].groups.A.median).toBeCloseTo(11.13, 10);
    expect(curve[0].groups.B).toMatchObject({ q1: expect.closeTo(0.63, 10), q3: expect.closeTo(1.63, 10) });
    // 3 against 3, completely separated: the exact two-sided p is 2/C(6,3) = 0.1, and U counts A's wins.
    expect(curve[3].comparisons).toEqual([{ a: 'A', b: 'B', u: 9, p: expect.closeTo(0.1, 12), method: 'exact' }]);
  });

  it('places runs of other batch sizes by episodes, and a shorter run only where it has values', () => {
    const curve = trainingCurve([run('A', 1, 0, 100, 1), run('B', 1, 0, 25, 4), run('C', 1, 0, 50, 1)], 'reward', 2);
    expect(curve.map((p) => p.episodes)).toEqual([50, 100]);
    expect(Object.keys(curve[0].groups).sort()).toEqual(['A', 'B', 'C']);
    expect(Object.keys(curve[1].groups).sort()).toEqual(['A', 'B']);
    // Batch 4: steps 1–12 are episodes 1–48; step 13 ends at episode 52, in the second span.
    expect(curve[0].groups.B.values[0]).toBeCloseTo(6.5 / 100, 10);
    expect(curve[1].groups.B.values[0]).toBeCloseTo(19 / 100, 10);
    // One value per group cannot be tested.
    expect(curve[0].comparisons).toEqual([]);
  });

  it('held-out points line up by episode; the final values are one per run', () => {
    const runs = [run('A', 1, 10), run('A', 2, 20), run('B', 1, 0), run('B', 2, 1, 50)];
    const curve = heldOutCurve(runs, 'reward');
    expect(curve.map((p) => p.episodes)).toEqual([50, 100]);
    expect(curve[0].groups.B.values).toEqual([5, 6]);
    expect(curve[1].groups.B.values).toEqual([10]);
    expect(heldOutCurve(runs, 'loss')[0].groups.A.median).toBe(-20);
    const [heldOut, tail] = finalValues(runs, 'reward');
    expect(heldOut.measure).toBe('final held-out reward');
    expect(heldOut.groups.A.values).toEqual([20, 30]);
    expect(heldOut.groups.B.values).toEqual([10, 6]);
    expect(heldOut.comparisons[0]).toMatchObject({ a: 'A', b: 'B', u: 4 });
    expect(tail.measure).toBe('training reward, last 10%');
    // Steps 91–100 of run A1: 10 + mean(0.91 … 1.00).
    expect(tail.groups.A.values[0]).toBeCloseTo(10.955, 10);
    expect(finalValues(runs, 'accuracy')).toEqual([]);
  });
});
