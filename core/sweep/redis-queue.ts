// Sweeps on many machines: a BullMQ queue on Redis. `plasticity sweep run --queue URL` puts the jobs in the
// queue and collects what comes back; `plasticity worker --queue URL` on any machine takes jobs one at a time and
// trains each as the local pool does. Workers share no disk with the sweep: a job carries its graph, and the run
// folder comes back through Redis as a zip, sent after every checkpoint and at the end. A worker that dies stops
// renewing its job's lock; BullMQ then hands the job to another worker, which resumes from the last snapshot.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { runFiles } from '../train/run-folder.ts';
import { InputError } from '../util/input-error.ts';
import { trainJob, type JobOutcome, type PoolListener, type PoolResult } from './local-pool.ts';
import type { QueueAddress } from './queue-url.ts';
import { restoreRunFolder, snapshotRunFolder } from './run-snapshot.ts';
import { canResume, jobStatuses, type JobEntry, type JobStatus } from './sweep-folder.ts';

const QUEUE_NAME = 'plasticity-sweep-jobs';
const snapshotKey = (queueJobId: string) => `plasticity:run-snapshot:${queueJobId}`;
const cancelKey = (queueJobId: string) => `plasticity:cancel:${queueJobId}`;
/** Snapshots outlive their job by this long, so a slow coordinator can still collect one. */
const SNAPSHOT_TTL_SECONDS = 7 * 24 * 3600;
/** How often a worker looks for a new checkpoint to send and for a cancel request. */
const WATCH_MS = 1000;
/** Progress is sent at most this often (every episode would flood Redis for fast tasks). */
const PROGRESS_MS = 500;
/** A running job's run folder is copied into the sweep folder at most this often. */
const COPY_PROGRESS_MS = 10_000;

interface JobData {
  /** The sweep's own job id (the run folder's name). */
  jobId: string;
  sweep: string;
  /** The job's graph file, as text. */
  graph: string;
  minutes?: number;
}

interface JobResult {
  state: JobOutcome['state'];
}

function client(address: QueueAddress, options: { probe?: boolean } = {}): Redis {
  const redis = new Redis(address.url, {
    // BullMQ's blocking connections need unlimited retries per request; a probe must fail fast instead.
    maxRetriesPerRequest: options.probe ? 0 : null,
    connectTimeout: 5000,
    lazyConnect: true,
    ...(options.probe && { retryStrategy: () => null }),
  });
  redis.on('error', () => {}); // reported where a request fails; ioredis reconnects on its own
  return redis;
}

/** Connects once to check the address, so an unreachable queue is one clear line rather than endless retries. */
export async function checkQueueReachable(address: QueueAddress): Promise<void> {
  const probe = client(address, { probe: true });
  let firstError: Error | undefined;
  probe.on('error', (error: Error) => (firstError ??= error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    // The socket's own error ("connect ECONNREFUSED …") says more than the client's "Connection is closed".
    const reason = (firstError ?? (error as Error)).message || 'no answer';
    throw new InputError(`Cannot reach the queue at ${address.shown}: ${reason.split(address.url).join(address.shown)}`);
  } finally {
    probe.disconnect();
  }
}

async function connect(address: QueueAddress): Promise<Redis> {
  await checkQueueReachable(address);
  const redis = client(address);
  await redis.connect();
  return redis;
}

const connectionFor = (address: QueueAddress) => client(address);

/** Jobs of different sweeps (and of the same sweep in different folders or machines) never share an id. */
function queueJobId(sweepDir: string, jobId: string): string {
  const where = createHash('sha256').update(`${os.hostname()}:${path.resolve(sweepDir)}`).digest('hex').slice(0, 12);
  return `${where}-${jobId}`;
}

export interface QueueRunOptions extends PoolListener {
  address: QueueAddress;
  /** Budget of each run in minutes (the sweep's `budget.minutes`). */
  minutes?: number;
  /** A job whose worker fails (not dies: that is retried anyway) is tried this many more times. */
  retries?: number;
  signal?: AbortSignal;
}

/**
 * Puts every unfinished job of the sweep in the queue and waits for all of them; each finished run's folder is
 * written into the sweep folder as it arrives. A job already in the queue (a second `sweep run` of the same
 * folder) is waited for, not added twice; one that finished while nobody was waiting is collected.
 */
export async function runSweepOnQueue(sweepDir: string, sweepName: string, jobs: JobEntry[], options: QueueRunOptions): Promise<PoolResult> {
  const redis = await connect(options.address);
  const connections = [connectionFor(options.address), connectionFor(options.address)];
  const queue = new Queue<JobData, JobResult>(QUEUE_NAME, { connection: connections[0] });
  const events = new QueueEvents(QUEUE_NAME, { connection: connections[1] });
  await events.waitUntilReady();
  const todo = jobStatuses(sweepDir, jobs).filter((j) => j.state !== 'finished');
  const result: PoolResult = { finished: jobs.length - todo.length, failed: [], stopped: 0 };
  const byQueueId = new Map(todo.map((j) => [queueJobId(sweepDir, j.id), j]));
  const pending = new Map<string, (outcome: JobOutcome) => void>();
  const done = [...byQueueId.keys()].map((id) => new Promise<JobOutcome>((resolve) => pending.set(id, resolve)));

  /** The job ended: its last snapshot becomes the sweep's run folder. */
  const collect = async (id: string, state: JobOutcome['state'] | 'failed', error?: string) => {
    const job = byQueueId.get(id);
    const resolve = pending.get(id);
    if (!job || !resolve) return;
    pending.delete(id);
    const snapshot = await redis.getBuffer(snapshotKey(id));
    if (snapshot) restoreRunFolder(snapshot, job.runDir);
    const ended = jobStatuses(sweepDir, [job])[0];
    const outcome: JobOutcome = { state, ...(error && { error }) };
    options.onEnd?.(ended, outcome);
    if (state === 'finished') result.finished++;
    else if (state === 'stopped') result.stopped++;
    else result.failed.push({ ...ended, error });
    resolve(outcome);
    if (state === 'finished') await redis.del(snapshotKey(id));
  };
  const parseResult = (value: unknown): JobResult => (typeof value === 'string' ? JSON.parse(value) : value) as JobResult;

  events.on('active', ({ jobId }) => {
    const job = byQueueId.get(jobId);
    if (job) options.onStart?.(job, canResume(job));
  });
  // While a job trains, its latest snapshot is copied into the sweep folder now and then, so `sweep status` and
  // `sweep report` show the runs' curves so far.
  const copiedAt = new Map<string, number>();
  events.on('progress', ({ jobId, data }) => {
    const job = byQueueId.get(jobId);
    if (!job || typeof data !== 'object') return;
    options.onProgress?.(job, data as never);
    if (Date.now() - (copiedAt.get(jobId) ?? 0) < COPY_PROGRESS_MS || !pending.has(jobId)) return;
    copiedAt.set(jobId, Date.now());
    void redis.getBuffer(snapshotKey(jobId)).then(
      (snapshot) => snapshot && pending.has(jobId) && restoreRunFolder(snapshot, job.runDir),
      () => {},
    );
  });
  events.on('completed', ({ jobId, returnvalue }) => void collect(jobId, parseResult(returnvalue).state));
  events.on('failed', async ({ jobId, failedReason }) => {
    // A failed attempt with attempts left goes back to the queue; only the last one ends the job.
    const state = await (await queue.getJob(jobId))?.getState();
    if (state === 'failed') await collect(jobId, 'failed', failedReason);
  });

  for (const [id, job] of byQueueId) {
    const existing = await queue.getJob(id);
    const state = await existing?.getState();
    if (existing && state === 'completed') {
      await collect(id, existing.returnvalue?.state ?? 'finished');
      continue;
    }
    if (existing && state !== 'failed') continue; // waiting or being trained: wait for it
    if (existing) await existing.remove();
    // A run started here before (locally, or collected from an earlier queue run) continues from its checkpoint.
    if (canResume(job)) await redis.set(snapshotKey(id), Buffer.from(snapshotRunFolder(job.runDir)), 'EX', SNAPSHOT_TTL_SECONDS);
    await redis.del(cancelKey(id));
    const data: JobData = { jobId: job.id, sweep: sweepName, graph: fs.readFileSync(job.graphFile, 'utf8'), ...(options.minutes !== undefined && { minutes: options.minutes }) };
    await queue.add('train', data, { jobId: id, attempts: 1 + (options.retries ?? 1), removeOnComplete: { age: SNAPSHOT_TTL_SECONDS }, removeOnFail: { age: SNAPSHOT_TTL_SECONDS } });
  }

  const onAbort = async () => {
    // Jobs not started leave the queue; jobs being trained stop after their episode and send their checkpoint.
    for (const id of pending.keys()) {
      const job = await queue.getJob(id);
      const state = await job?.getState();
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
        await job!.remove();
        await collect(id, 'stopped');
      } else await redis.set(cancelKey(id), '1', 'EX', SNAPSHOT_TTL_SECONDS);
    }
  };
  options.signal?.addEventListener('abort', () => void onAbort(), { once: true });
  try {
    await Promise.all(done);
  } finally {
    await Promise.allSettled([events.close(), queue.close()]);
    // BullMQ leaves connections it was given open.
    for (const connection of [redis, ...connections]) connection.disconnect();
  }
  return result;
}

export interface WorkerOptions {
  address: QueueAddress;
  signal?: AbortSignal;
  /** How long a job's lock lasts without renewal: a dead worker's job goes to another worker after about this long. */
  stalledSeconds?: number;
  log?: (line: string) => void;
  /** Extra environment of the training processes. */
  env?: NodeJS.ProcessEnv;
}

/** Takes jobs from the queue, one at a time, until the signal aborts. */
export async function runQueueWorker(options: WorkerOptions): Promise<void> {
  const log = options.log ?? ((line: string) => console.error(line));
  const redis = await connect(options.address);
  const stalledMs = (options.stalledSeconds ?? 30) * 1000;
  let current: AbortController | null = null;

  const trainQueuedJob = async (job: Job<JobData, JobResult>): Promise<JobResult> => {
    const id = job.id!;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-worker-'));
    const runDir = path.join(work, 'run');
    const graphFile = path.join(work, 'graph.plastic.json');
    fs.writeFileSync(graphFile, job.data.graph);
    const snapshot = await redis.getBuffer(snapshotKey(id));
    if (snapshot) restoreRunFolder(snapshot, runDir);
    const status: JobStatus = { id: job.data.jobId, group: '', variant: '', seed: 0, settings: {}, state: snapshot ? 'stopped' : 'pending', runDir, graphFile, episodesDone: 0, episodes: 0 };
    log(`${job.data.sweep} / ${job.data.jobId}: ${canResume(status) ? 'continuing from its last checkpoint' : 'started'}`);

    const controller = new AbortController();
    current = controller;
    // Each new checkpoint goes to Redis at once, so the job can resume elsewhere if this worker dies.
    let sentCheckpoint = 0;
    const sendSnapshot = async () => {
      const checkpoint = path.join(runDir, runFiles.checkpoint, 'model.json');
      const stamp = fs.existsSync(checkpoint) ? fs.statSync(checkpoint).mtimeMs : 0;
      if (stamp === 0 || stamp === sentCheckpoint) return;
      sentCheckpoint = stamp;
      await redis.set(snapshotKey(id), Buffer.from(snapshotRunFolder(runDir)), 'EX', SNAPSHOT_TTL_SECONDS);
    };
    const watch = setInterval(() => {
      void sendSnapshot().catch((error: Error) => log(`${job.data.jobId}: could not send a checkpoint: ${error.message}`));
      void redis.get(cancelKey(id)).then((cancel) => cancel && controller.abort(), () => {});
    }, WATCH_MS);
    let lastProgress = 0;
    try {
      const outcome = await trainJob(status, {
        minutes: job.data.minutes,
        signal: controller.signal,
        env: options.env,
        onProgress: (p) => {
          const now = Date.now();
          if (now - lastProgress < PROGRESS_MS && p.episode !== p.episodes) return;
          lastProgress = now;
          void job.updateProgress(p as never).catch(() => {});
        },
      });
      clearInterval(watch);
      // The run's end (its last evaluation and checkpoint, its finished status) is always sent.
      await redis.set(snapshotKey(id), Buffer.from(snapshotRunFolder(runDir)), 'EX', SNAPSHOT_TTL_SECONDS);
      log(`${job.data.sweep} / ${job.data.jobId}: ${outcome.state}${outcome.error ? `: ${outcome.error}` : ''}`);
      if (outcome.state === 'failed') throw new Error(outcome.error ?? 'training failed');
      if (outcome.state === 'stopped' && !(await redis.get(cancelKey(id)))) {
        // This worker is quitting, not the sweep: the job goes back to the queue and resumes elsewhere.
        throw new Error('the worker stopped; the job continues on another worker from its last checkpoint');
      }
      return { state: outcome.state };
    } finally {
      clearInterval(watch);
      current = null;
      fs.rmSync(work, { recursive: true, force: true });
    }
  };

  const workerConnection = connectionFor(options.address);
  const worker = new Worker<JobData, JobResult>(QUEUE_NAME, trainQueuedJob, {
    connection: workerConnection,
    concurrency: 1,
    lockDuration: stalledMs,
    stalledInterval: stalledMs,
    // A job whose workers keep dying (a machine that runs out of memory) fails after this many hand-overs.
    maxStalledCount: 5,
  });
  worker.on('error', (error) => log(`queue: ${error.message.replace(options.address.url, options.address.shown)}`));
  await worker.waitUntilReady();
  log(`Waiting for jobs at ${options.address.shown} (Ctrl-C to stop).`);
  await new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener(
      'abort',
      () => {
        current?.abort(); // the training stops after its episode, its checkpoint is sent, the job is handed on
        resolve();
      },
      { once: true },
    );
  });
  await worker.close();
  redis.disconnect();
  workerConnection.disconnect();
}
