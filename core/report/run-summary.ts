// What a report says about one run, read from its folder: settings, wall time, the training curve
// (binned) and its held-out evaluations placed on the wall-clock axis.
import fs from 'node:fs';
import path from 'node:path';
import { readGraphFile } from '../cli/load-graph.ts';
import type { GraphDocument } from '../graph/document.ts';
import type { EvaluationRecord } from '../train/evaluation.ts';
import { readEvaluations, readMetrics, readRunInfo, runFiles, type RunInfo } from '../train/run-folder.ts';
import { meanInterval, type Interval } from '../train/statistics.ts';

export interface CurvePoint {
  /** Training steps (batches) done. */
  step: number;
  /** Minutes of training wall time (steps and evaluations) at that point. */
  minutes: number;
  value: number;
}

export interface EvaluationPoint extends EvaluationRecord {
  minutes: number;
}

export interface RunSummary {
  dir: string;
  info: RunInfo;
  graph: GraphDocument;
  steps: number;
  /** Episodes trained on: steps × batch size. */
  episodesSeen: number;
  /** Training steps plus evaluations, seconds (what the clock of a run measures, without start-up). */
  wallSeconds: number;
  /** Training loss, averaged over bins of consecutive steps. */
  loss: CurvePoint[];
  /** Each training metric (reward, accuracy, …) on the training episodes, averaged over bins of steps. */
  trainingMetrics: Record<string, CurvePoint[]>;
  /** Each training metric's mean over the last tenth of the steps, with its 95% interval over steps. */
  finalTenth: Record<string, Interval>;
  evaluations: EvaluationPoint[];
}

/** Averages consecutive values into at most `bins` points (a readable curve from 100,000 steps). */
function binned(records: { step: number; minutes: number; value: number }[], bins: number): CurvePoint[] {
  const size = Math.max(1, Math.ceil(records.length / bins));
  const points: CurvePoint[] = [];
  for (let start = 0; start < records.length; start += size) {
    const bin = records.slice(start, start + size);
    const last = bin[bin.length - 1];
    points.push({ step: last.step, minutes: last.minutes, value: bin.reduce((sum, r) => sum + r.value, 0) / bin.length });
  }
  return points;
}

export function summarizeRun(dir: string, bins = 400): RunSummary {
  if (!fs.existsSync(path.join(dir, runFiles.info))) throw new Error(`${dir} is not a run folder: ${runFiles.info} is missing.`);
  const info = readRunInfo(dir);
  const graph = readGraphFile(path.join(dir, runFiles.graph));
  const metrics = readMetrics(dir);
  const evaluations = readEvaluations(dir);
  // The clock: each step's own seconds, plus each evaluation's when it ran (after its step).
  const evaluationSecondsAt = new Map(evaluations.map((e) => [e.episode, e.seconds]));
  let seconds = 0;
  const minutesAt = new Map<number, number>();
  const losses: { step: number; minutes: number; value: number }[] = [];
  for (const m of metrics) {
    seconds += m.seconds + (evaluationSecondsAt.get(m.episode) ?? 0);
    minutesAt.set(m.episode, seconds / 60);
    if (m.loss !== null) losses.push({ step: m.episode, minutes: seconds / 60, value: m.loss });
  }
  const steps = metrics.length ? metrics[metrics.length - 1].episode : 0;
  const metricNames = [...new Set(metrics.flatMap((m) => Object.keys(m)))].filter((key) => !['episode', 'loss', 'seconds'].includes(key));
  const trainingMetrics: Record<string, CurvePoint[]> = {};
  const finalTenth: Record<string, Interval> = {};
  const lastTenth = metrics.slice(Math.floor(metrics.length * 0.9));
  const lossTail = lastTenth.map((m) => m.loss).filter((v): v is number => v !== null);
  if (lossTail.length > 0) finalTenth.loss = meanInterval(lossTail);
  for (const name of metricNames) {
    const values = metrics.filter((m) => typeof m[name] === 'number').map((m) => ({ step: m.episode, minutes: minutesAt.get(m.episode)!, value: m[name] as number }));
    trainingMetrics[name] = binned(values, bins);
    const tail = lastTenth.map((m) => m[name]).filter((v): v is number => typeof v === 'number');
    if (tail.length > 0) finalTenth[name] = meanInterval(tail);
  }
  return {
    dir,
    info,
    graph,
    steps,
    episodesSeen: steps * info.batchSize,
    wallSeconds: seconds,
    loss: binned(losses, bins),
    trainingMetrics,
    finalTenth,
    evaluations: evaluations.map((e) => ({ ...e, minutes: minutesAt.get(e.episode) ?? 0 })),
  };
}
