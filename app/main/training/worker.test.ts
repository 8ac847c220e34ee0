// The real training process (forked, TypeScript through tsx) with a fast fake trainer in place of core/train.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createGraphDocument } from '../../../core/graph/document.ts';
import type { MetricPoint, RunSummary } from '../../shared/channels.ts';
import { TrainingHost } from './host.ts';
import { nodeTrainerSpawner } from './node-process.ts';

const fakeTrainer = fileURLToPath(new URL('./test-fixtures/fake-trainer.ts', import.meta.url));
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

async function makeHost(env: Record<string, string>) {
  const runsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'worker-'));
  dirs.push(runsDir);
  const points: MetricPoint[] = [];
  const host = new TrainingHost({
    runsDir,
    spawn: nodeTrainerSpawner({ env: { PLASTICITY_TRAINER_MODULE: fakeTrainer, ...env } }),
    onProgress: (_id, batch) => points.push(...batch),
  });
  const status = (runId: string): RunSummary => host.list().find((r) => r.runId === runId)!;
  return { host, points, status };
}

describe('training process', () => {
  it('trains in a child process, streams every episode, pauses, resumes and stops with a checkpoint', async () => {
    const { host, points, status } = await makeHost({ FAKE_EPISODE_MS: '20' });
    const { runId, dir } = await host.start({ document: createGraphDocument('Proc'), episodes: 10_000 });
    await expect.poll(() => points.length, { timeout: 20_000 }).toBeGreaterThan(3);

    host.pause(runId);
    await new Promise((r) => setTimeout(r, 300)); // let an episode in flight finish
    const whilePaused = points.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(points.length).toBe(whilePaused);

    host.resume(runId);
    await expect.poll(() => points.length, { timeout: 10_000 }).toBeGreaterThan(whilePaused + 2);
    host.stop(runId);
    await expect.poll(() => status(runId).status, { timeout: 10_000 }).toBe('stopped');

    // Every episode reached the UI exactly once, in order, and matches the run folder.
    expect(points.map((p) => p.episode)).toEqual(points.map((_, i) => i + 1));
    const metricsLines = (await fs.readFile(path.join(dir, 'metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(metricsLines).toHaveLength(points.length);
    expect(JSON.parse(await fs.readFile(path.join(dir, 'checkpoint', 'model.json'), 'utf8')).episode).toBe(points.length);
    expect(status(runId).episodesDone).toBe(points.length);
  });

  it('stops a paused run', async () => {
    const { host, points, status } = await makeHost({ FAKE_EPISODE_MS: '20' });
    const { runId } = await host.start({ document: createGraphDocument('Paused'), episodes: 10_000 });
    await expect.poll(() => points.length, { timeout: 20_000 }).toBeGreaterThan(1);
    host.pause(runId);
    host.stop(runId);
    await expect.poll(() => status(runId).status, { timeout: 10_000 }).toBe('stopped');
  });

  it('reports a crash of the training process as a failed run', async () => {
    const { host, status } = await makeHost({ FAKE_EPISODE_MS: '5', FAKE_CRASH_AT_EPISODE: '3' });
    const { runId, dir } = await host.start({ document: createGraphDocument('Crash'), episodes: 100 });
    await expect.poll(() => status(runId).status, { timeout: 20_000 }).toBe('failed');
    expect(status(runId).error).toMatch(/exit code 3/);
    await expect.poll(async () => JSON.parse(await fs.readFile(path.join(dir, 'run.json'), 'utf8')).status).toBe('failed');
  });

  it('reports an invalid graph as a failed run with the reason', async () => {
    const { host, status } = await makeHost({});
    const { runId } = await host.start({ document: { format: 'plasticity-graph', version: 1, nodes: 'not a list' } });
    await expect.poll(() => status(runId).status, { timeout: 20_000 }).toBe('failed');
    expect(status(runId).error).toMatch(/nodes/);
  });
});
