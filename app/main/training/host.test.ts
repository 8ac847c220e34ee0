import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraphDocument } from '../../../core/graph/document.ts';
import type { RunSummary } from '../../shared/channels.ts';
import { TrainingHost, type TrainerProcess } from './host.ts';
import type { HostToWorker, WorkerToHost } from './messages.ts';

/** A scripted training process: the test plays the worker's side. */
class FakeProcess implements TrainerProcess {
  received: HostToWorker[] = [];
  killed = false;
  private messageListeners: ((m: unknown) => void)[] = [];
  private exitListeners: ((d: string | null) => void)[] = [];
  send(message: HostToWorker) {
    this.received.push(message);
  }
  onMessage(listener: (m: unknown) => void) {
    this.messageListeners.push(listener);
  }
  onExit(listener: (d: string | null) => void) {
    this.exitListeners.push(listener);
  }
  kill() {
    this.killed = true;
  }
  reply(message: WorkerToHost | Record<string, unknown>) {
    for (const l of this.messageListeners) l(message);
  }
  die(description: string) {
    for (const l of this.exitListeners) l(description);
  }
}

const progress = (episode: number) => ({
  type: 'progress' as const,
  points: [{ episode, loss: 1 / episode, metrics: { signError: 0.1 } }],
  progress: { episode, episodes: 10, loss: 1 / episode, metrics: { signError: 0.1 }, episodesPerSecond: 2, etaSeconds: 5, elapsedSeconds: 1, backend: 'wasm' },
});

describe('TrainingHost', () => {
  let runsDir: string;
  let spawned: FakeProcess[];
  let snapshots: RunSummary[][];
  let host: TrainingHost;

  beforeEach(async () => {
    runsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'host-'));
    spawned = [];
    snapshots = [];
    host = new TrainingHost({
      runsDir,
      spawn: () => {
        const p = new FakeProcess();
        spawned.push(p);
        return p;
      },
      onRunsChanged: (runs) => snapshots.push(runs),
      now: () => new Date('2024-05-01T10:00:00Z'),
    });
  });
  afterEach(() => fs.rm(runsDir, { recursive: true, force: true }));

  it('queues runs and trains one at a time, each in its own folder', async () => {
    const doc = createGraphDocument('My Net');
    const first = await host.start({ document: doc, episodes: 10 });
    const second = await host.start({ document: doc, episodes: 10 });
    expect(first.runId).toBe('my-net-20240501-100000Z');
    expect(second.runId).toBe('my-net-20240501-100000Z-2');
    expect(spawned).toHaveLength(1);
    expect(spawned[0].received[0]).toMatchObject({ type: 'start', runDir: first.dir, episodes: 10 });
    expect(host.list().map((r) => r.status)).toEqual(['queued', 'running']);

    spawned[0].reply({ type: 'done', status: 'finished', episodesDone: 10 });
    expect(spawned[0].killed).toBe(true);
    expect(spawned).toHaveLength(2);
    expect(spawned[1].received[0]).toMatchObject({ type: 'start', runDir: second.dir });
    expect(host.list().map((r) => r.status)).toEqual(['running', 'finished']);
  });

  it('relays progress and forwards pause, resume and stop', async () => {
    const seen: number[] = [];
    const relay = new TrainingHost({ runsDir, spawn: () => (spawned.push(new FakeProcess()), spawned.at(-1)!), onProgress: (_id, _points, p) => seen.push(p.episode) });
    const { runId } = await relay.start({ document: createGraphDocument('x') });
    spawned[0].reply(progress(1));
    spawned[0].reply(progress(2));
    expect(seen).toEqual([1, 2]);
    expect(relay.list()[0]).toMatchObject({ episodesDone: 2, backend: 'wasm', lastLoss: 0.5 });

    relay.pause(runId);
    expect(relay.list()[0].status).toBe('paused');
    expect(() => relay.pause(runId)).toThrow(/not running/);
    relay.resume(runId);
    relay.stop(runId);
    expect(spawned[0].received.map((m) => m.type)).toEqual(['start', 'pause', 'resume', 'stop']);
    expect(relay.list()[0].status).toBe('stopping');
    spawned[0].reply({ type: 'done', status: 'stopped', episodesDone: 2 });
    expect(relay.list()[0]).toMatchObject({ status: 'stopped', episodesDone: 2 });
  });

  it('keeps a run’s latest held-out evaluation in its summary and tells the windows', async () => {
    await host.start({ document: createGraphDocument('x') });
    const interval = (mean: number) => ({ mean, low: mean - 0.01, high: mean + 0.01 });
    const evaluation = { episode: 5, split: 'test', episodes: 200, loss: interval(0.3), metrics: { accuracy: interval(0.9) } };
    const before = snapshots.length;
    spawned[0].reply({ type: 'evaluation', evaluation });
    expect(host.list()[0].evaluation).toEqual(evaluation);
    expect(snapshots.length).toBe(before + 1);
    expect(snapshots.at(-1)![0].evaluation).toEqual(evaluation);
  });

  it('drops a queued run that is stopped before it starts', async () => {
    await host.start({ document: createGraphDocument('a') });
    const queued = await host.start({ document: createGraphDocument('b') });
    host.stop(queued.runId);
    expect(host.list()[0]).toMatchObject({ runId: queued.runId, status: 'stopped' });
    spawned[0].reply({ type: 'done', status: 'finished', episodesDone: 1 });
    expect(spawned).toHaveLength(1);
  });

  it('reports a crashed training process as a failed run, marks its folder and moves on', async () => {
    const crashed = await host.start({ document: createGraphDocument('a') });
    await host.start({ document: createGraphDocument('b') });
    await fs.writeFile(path.join(crashed.dir, 'run.json'), JSON.stringify({ runId: crashed.runId, status: 'running' }));
    spawned[0].die('killed by SIGKILL');
    const run = host.list().find((r) => r.runId === crashed.runId)!;
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/stopped unexpectedly \(killed by SIGKILL\)/);
    expect(spawned).toHaveLength(2);
    await expect.poll(async () => JSON.parse(await fs.readFile(path.join(crashed.dir, 'run.json'), 'utf8')).status).toBe('failed');
  });

  it('ignores malformed messages from the training process', async () => {
    await host.start({ document: createGraphDocument('a') });
    spawned[0].reply({ type: 'progress', points: 'nonsense' });
    expect(host.list()[0].status).toBe('running');
  });

  it('reports a process that cannot be started', async () => {
    const failing = new TrainingHost({
      runsDir,
      spawn: () => {
        throw new Error('no such file');
      },
    });
    await failing.start({ document: createGraphDocument('a') });
    expect(failing.list()[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/no such file/) });
  });

  it('measures a graph\'s step time in a process of its own: the median after the first step, no run, nothing left on disk', async () => {
    const doc = { ...createGraphDocument('Timed'), training: { ...createGraphDocument('Timed').training, batchSize: 4, evaluation: { split: 'test', episodes: 9, everyEpisodes: 1, batchSize: 1 } } };
    const measuring = host.measureSpeed(doc, { steps: 4 });
    await expect.poll(() => spawned.length).toBe(1);
    const start = spawned[0].received[0] as Extract<HostToWorker, { type: 'start' }>;
    expect(start).toMatchObject({ type: 'start', episodes: 4 });
    expect((start.document as unknown as { training: Record<string, unknown> }).training.evaluation).toBeUndefined();
    // The worker's trainer writes one line per step; the first is the warm-up.
    const lines = [9, 0.3, 0.1, 0.2].map((seconds, i) => JSON.stringify({ episode: i + 1, loss: 1, seconds }));
    await fs.writeFile(path.join(start.runDir, 'metrics.jsonl'), lines.join('\n') + '\n');
    spawned[0].reply(progress(4));
    spawned[0].reply({ type: 'done', status: 'finished', episodesDone: 4 });
    expect(await measuring).toEqual({ secondsPerStep: 0.2, batchSize: 4, backend: 'wasm', stepsTimed: 3 });
    expect(spawned[0].killed).toBe(true);
    await expect(fs.access(start.runDir)).rejects.toThrow();
    expect(host.list()).toEqual([]);
  });

  it('says why a graph could not be measured', async () => {
    const measuring = host.measureSpeed(createGraphDocument('Broken'));
    await expect.poll(() => spawned.length).toBe(1);
    spawned[0].reply({ type: 'done', status: 'failed', episodesDone: 0, error: 'Node "x" (Dense layer): input is not connected' });
    await expect(measuring).rejects.toThrow(/Could not measure this graph's speed: Node "x" \(Dense layer\): input is not connected/);
  });
});
