// The training process: receives one run from the host, trains it with core/train, and reports progress.
// Runs as a Node child process (browser mode, tests) or an Electron utility process; both are handled.
import { pathToFileURL } from 'node:url';
import { graphDocumentFromJson } from '../../../core/graph/document.ts';
import type { MetricPoint, TrainingProgress } from '../../shared/channels.ts';
import { HostToWorker, type WorkerToHost } from './messages.ts';

/** Progress is sent at most this often; points in between are batched, none is dropped. */
const PROGRESS_INTERVAL_MS = 100;

interface HostChannel {
  post(message: WorkerToHost): void;
  onMessage(listener: (message: unknown) => void): void;
}

function connectToHost(): HostChannel {
  const electronPort = (process as unknown as { parentPort?: { postMessage(m: unknown): void; on(e: 'message', l: (e: { data: unknown }) => void): void } }).parentPort;
  if (electronPort) {
    return { post: (m) => electronPort.postMessage(m), onMessage: (l) => electronPort.on('message', (e) => l(e.data)) };
  }
  if (process.send) {
    return { post: (m) => process.send!(m), onMessage: (l) => process.on('message', l) };
  }
  throw new Error('The training process must be started by the app: it has no channel to its host.');
}

type TrainGraph = typeof import('../../../core/train/trainer.ts').trainGraph;

/** Tests replace the trainer with a fast fake through this variable. */
async function loadTrainer(): Promise<TrainGraph> {
  const override = process.env.PLASTICITY_TRAINER_MODULE;
  if (override) return (await import(pathToFileURL(override).href)).trainGraph as TrainGraph;
  return (await import('../../../core/train/trainer.ts')).trainGraph;
}

const host = connectToHost();
const abort = new AbortController();
let resumeGate: { promise: Promise<void>; open: () => void } | null = null;
let started = false;

function openGate(): void {
  resumeGate?.open();
  resumeGate = null;
}

host.onMessage((raw) => {
  const parsed = HostToWorker.safeParse(raw);
  if (!parsed.success) return;
  const message = parsed.data;
  switch (message.type) {
    case 'pause':
      if (!resumeGate) {
        let open!: () => void;
        const promise = new Promise<void>((resolve) => (open = resolve));
        resumeGate = { promise, open };
      }
      host.post({ type: 'paused' });
      return;
    case 'resume':
      openGate();
      host.post({ type: 'resumed' });
      return;
    case 'stop':
      abort.abort();
      openGate(); // a paused run must wake up to see the stop
      return;
    case 'start':
      if (started) return;
      started = true;
      void run(message);
      return;
  }
});

async function run(message: Extract<HostToWorker, { type: 'start' }>): Promise<void> {
  let pending: MetricPoint[] = [];
  let latest: TrainingProgress | null = null;
  let lastSent = 0;
  const flush = () => {
    if (!latest) return;
    host.post({ type: 'progress', points: pending, progress: latest });
    pending = [];
    lastSent = Date.now();
  };
  try {
    const parsed = graphDocumentFromJson(message.document, 'The graph');
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
    const trainGraph = await loadTrainer();
    const result = await trainGraph(parsed.document, {
      outDir: message.runDir,
      episodes: message.episodes,
      seed: message.seed,
      backend: message.backend,
      resume: message.resume,
      signal: abort.signal,
      between: () => resumeGate?.promise ?? Promise.resolve(),
      onProgress: (p) => {
        pending.push({ episode: p.episode, loss: Number.isFinite(p.loss) ? p.loss : null, metrics: p.metrics });
        latest = {
          episode: p.episode,
          episodes: p.episodes,
          loss: Number.isFinite(p.loss) ? p.loss : null,
          metrics: p.metrics,
          episodesPerSecond: p.episodesPerSecond,
          etaSeconds: Number.isFinite(p.etaSeconds) ? p.etaSeconds : null,
          elapsedSeconds: p.elapsedSeconds,
          backend: p.backend,
        };
        if (Date.now() - lastSent >= PROGRESS_INTERVAL_MS) flush();
      },
      onEvaluation: (evaluation) => {
        flush();
        host.post({ type: 'evaluation', evaluation });
      },
    });
    flush();
    host.post({ type: 'done', status: result.status, episodesDone: result.episodesDone, error: result.error });
  } catch (error) {
    flush();
    host.post({ type: 'done', status: 'failed', episodesDone: (latest as TrainingProgress | null)?.episode ?? 0, error: (error as Error).message });
  }
}
