// What a sweep's runs say together: per group (variant) the median and inter-quartile range over seeds of a
// metric, at each point of the training curve and of the held-out evaluations and at the end, and a two-sided
// Mann–Whitney U test between every two groups at each of those points (the paper plots medians with
// inter-quartile bands over runs and tests each point, Miconi, Clune & Stanley 2018, Fig. 6).
import { quantileSorted } from 'd3-array';
import { mannWhitneyU } from '../train/rank-sum.ts';
import type { EvaluationRecord } from '../train/evaluation.ts';
import type { MetricsRecord } from '../train/run-folder.ts';

export interface RunData {
  id: string;
  group: string;
  seed: number;
  batchSize: number;
  training: MetricsRecord[];
  evaluations: EvaluationRecord[];
}

/** Median and quartiles of the runs' values at one point; `values` keeps them, one per run, for the test. */
export interface Spread {
  median: number;
  q1: number;
  q3: number;
  values: number[];
}

export interface Comparison {
  a: string;
  b: string;
  u: number;
  p: number;
  method: 'exact' | 'normal approximation';
}

export interface AggregatePoint {
  /** Episodes trained at this point (steps × batch size): the paper's axis. */
  episodes: number;
  groups: Record<string, Spread>;
  comparisons: Comparison[];
}

export function spreadOf(values: number[]): Spread {
  const sorted = [...values].sort((x, y) => x - y);
  return { median: quantileSorted(sorted, 0.5)!, q1: quantileSorted(sorted, 0.25)!, q3: quantileSorted(sorted, 0.75)!, values };
}

/** Every pair of groups that has at least one value each, tested; with one value per group a test means nothing, so none is made. */
function compareGroups(groups: Record<string, Spread>, order: string[]): Comparison[] {
  const present = order.filter((g) => groups[g]);
  const comparisons: Comparison[] = [];
  for (let i = 0; i < present.length; i++) {
    for (let j = i + 1; j < present.length; j++) {
      const x = groups[present[i]].values;
      const y = groups[present[j]].values;
      if (x.length + y.length < 3) continue;
      comparisons.push({ a: present[i], b: present[j], ...mannWhitneyU(x, y) });
    }
  }
  return comparisons;
}

function point(episodes: number, byGroup: Map<string, number[]>, order: string[]): AggregatePoint {
  const groups: Record<string, Spread> = {};
  for (const [group, values] of byGroup) if (values.length > 0) groups[group] = spreadOf(values);
  return { episodes, groups, comparisons: compareGroups(groups, order) };
}

const groupOrder = (runs: RunData[]) => [...new Set(runs.map((r) => r.group))];

/** The value of a training record for a metric ("loss" included), or undefined if it has none. */
function valueOf(record: MetricsRecord, metric: string): number | undefined {
  const v = record[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * The training curve: episodes cut into `bins` equal spans shared by all runs; each run contributes its mean over
 * the span, and each group's spread is taken over its runs that reached the span.
 */
export function trainingCurve(runs: RunData[], metric: string, bins = 50): AggregatePoint[] {
  const order = groupOrder(runs);
  const longest = Math.max(0, ...runs.map((r) => (r.training.at(-1)?.episode ?? 0) * r.batchSize));
  if (longest === 0) return [];
  const width = Math.max(1, Math.ceil(longest / bins));
  const perRun = runs.map((run) => {
    const sums = new Float64Array(bins);
    const counts = new Uint32Array(bins);
    for (const record of run.training) {
      const v = valueOf(record, metric);
      if (v === undefined) continue;
      const bin = Math.min(bins - 1, Math.floor((record.episode * run.batchSize - 1) / width));
      sums[bin] += v;
      counts[bin]++;
    }
    return { run, sums, counts };
  });
  const points: AggregatePoint[] = [];
  for (let bin = 0; bin < bins; bin++) {
    const byGroup = new Map<string, number[]>();
    for (const { run, sums, counts } of perRun) {
      if (counts[bin] === 0) continue;
      byGroup.set(run.group, [...(byGroup.get(run.group) ?? []), sums[bin] / counts[bin]]);
    }
    if (byGroup.size > 0) points.push(point(Math.min(longest, (bin + 1) * width), byGroup, order));
  }
  return points;
}

/** A held-out evaluation's mean for a metric ("loss" included). */
export function heldOutValue(e: EvaluationRecord, metric: string): number | undefined {
  return metric === 'loss' ? e.loss.mean : e.metrics[metric]?.mean;
}

/** Held-out evaluations at the episodes where runs were evaluated (runs on the same schedule line up). */
export function heldOutCurve(runs: RunData[], metric: string): AggregatePoint[] {
  const order = groupOrder(runs);
  const at = new Map<number, Map<string, number[]>>();
  for (const run of runs) {
    for (const e of run.evaluations) {
      const v = heldOutValue(e, metric);
      if (v === undefined) continue;
      const episodes = e.episode * run.batchSize;
      const byGroup = at.get(episodes) ?? new Map<string, number[]>();
      byGroup.set(run.group, [...(byGroup.get(run.group) ?? []), v]);
      at.set(episodes, byGroup);
    }
  }
  return [...at.entries()].sort((a, b) => a[0] - b[0]).map(([episodes, byGroup]) => point(episodes, byGroup, order));
}

export interface FinalValues {
  /** What was measured: "final held-out <metric>" or "training <metric>, last 10%". */
  measure: string;
  metric: string;
  groups: Record<string, Spread>;
  comparisons: Comparison[];
}

/** One value per run at the end: its last held-out evaluation, and its training mean over the last 10% of steps. */
export function finalValues(runs: RunData[], metric: string): FinalValues[] {
  const order = groupOrder(runs);
  const collect = (value: (run: RunData) => number | undefined) => {
    const byGroup = new Map<string, number[]>();
    for (const run of runs) {
      const v = value(run);
      if (v !== undefined) byGroup.set(run.group, [...(byGroup.get(run.group) ?? []), v]);
    }
    return point(0, byGroup, order);
  };
  const heldOut = collect((run) => {
    const last = run.evaluations.at(-1);
    return last ? heldOutValue(last, metric) : undefined;
  });
  const tail = collect((run) => {
    const values = run.training.slice(Math.floor(run.training.length * 0.9)).map((r) => valueOf(r, metric)).filter((v) => v !== undefined);
    return values.length ? values.reduce((s, v) => s + v, 0) / values.length : undefined;
  });
  return [
    { measure: `final held-out ${metric}`, metric, groups: heldOut.groups, comparisons: heldOut.comparisons },
    { measure: `training ${metric}, last 10%`, metric, groups: tail.groups, comparisons: tail.comparisons },
  ].filter((f) => Object.keys(f.groups).length > 0);
}
