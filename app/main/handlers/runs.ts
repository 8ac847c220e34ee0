// The run history: run folders (written by the app's training host or by the CLI) read back for the dashboard.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { EvaluationRecord } from '../../../core/train/evaluation.ts';
import { readEvaluations, readMetrics, runFiles, runInfoSchema, withCrashDetected, type MetricsRecord } from '../../../core/train/run-folder.ts';
import { expectedTarget, lossUnitOf, RUN_TAIL_POINTS, type MetricPoint, type RunSummary } from '../../shared/channels.ts';
import { readJsonIfPresent } from './atomic-write.ts';
import { UserError } from './user-error.ts';

/** metrics.jsonl keeps metrics beside `episode`, `loss` and `seconds`; the dashboard wants them grouped. */
export function toMetricPoint(record: MetricsRecord): MetricPoint {
  const metrics: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'episode' || key === 'loss' || key === 'seconds') continue;
    if (typeof value === 'number' || value === null) metrics[key] = value;
  }
  return { episode: record.episode, loss: record.loss, metrics };
}

/** A run folder's summary, or null when `dir` is not a run folder. */
export async function readRunSummary(dir: string): Promise<RunSummary | null> {
  const parsed = runInfoSchema.safeParse(await readJsonIfPresent(path.join(dir, runFiles.info)));
  if (!parsed.success) return null;
  const info = { data: withCrashDetected(parsed.data) };
  const graph = (await readJsonIfPresent(path.join(dir, runFiles.graph))) as { meta?: { name?: unknown; expected?: { metric?: unknown } } } | undefined;
  const points = readMetrics(dir);
  const metric = graph?.meta?.expected?.metric;
  const last = points.at(-1);
  return {
    runId: info.data.runId,
    dir,
    name: typeof graph?.meta?.name === 'string' ? graph.meta.name : path.basename(dir),
    status: info.data.status,
    episodes: info.data.episodes,
    episodesDone: info.data.episodesDone,
    backend: info.data.backend,
    seed: info.data.seed,
    startedAt: info.data.startedAt,
    finishedAt: info.data.finishedAt ?? null,
    lastLoss: last?.loss ?? null,
    error: info.data.error ?? null,
    live: false,
    progress: null,
    metric: typeof metric === 'string' ? metric : null,
    target: expectedTarget(graph?.meta),
    tail: points.slice(-RUN_TAIL_POINTS).map(toMetricPoint),
    evaluation: readEvaluations(dir).at(-1) ?? null,
    lossUnit: lossUnitOf(graph),
  };
}

/** The last points of a run folder's metrics (a live run's too: a torn last line is skipped). */
export function readRunTail(dir: string): MetricPoint[] {
  return readMetrics(dir).slice(-RUN_TAIL_POINTS).map(toMetricPoint);
}

/** Every run folder directly under `runsDir`, newest first. */
export async function listRunFolders(runsDir: string): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = await fs.readdir(runsDir);
  } catch {
    return [];
  }
  const runs = await Promise.all(names.map((name) => readRunSummary(path.join(runsDir, name))));
  return runs.filter((r): r is RunSummary => r !== null).sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
}

export async function readRunMetrics(dir: string): Promise<{ points: MetricPoint[]; metricNames: string[]; evaluations: EvaluationRecord[] }> {
  try {
    await fs.access(dir);
  } catch {
    throw new UserError(`The run folder ${dir} no longer exists.`);
  }
  const points = readMetrics(dir).map(toMetricPoint);
  const names = new Set<string>();
  for (const p of points) for (const key of Object.keys(p.metrics)) names.add(key);
  return { points, metricNames: [...names], evaluations: readEvaluations(dir) };
}
