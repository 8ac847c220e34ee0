// The run folder: everything a training run leaves behind, readable by the CLI, the app and other tools.
//
//   graph.plastic.json  the graph exactly as trained
//   run.json            what ran: id, status, seed, episodes, backend, versions, times
//   metrics.jsonl       one JSON object per episode: { episode, loss, <metric>: value, …, seconds }
//   checkpoint/         parameters and optimizer state (see checkpoint.ts)
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.ts';

export const runStatuses = ['running', 'paused', 'finished', 'stopped', 'failed'] as const;

export const runInfoSchema = z.looseObject({
  runId: z.string(),
  status: z.enum(runStatuses),
  seed: z.number(),
  episodes: z.number().int(),
  episodesDone: z.number().int(),
  batchSize: z.number().int(),
  backend: z.string(),
  versions: z.record(z.string(), z.string()),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
});
export type RunInfo = z.infer<typeof runInfoSchema>;

export const metricsRecordSchema = z.looseObject({ episode: z.number().int(), loss: z.number().nullable(), seconds: z.number() });
export type MetricsRecord = z.infer<typeof metricsRecordSchema> & Record<string, number | null>;

export const runFiles = {
  graph: 'graph.plastic.json',
  info: 'run.json',
  metrics: 'metrics.jsonl',
  checkpoint: 'checkpoint',
} as const;

export function writeRunInfo(runDir: string, info: RunInfo): void {
  writeFileAtomic(path.join(runDir, runFiles.info), JSON.stringify(info, null, 2) + '\n');
}

export function readRunInfo(runDir: string): RunInfo {
  const file = path.join(runDir, runFiles.info);
  if (!fs.existsSync(file)) throw new Error(`${runDir} is not a run folder: ${runFiles.info} is missing.`);
  const parsed = runInfoSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is damaged: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  return parsed.data;
}

/** Reads metrics.jsonl, ignoring a torn last line (a crash mid-append). */
export function readMetrics(runDir: string): MetricsRecord[] {
  const file = path.join(runDir, runFiles.metrics);
  if (!fs.existsSync(file)) return [];
  const records: MetricsRecord[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = metricsRecordSchema.safeParse(JSON.parse(line));
      if (parsed.success) records.push(parsed.data as MetricsRecord);
    } catch {
      // a torn line from an interrupted write: skip it
    }
  }
  return records;
}

/** Keeps the metrics of episodes up to `episode` (a resumed run continues from its checkpoint). */
export function truncateMetrics(runDir: string, episode: number): void {
  const kept = readMetrics(runDir).filter((r) => r.episode <= episode);
  writeFileAtomic(path.join(runDir, runFiles.metrics), kept.map((r) => JSON.stringify(r) + '\n').join(''));
}

export function appendMetrics(runDir: string, record: MetricsRecord): void {
  fs.appendFileSync(path.join(runDir, runFiles.metrics), JSON.stringify(record) + '\n');
}

/** A default folder name for a new run: runs/<graph name>-<UTC timestamp>. */
export function defaultRunDir(graphName: string, now = new Date()): string {
  const slug = graphName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'graph';
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
  return path.join('runs', `${slug}-${stamp}`);
}
