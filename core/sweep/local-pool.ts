// Runs a sweep's jobs on this machine: a pool of training processes, each the ordinary `plasticity train`
// (so a job's run folder is a normal, resumable run), as many at once as the machine has cores by default.
import { spawn } from 'node:child_process';
import os from 'node:os';
import readline from 'node:readline';
import { cliProcess } from '../cli/cli-process.ts';
import { readEvaluations, readMetrics } from '../train/run-folder.ts';
import { canResume, jobStatuses, type JobEntry, type JobStatus } from './sweep-folder.ts';


export interface JobProgress {
  episode: number;
  episodes: number;
  loss: number | null;
  metrics: Record<string, number>;
}

export interface PoolListener {
  onStart?(job: JobStatus, resumed: boolean): void;
  onProgress?(job: JobStatus, progress: JobProgress): void;
  onEnd?(job: JobStatus, outcome: JobOutcome): void;
}

export interface JobOutcome {
  state: 'finished' | 'stopped' | 'failed';
  error?: string;
}

export interface PoolOptions extends PoolListener {
  /** Trainings at once; default: the machine's cores. */
  concurrency?: number;
  /** Budget of each run in minutes of wall time (the sweep's `budget.minutes`). */
  minutes?: number;
  /** A job whose process dies is continued from its last checkpoint this many times before it counts as failed. */
  retries?: number;
  signal?: AbortSignal;
  /** Extra environment of the training processes (tests: a data folder). */
  env?: NodeJS.ProcessEnv;
  /** The script that runs `plasticity <arguments>` (default: bin/plasticity.js). */
  cli?: string;
}

export interface PoolResult {
  finished: number;
  failed: JobStatus[];
  stopped: number;
}

const machineCores = () => (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);

/** Minutes of training a run folder records (steps and evaluations), the clock a time budget counts. */
function minutesTrained(runDir: string): number {
  const seconds = readMetrics(runDir).reduce((sum, m) => sum + m.seconds, 0) + readEvaluations(runDir).reduce((sum, e) => sum + e.seconds, 0);
  return seconds / 60;
}

/** Trains one job in a child process; resolves when it ends. Aborting the signal stops it after its current episode. */
export function trainJob(
  job: JobStatus,
  options: { minutes?: number; signal?: AbortSignal; env?: NodeJS.ProcessEnv; cli?: string; onProgress?: (p: JobProgress) => void },
): Promise<JobOutcome> {
  const args = canResume(job) ? ['train', '--resume', job.runDir] : ['train', job.graphFile, '--out', job.runDir];
  args.push('--json');
  // A time budget covers the whole run: a resumed job gets what its earlier sessions left.
  const minutes = options.minutes === undefined ? undefined : options.minutes - (canResume(job) ? minutesTrained(job.runDir) : 0);
  if (minutes !== undefined) args.push('--minutes', String(Math.max(minutes, 0.01)));
  const command = cliProcess(args, { entry: options.cli, env: options.env });
  const child = spawn(command.file, command.args, { stdio: ['ignore', 'pipe', 'pipe'], env: command.env });
  const stopChild = () => child.kill('SIGINT'); // the trainer stops after this episode and keeps its checkpoint
  options.signal?.addEventListener('abort', stopChild, { once: true });
  let lastError = '';
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    if (line.trim() && !line.startsWith('episode ')) lastError = line.trim();
  });
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof record.episode !== 'number' || 'evaluation' in record) return;
    const { episode, episodes, loss, episodesPerSecond: _rate, ...metrics } = record;
    options.onProgress?.({ episode, episodes: Number(episodes), loss: typeof loss === 'number' ? loss : null, metrics: metrics as Record<string, number> });
  });
  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ state: 'failed', error: `could not start the training process: ${error.message}` }));
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', stopChild);
      if (code === 0) resolve({ state: 'finished' });
      else if (code === 130 || (signal === 'SIGINT' && options.signal?.aborted)) resolve({ state: 'stopped' });
      else resolve({ state: 'failed', error: lastError || (signal ? `the training process was killed by ${signal}` : `the training process ended with exit code ${code}`) });
    });
  });
}

/**
 * Runs every job of the sweep that has not finished: pending ones from the start, stopped or crashed ones from
 * their checkpoint. Finished runs are never trained again, so running a sweep twice continues it.
 */
export async function runSweepLocally(sweepDir: string, jobs: JobEntry[], options: PoolOptions = {}): Promise<PoolResult> {
  const concurrency = Math.max(1, options.concurrency ?? machineCores());
  // Each training gets its share of the cores for its kernels' threads, so the pool does not oversubscribe them.
  const threads = Math.max(1, Math.floor(machineCores() / concurrency));
  const env = { PLASTICITY_THREADS: String(threads), ...options.env };
  const queue = jobStatuses(sweepDir, jobs).filter((j) => j.state !== 'finished');
  const result: PoolResult = { finished: jobs.length - queue.length, failed: [], stopped: 0 };
  const retries = options.retries ?? 1;

  async function work(): Promise<void> {
    for (let job = queue.shift(); job && !options.signal?.aborted; job = queue.shift()) {
      let outcome: JobOutcome;
      let attempt = 0;
      do {
        // Re-read the run folder before each attempt: a crashed attempt left a checkpoint to resume from.
        const current = attempt === 0 ? job : jobStatuses(sweepDir, [job])[0];
        options.onStart?.(current, canResume(current));
        outcome = await trainJob(current, { minutes: options.minutes, signal: options.signal, env, cli: options.cli, onProgress: (p) => options.onProgress?.(current, p) });
        attempt++;
      } while (outcome.state === 'failed' && attempt <= retries && !options.signal?.aborted);
      const ended = jobStatuses(sweepDir, [job])[0];
      options.onEnd?.(ended, outcome);
      if (outcome.state === 'finished') result.finished++;
      else if (outcome.state === 'stopped') result.stopped++;
      else result.failed.push({ ...ended, error: outcome.error });
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, work));
  return result;
}
