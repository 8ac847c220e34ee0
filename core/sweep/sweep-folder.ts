// The sweep folder: everything a sweep leaves behind, readable by `plasticity sweep status|report` and the app.
//
//   sweep.json            the sweep document as run
//   jobs.json             the expanded jobs: id, group, variant, seed, settings (not the graphs)
//   graphs/<job>.plastic.json   each job's graph, settings and seed applied
//   runs/<job>/           each job's ordinary run folder (resumable, reportable on its own)
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { serializeGraphDocument } from '../graph/index.ts';
import { readRunInfo, runFiles, type RunInfo } from '../train/run-folder.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { InputError } from '../util/input-error.ts';
import { SweepDocumentSchema, type SweepDocument, type SweepJob } from './sweep-document.ts';

export const sweepFiles = { sweep: 'sweep.json', jobs: 'jobs.json', graphs: 'graphs', runs: 'runs' } as const;

const JobEntrySchema = z.object({
  id: z.string(),
  group: z.string(),
  variant: z.string(),
  seed: z.number(),
  settings: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
});
export type JobEntry = z.infer<typeof JobEntrySchema>;

export type JobState = 'pending' | RunInfo['status'];

export interface JobStatus extends JobEntry {
  state: JobState;
  runDir: string;
  graphFile: string;
  episodesDone: number;
  episodes: number;
  error?: string;
}

export const jobRunDir = (sweepDir: string, id: string) => path.join(sweepDir, sweepFiles.runs, id);
export const jobGraphFile = (sweepDir: string, id: string) => path.join(sweepDir, sweepFiles.graphs, `${id}.plastic.json`);

/**
 * Writes the sweep and its jobs into `sweepDir`. A folder that already holds this sweep is reused (its runs are
 * continued); one whose jobs were made from different graphs or settings is refused, so no run is counted under
 * a setting it was not trained with.
 */
export function prepareSweepFolder(sweepDir: string, sweep: SweepDocument, jobs: SweepJob[]): void {
  fs.mkdirSync(path.join(sweepDir, sweepFiles.graphs), { recursive: true });
  fs.mkdirSync(path.join(sweepDir, sweepFiles.runs), { recursive: true });
  for (const job of jobs) {
    const file = jobGraphFile(sweepDir, job.id);
    const text = serializeGraphDocument(job.graph);
    const started = fs.existsSync(path.join(jobRunDir(sweepDir, job.id), runFiles.info));
    if (started && fs.existsSync(file) && fs.readFileSync(file, 'utf8') !== text) {
      throw new InputError(
        `${sweepDir} holds a run of job "${job.id}" made from a different graph or settings; give the changed sweep another --out folder (or delete ${jobRunDir(sweepDir, job.id)}).`,
      );
    }
    writeFileAtomic(file, text);
  }
  const entries: JobEntry[] = jobs.map(({ id, group, variant, seed, settings }) => ({ id, group, variant, seed, settings }));
  writeFileAtomic(path.join(sweepDir, sweepFiles.jobs), JSON.stringify(entries, null, 2) + '\n');
  writeFileAtomic(path.join(sweepDir, sweepFiles.sweep), JSON.stringify(sweep, null, 2) + '\n');
}

function readJson(file: string, what: string): unknown {
  if (!fs.existsSync(file)) throw new InputError(`${path.dirname(file)} is not a sweep folder: ${path.basename(file)} is missing (${what}).`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file} is damaged: it is not valid JSON (${(error as Error).message}).`);
  }
}

export function readSweepFolder(sweepDir: string): { sweep: SweepDocument; jobs: JobEntry[] } {
  const sweep = SweepDocumentSchema.safeParse(readJson(path.join(sweepDir, sweepFiles.sweep), 'the sweep document'));
  if (!sweep.success) throw new InputError(`${path.join(sweepDir, sweepFiles.sweep)} is damaged: ${sweep.error.issues[0].message}`);
  const jobs = z.array(JobEntrySchema).safeParse(readJson(path.join(sweepDir, sweepFiles.jobs), 'the list of jobs'));
  if (!jobs.success) throw new InputError(`${path.join(sweepDir, sweepFiles.jobs)} is damaged: ${jobs.error.issues[0].message}`);
  return { sweep: sweep.data, jobs: jobs.data };
}

/** Each job's state, read from its run folder (a run whose process died reads as failed: see withCrashDetected). */
export function jobStatuses(sweepDir: string, jobs: JobEntry[]): JobStatus[] {
  return jobs.map((job) => {
    const runDir = jobRunDir(sweepDir, job.id);
    const graphFile = jobGraphFile(sweepDir, job.id);
    if (!fs.existsSync(path.join(runDir, runFiles.info))) return { ...job, state: 'pending', runDir, graphFile, episodesDone: 0, episodes: 0 };
    const info = readRunInfo(runDir);
    return { ...job, state: info.status, runDir, graphFile, episodesDone: info.episodesDone, episodes: info.episodes, ...(info.error && { error: info.error }) };
  });
}

/** Whether a job's run can continue from a checkpoint rather than start over. */
export const canResume = (status: JobStatus) => status.state !== 'pending' && fs.existsSync(path.join(status.runDir, runFiles.checkpoint));
