// The training host: a queue of runs, each trained in its own process (never on the main thread), one at a
// time because training is CPU-bound. Progress is relayed as it arrives; pause, resume and stop are
// messages to the process (stop ends after the current episode and keeps the checkpoint); a process that
// dies is reported as a failed run and the queue moves on.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectedTarget, lossUnitOf, type Backend, type GraphDocumentJson, type MetricPoint, type RunSummary, type SpeedMeasurement, type TrainingProgress } from '../../shared/channels.ts';
import { markRunFailed, readMetrics } from '../../../core/train/run-folder.ts';
import { UserError } from '../handlers/user-error.ts';
import { HostToWorker, WorkerToHost } from './messages.ts';

/** The part of a child process (Node's fork or Electron's utilityProcess) the host uses. */
export interface TrainerProcess {
  send(message: HostToWorker): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (description: string | null) => void): void;
  kill(): void;
}
export type SpawnTrainer = () => TrainerProcess;

export interface RunRequest {
  document: GraphDocumentJson;
  episodes?: number;
  seed?: number;
  backend?: Backend;
  /** Continue the run in this folder from its checkpoint, instead of starting a new run. */
  resume?: { runId: string; dir: string; episodesDone: number; episodes: number | null };
}

export interface TrainingHostOptions {
  runsDir: string;
  spawn: SpawnTrainer;
  onRunsChanged?: (runs: RunSummary[]) => void;
  onProgress?: (runId: string, points: MetricPoint[], progress: TrainingProgress) => void;
  now?: () => Date;
}

interface HostRun {
  summary: RunSummary;
  request: RunRequest;
  process: TrainerProcess | null;
  ended: boolean;
}

export class TrainingHost {
  private readonly runs: HostRun[] = [];
  private readonly options: TrainingHostOptions;

  constructor(options: TrainingHostOptions) {
    this.options = options;
  }

  /** Queues a run; it starts at once when nothing else is training. */
  async start(request: RunRequest): Promise<{ runId: string; dir: string }> {
    const meta = request.document.meta as { name?: unknown; expected?: { metric?: unknown } } | undefined;
    const name = typeof meta?.name === 'string' ? meta.name : 'graph';
    const metric = meta?.expected?.metric;
    if (request.resume && this.runs.some((r) => r.summary.runId === request.resume!.runId && !r.ended)) {
      throw new UserError(`The run ${request.resume.runId} is already training.`);
    }
    const { runId, dir } = request.resume ?? (await this.reserveRunFolder(name));
    const run: HostRun = {
      request,
      process: null,
      ended: false,
      summary: {
        runId,
        dir,
        name,
        status: 'queued',
        episodes: request.resume?.episodes ?? request.episodes ?? null,
        episodesDone: request.resume?.episodesDone ?? 0,
        backend: null,
        seed: request.seed ?? null,
        startedAt: null,
        finishedAt: null,
        lastLoss: null,
        error: null,
        live: true,
        progress: null,
        metric: typeof metric === 'string' ? metric : null,
        target: expectedTarget(meta),
        lossUnit: lossUnitOf(request.document),
      },
    };
    // A continued run replaces its ended entry, so the run history lists it once.
    const ended = this.runs.findIndex((r) => r.summary.runId === runId && r.ended);
    if (ended >= 0) this.runs.splice(ended, 1);
    this.runs.push(run);
    this.startNext();
    this.changed();
    return { runId, dir };
  }

  pause(runId: string): void {
    const run = this.find(runId);
    if (run.summary.status !== 'running') throw new UserError(`The run ${runId} is not running, so it cannot be paused.`);
    run.process?.send({ type: 'pause' });
    run.summary.status = 'paused';
    this.changed();
  }

  resume(runId: string): void {
    const run = this.find(runId);
    if (run.summary.status !== 'paused') throw new UserError(`The run ${runId} is not paused.`);
    run.process?.send({ type: 'resume' });
    run.summary.status = 'running';
    this.changed();
  }

  /** Stops after the current episode (the trainer writes its checkpoint); a queued run is simply dropped. */
  stop(runId: string): void {
    const run = this.find(runId);
    if (run.ended) return;
    if (run.summary.status === 'queued') {
      this.end(run, 'stopped', null);
      // A new run's reserved folder is empty; a continued run's folder holds its earlier training.
      if (!run.request.resume) void fs.rm(run.summary.dir, { recursive: true, force: true });
      return;
    }
    run.process?.send({ type: 'stop' });
    run.summary.status = 'stopping';
    this.changed();
  }

  /**
   * Times a few optimizer steps of a graph in a training process of its own, in a temporary folder that is
   * removed afterwards (no run history entry, no held-out evaluation). The first step (compilation, data
   * loading, warm-up) is left out; the answer is the median of the others.
   */
  async measureSpeed(document: GraphDocumentJson, options: { steps?: number; timeoutMs?: number } = {}): Promise<SpeedMeasurement> {
    const steps = options.steps ?? 4;
    const timeoutMs = options.timeoutMs ?? 120_000;
    const training = (document as { training?: Record<string, unknown> }).training ?? {};
    const { evaluation: _ignored, ...withoutEvaluation } = training;
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'plasticity-speed-'));
    let child: TrainerProcess | null = null;
    try {
      child = this.options.spawn();
      const trainer = child;
      const outcome = await new Promise<{ status: string; error?: string; backend?: string }>((resolve) => {
        let backend: string | undefined;
        const timer = setTimeout(() => {
          trainer.send({ type: 'stop' });
          resolve({ status: 'timeout' });
        }, timeoutMs);
        trainer.onMessage((raw) => {
          const parsed = WorkerToHost.safeParse(raw);
          if (!parsed.success) return;
          if (parsed.data.type === 'progress') backend = parsed.data.progress.backend;
          if (parsed.data.type === 'done') {
            clearTimeout(timer);
            resolve({ status: parsed.data.status, error: parsed.data.error, backend });
          }
        });
        trainer.onExit((why) => {
          clearTimeout(timer);
          resolve({ status: 'failed', error: why ?? 'the training process ended' });
        });
        trainer.send({ type: 'start', runDir: dir, document: { ...document, training: withoutEvaluation } as GraphDocumentJson, episodes: steps });
      });
      const seconds = readMetrics(dir).slice(1).map((m) => m.seconds).sort((a, b) => a - b);
      if (outcome.status === 'timeout' && seconds.length === 0) {
        throw new UserError(`Measuring took more than ${Math.round(timeoutMs / 1000)} s without finishing a second step: one step of this graph takes minutes here.`);
      }
      if (seconds.length === 0) throw new UserError(`Could not measure this graph's speed: ${outcome.error ?? outcome.status}.`);
      const batchSize = typeof withoutEvaluation.batchSize === 'number' ? withoutEvaluation.batchSize : 1;
      return { secondsPerStep: seconds[Math.floor(seconds.length / 2)], batchSize, backend: outcome.backend ?? 'unknown', stepsTimed: seconds.length };
    } finally {
      child?.kill();
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  list(): RunSummary[] {
    return this.runs.map((r) => structuredClone(r.summary)).reverse();
  }

  /**
   * The app is quitting: asks every run to stop (each writes its checkpoint), waits up to `timeoutMs`,
   * then kills what is left.
   */
  async shutdown(timeoutMs = 15_000): Promise<void> {
    for (const run of this.runs) {
      if (run.ended) continue;
      if (run.summary.status === 'queued') this.end(run, 'stopped', null);
      else this.stop(run.summary.runId);
    }
    const deadline = Date.now() + timeoutMs;
    while (this.runs.some((r) => !r.ended) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    this.dispose();
  }

  /** Kills every training process at once; their checkpoints are as of the last save. */
  dispose(): void {
    for (const run of this.runs) {
      if (!run.ended) {
        run.ended = true;
        run.process?.kill();
      }
    }
  }

  private find(runId: string): HostRun {
    const run = this.runs.find((r) => r.summary.runId === runId);
    if (!run) throw new UserError(`There is no active run ${runId}.`);
    return run;
  }

  private async reserveRunFolder(name: string): Promise<{ runId: string; dir: string }> {
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'graph';
    const stamp = (this.options.now?.() ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
    await fs.mkdir(this.options.runsDir, { recursive: true });
    for (let attempt = 1; ; attempt += 1) {
      const runId = attempt === 1 ? `${slug}-${stamp}` : `${slug}-${stamp}-${attempt}`;
      const dir = path.join(this.options.runsDir, runId);
      try {
        await fs.mkdir(dir); // fails if taken, so two runs started in the same second never share a folder
        return { runId, dir };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  }

  private startNext(): void {
    if (this.runs.some((r) => r.process && !r.ended)) return;
    const next = this.runs.find((r) => r.summary.status === 'queued' && !r.ended);
    if (!next) return;
    let child: TrainerProcess;
    try {
      child = this.options.spawn();
    } catch (error) {
      this.end(next, 'failed', `Could not start the training process: ${(error as Error).message}`);
      this.startNext();
      return;
    }
    next.process = child;
    next.summary.status = 'running';
    next.summary.startedAt = (this.options.now?.() ?? new Date()).toISOString();
    child.onMessage((raw) => this.handleMessage(next, raw));
    child.onExit((description) => {
      if (next.ended) return;
      const why = description ? ` (${description})` : '';
      this.end(next, 'failed', `The training process stopped unexpectedly${why}. The last checkpoint in the run folder is kept.`);
      this.markFolderFailed(next);
      this.startNext();
    });
    const { document, episodes, seed, backend, resume } = next.request;
    child.send({ type: 'start', runDir: next.summary.dir, document, episodes, seed, backend, ...(resume && { resume: true }) });
  }

  private handleMessage(run: HostRun, raw: unknown): void {
    const parsed = WorkerToHost.safeParse(raw);
    if (!parsed.success) {
      console.warn(`Ignored a malformed message from the training process of ${run.summary.runId}.`);
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'progress': {
        const p = message.progress;
        run.summary.progress = p;
        run.summary.episodes = p.episodes;
        run.summary.episodesDone = p.episode;
        run.summary.backend = p.backend;
        run.summary.lastLoss = p.loss;
        this.options.onProgress?.(run.summary.runId, message.points, p);
        return;
      }
      case 'evaluation':
        run.summary.evaluation = message.evaluation;
        this.changed();
        return;
      case 'paused':
      case 'resumed':
        return; // the status already changed when the request was sent
      case 'done':
        run.summary.episodesDone = message.episodesDone;
        this.end(run, message.status, message.error ?? null);
        run.process?.kill();
        this.startNext();
        return;
    }
  }

  private end(run: HostRun, status: RunSummary['status'], error: string | null): void {
    run.ended = true;
    run.summary.status = status;
    run.summary.error = error;
    run.summary.finishedAt = (this.options.now?.() ?? new Date()).toISOString();
    this.changed();
  }

  /** A dead process cannot record its own failure, so run.json would say "running" forever. */
  private markFolderFailed(run: HostRun): void {
    markRunFailed(run.summary.dir, run.summary.error ?? 'The training process ended unexpectedly.', run.summary.finishedAt ?? undefined);
  }

  private changed(): void {
    this.options.onRunsChanged?.(this.list());
  }
}
