// The run folder: everything a training run leaves behind, readable by the CLI, the app and other tools.
//
//   graph.plastic.json  the graph exactly as trained
//   run.json            what ran: id, status, seed, episodes, backend, versions (with the source commit), times, commands
//   metrics.jsonl       one JSON object per episode: { episode, loss, <metric>: value, …, seconds }
//   evaluation.jsonl    held-out evaluations, one JSON object each: { episode, split, episodes, loss, metrics, … } (evaluation.ts)
//   checkpoint/         parameters and optimizer state (see checkpoint.ts)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { InputError } from '../util/input-error.ts';
import type { EvaluationRecord } from './evaluation.ts';

export const runStatuses = ['running', 'paused', 'finished', 'stopped', 'failed'] as const;

export const runInfoSchema = z.looseObject({
  runId: z.string(),
  status: z.enum(runStatuses),
  seed: z.number(),
  episodes: z.number().int(),
  episodesDone: z.number().int(),
  batchSize: z.number().int(),
  /** Threads a batch was split over (batch-threads.ts) in the latest session; absent means one. */
  batchThreads: z.number().int().optional(),
  backend: z.string(),
  versions: z.record(z.string(), z.string()),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
  /** The command line of each session of the run (the first, then each resume), when started from the CLI. */
  commands: z.array(z.string()).optional(),
  /** The process training the run while its status is "running", so a reader can tell a crashed run from a live one. */
  process: z.object({ pid: z.number().int(), host: z.string() }).optional(),
});
export type RunInfo = z.infer<typeof runInfoSchema>;

export const metricsRecordSchema = z.looseObject({ episode: z.number().int(), loss: z.number().nullable(), seconds: z.number() });
export type MetricsRecord = z.infer<typeof metricsRecordSchema> & Record<string, number | null>;

export const runFiles = {
  graph: 'graph.plastic.json',
  info: 'run.json',
  metrics: 'metrics.jsonl',
  evaluation: 'evaluation.jsonl',
  checkpoint: 'checkpoint',
} as const;

export function writeRunInfo(runDir: string, info: RunInfo): void {
  writeFileAtomic(path.join(runDir, runFiles.info), JSON.stringify(info, null, 2) + '\n');
}

export function runningProcess(): { pid: number; host: string } {
  return { pid: process.pid, host: os.hostname() };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but someone else's
  }
}

/**
 * A process that was killed (or lost power) cannot record its end, so its run.json still says "running".
 * Read on the machine that trained it, such a run is reported as failed; resuming continues from its checkpoint.
 */
export function withCrashDetected(info: RunInfo): RunInfo {
  if (info.status !== 'running' || !info.process || info.process.host !== os.hostname() || isAlive(info.process.pid)) return info;
  const { process: ended, ...rest } = info;
  return { ...rest, status: 'failed', error: `The training process (pid ${ended.pid}) ended without recording why (killed or crashed); resume continues from the last checkpoint.` };
}

export function readRunInfo(runDir: string): RunInfo {
  const file = path.join(runDir, runFiles.info);
  if (!fs.existsSync(file)) throw new InputError(`${runDir} is not a run folder: ${runFiles.info} is missing.`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file} is damaged: it is not valid JSON (${(error as Error).message}).`);
  }
  const parsed = runInfoSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`${file} is damaged: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  return withCrashDetected(parsed.data);
}

const intervalSchema = z.looseObject({ mean: z.number(), low: z.number().nullable(), high: z.number().nullable(), count: z.number(), method: z.enum(['wilson', 't']) });
export const evaluationRecordSchema = z.looseObject({
  episode: z.number().int(),
  split: z.enum(['validation', 'test']),
  episodes: z.number().int(),
  seed: z.number(),
  loss: intervalSchema,
  metrics: z.record(z.string(), intervalSchema),
  seconds: z.number(),
});

/** Reads a JSON-lines file of the run folder, keeping the lines the schema accepts and skipping a torn last line (a crash mid-append). */
function readJsonLines<T>(runDir: string, name: string, schema: z.ZodType<T>): T[] {
  const file = path.join(runDir, name);
  if (!fs.existsSync(file)) return [];
  const records: T[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = schema.safeParse(JSON.parse(line));
      if (parsed.success) records.push(parsed.data);
    } catch {
      // a torn line from an interrupted write: skip it
    }
  }
  return records;
}

/** Keeps the lines of episodes up to `episode` (a resumed run continues from its checkpoint). */
function truncateJsonLines(runDir: string, name: string, records: { episode: number }[], episode: number): void {
  const kept = records.filter((r) => r.episode <= episode);
  writeFileAtomic(path.join(runDir, name), kept.map((r) => JSON.stringify(r) + '\n').join(''));
}

export function readMetrics(runDir: string): MetricsRecord[] {
  return readJsonLines(runDir, runFiles.metrics, metricsRecordSchema) as MetricsRecord[];
}

export function truncateMetrics(runDir: string, episode: number): void {
  truncateJsonLines(runDir, runFiles.metrics, readMetrics(runDir), episode);
}

export function appendMetrics(runDir: string, record: MetricsRecord): void {
  fs.appendFileSync(path.join(runDir, runFiles.metrics), JSON.stringify(record) + '\n');
}

/**
 * Records the end of a run whose process died without recording it (the app's host calls this when its
 * trainer exits abnormally): if run.json still says "running", it now says "failed", with the reason.
 * Works on whatever run.json holds, so even a run that died while writing its first record is marked.
 */
export function markRunFailed(runDir: string, error: string, finishedAt = new Date().toISOString()): boolean {
  const file = path.join(runDir, runFiles.info);
  let info: unknown;
  try {
    info = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
  if (!info || typeof info !== 'object' || (info as { status?: unknown }).status !== 'running') return false;
  const { process: _ended, ...rest } = info as Record<string, unknown>;
  writeFileAtomic(file, JSON.stringify({ ...rest, status: 'failed', error, finishedAt }, null, 2) + '\n');
  return true;
}

/** Held-out evaluations of the run, in order. */
export function readEvaluations(runDir: string): EvaluationRecord[] {
  return readJsonLines(runDir, runFiles.evaluation, evaluationRecordSchema) as EvaluationRecord[];
}

export function truncateEvaluations(runDir: string, episode: number): void {
  if (fs.existsSync(path.join(runDir, runFiles.evaluation))) truncateJsonLines(runDir, runFiles.evaluation, readEvaluations(runDir), episode);
}

export function appendEvaluation(runDir: string, record: EvaluationRecord): void {
  fs.appendFileSync(path.join(runDir, runFiles.evaluation), JSON.stringify(record) + '\n');
}

/** A default folder name for a new run: runs/<graph name>-<UTC timestamp>. */
export function defaultRunDir(graphName: string, now = new Date()): string {
  const slug = graphName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'graph';
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
  return path.join('runs', `${slug}-${stamp}`);
}
