// Smoothing of per-episode curves: each episode's loss is one sampled batch, so the raw curve is noisy.
// A trailing moving average over N episodes shows the trend; N = 1 is the raw curve.
import { RUN_TAIL_POINTS, type MetricPoint, type RunSummary } from '../../shared/channels.ts';

export const MAX_SMOOTHING = RUN_TAIL_POINTS;
/** Runs longer than this start smoothed (over AUTO_SMOOTHING episodes) until the user picks a value. */
export const AUTO_SMOOTHING_ABOVE = 100;
export const AUTO_SMOOTHING = 10;

export function automaticSmoothing(points: number): number {
  return points > AUTO_SMOOTHING_ABOVE ? AUTO_SMOOTHING : 1;
}

/**
 * The mean of the finite values among the last `window` entries up to each one (null where there are
 * none): the point at episode n looks only backwards, so a live curve's end does not move as it grows.
 */
export function movingAverage(values: readonly (number | null)[], window: number): (number | null)[] {
  const n = Math.max(1, Math.floor(window));
  if (n === 1) return values.slice();
  const out: (number | null)[] = new Array(values.length);
  let sum = 0;
  let count = 0;
  const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
  for (let i = 0; i < values.length; i++) {
    const entering = values[i];
    if (finite(entering)) {
      sum += entering;
      count++;
    }
    const leaving = i >= n ? values[i - n] : null;
    if (finite(leaving)) {
      sum -= leaving;
      count--;
    }
    out[i] = count ? sum / count : null;
  }
  return out;
}

export type PointValue = (p: MetricPoint) => number | null;

export function pickValue(metric: string): PointValue {
  return metric === 'loss' ? (p) => p.loss : (p) => p.metrics[metric] ?? null;
}

/** The mean of the last `window` finite values (the smoothed curve's end), or null. */
export function lastSmoothed(points: readonly MetricPoint[], value: PointValue, window: number): number | null {
  let sum = 0;
  let count = 0;
  for (let i = points.length - 1; i >= 0 && i >= points.length - window; i--) {
    const v = value(points[i]);
    if (v !== null && Number.isFinite(v)) {
      sum += v;
      count++;
    }
  }
  return count ? sum / count : null;
}

/** The metric a run is judged by: the graph's expected metric when it was recorded, else the first metric, else the loss. */
export function primaryMetric(run: Pick<RunSummary, 'metric'>, points: readonly MetricPoint[]): string {
  const last = points.at(-1);
  if (!last) return run.metric ?? 'loss';
  if (run.metric && run.metric in last.metrics) return run.metric;
  return Object.keys(last.metrics)[0] ?? 'loss';
}
