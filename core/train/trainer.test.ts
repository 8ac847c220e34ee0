// Training on fixed seeds: reproducible curves, resume, stop, and the paper's small-task result.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGraphDocument, type GraphDocument } from '../graph/document.ts';
import { exportBundle } from '../export/export-run.ts';
import { loadCheckpoint } from './checkpoint.ts';
import { readMetrics, readRunInfo } from './run-folder.ts';
import { trainGraph, trainingClock } from './trainer.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-train-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function template(name: string): GraphDocument {
  const parsed = parseGraphDocument(fs.readFileSync(path.join(repoRoot, 'templates', name), 'utf8'), name);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  return parsed.document;
}

const small = () => template('binary-patterns-50bit-plastic.plastic.json');
const losses = (dir: string) => readMetrics(dir).map((r) => r.loss);

describe('trainGraph', () => {
  it('gives the same curve for the same seed and a different one for another seed', async () => {
    const a = await trainGraph(small(), { outDir: path.join(work, 'a'), episodes: 5, seed: 3, backend: 'cpu' });
    const b = await trainGraph(small(), { outDir: path.join(work, 'b'), episodes: 5, seed: 3, backend: 'cpu' });
    const c = await trainGraph(small(), { outDir: path.join(work, 'c'), episodes: 5, seed: 4, backend: 'cpu' });
    expect(a.status).toBe('finished');
    expect(losses(a.runDir)).toHaveLength(5);
    expect(losses(b.runDir)).toEqual(losses(a.runDir));
    expect(losses(c.runDir)).not.toEqual(losses(a.runDir));
  });

  it('writes a run folder: graph, run.json, metrics and a checkpoint of every parameter', async () => {
    const dir = path.join(work, 'folder');
    await trainGraph(small(), { outDir: dir, episodes: 3, seed: 1, backend: 'cpu' });
    const info = readRunInfo(dir);
    expect(info).toMatchObject({ status: 'finished', seed: 1, episodes: 3, episodesDone: 3, backend: 'cpu' });
    expect(parseGraphDocument(fs.readFileSync(path.join(dir, 'graph.plastic.json'), 'utf8')).ok).toBe(true);
    const metrics = readMetrics(dir);
    expect(metrics.map((m) => m.episode)).toEqual([1, 2, 3]);
    expect(metrics[0].signError).toBeGreaterThan(0);
    const checkpoint = loadCheckpoint(path.join(dir, 'checkpoint'));
    expect(checkpoint.episode).toBe(3);
    expect(checkpoint.parameters.specs.map((s) => [s.name, s.shape])).toEqual([
      ['memory/w', [51, 51]],
      ['memory/alpha', [51, 51]],
      ['memory/eta', [1]],
    ]);
  });

  it('resumes from a checkpoint to exactly the curve of an uninterrupted run', async () => {
    const whole = path.join(work, 'whole');
    await trainGraph(small(), { outDir: whole, episodes: 8, seed: 2, backend: 'cpu' });
    const split = path.join(work, 'split');
    await trainGraph(small(), { outDir: split, episodes: 8, seed: 2, backend: 'cpu', checkpointEvery: 5, ...stopAfter(5) });
    expect(readRunInfo(split)).toMatchObject({ status: 'stopped', episodesDone: 5 });
    const resumed = await trainGraph(small(), { outDir: split, resume: true, backend: 'cpu' });
    expect(resumed).toMatchObject({ status: 'finished', episodesDone: 8 });
    expect(losses(split)).toEqual(losses(whole));
  });

  it('after a kill: run.json reads "failed", a live run cannot be resumed twice, and one killed before its first checkpoint starts over', async () => {
    const dir = path.join(work, 'killed');
    await trainGraph(small(), { outDir: dir, episodes: 3, seed: 5, backend: 'cpu', ...stopAfter(2) });
    // What a kill before the first checkpoint leaves: run.json says "running" for a process that is gone.
    fs.rmSync(path.join(dir, 'checkpoint'), { recursive: true });
    const info = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...info, status: 'running', process: { pid: gone, host: os.hostname() } }));
    expect(readRunInfo(dir)).toMatchObject({ status: 'failed', error: expect.stringMatching(/pid \d+\) ended without recording why/) });

    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...info, status: 'running', process: { pid: process.pid, host: os.hostname() } }));
    await expect(trainGraph(small(), { outDir: dir, resume: true, backend: 'cpu' })).rejects.toThrow(/is being trained by process \d+/);

    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...info, status: 'running', process: { pid: gone, host: os.hostname() } }));
    const notices: string[] = [];
    const resumed = await trainGraph(small(), { outDir: dir, resume: true, backend: 'cpu', onNotice: (m) => notices.push(m) });
    expect(notices.join()).toMatch(/stopped before its first checkpoint.*starts again from episode 0/);
    expect(resumed).toMatchObject({ status: 'finished', episodesDone: 3 });
    const whole = await trainGraph(small(), { outDir: path.join(work, 'unkilled'), episodes: 3, seed: 5, backend: 'cpu' });
    expect(losses(dir)).toEqual(losses(whole.runDir));
    expect(readRunInfo(dir).process).toBeUndefined();
  });

  it('starts from a trained model’s weights when the graph names one (fine-tuning), and refuses one that no longer fits', async () => {
    const trained = path.join(work, 'to-fine-tune');
    await trainGraph(small(), { outDir: trained, episodes: 4, seed: 6, backend: 'cpu' });
    const bundle = path.join(work, 'to-fine-tune-model');
    await exportBundle(trained, bundle);
    const doc = small();
    doc.training.initialWeights = { bundle };
    doc.training.optimizer.learningRate = 1e-30; // a step too small to move float32 weights: the checkpoint holds the starting ones
    const tuned = path.join(work, 'fine-tuned');
    await trainGraph(doc, { outDir: tuned, episodes: 1, seed: 9, backend: 'cpu' });
    const start = loadCheckpoint(path.join(tuned, 'checkpoint')).parameters.values;
    const model = loadCheckpoint(path.join(trained, 'checkpoint')).parameters.values;
    for (const name of ['memory/w', 'memory/alpha', 'memory/eta']) expect(Array.from(start.get(name)!)).toEqual(Array.from(model.get(name)!));

    const resized = small();
    resized.nodes.find((n) => n.id === 'memory')!.params.size = 52;
    Object.assign(resized.nodes.find((n) => n.id === 'patterns')!.params, { patternSize: 51, balanced: false });
    resized.nodes.find((n) => n.id === 'readout')!.params.size = 51;
    resized.training.initialWeights = { bundle };
    await expect(trainGraph(resized, { outDir: path.join(work, 'misfit'), episodes: 1, backend: 'cpu' })).rejects.toThrow(/"memory\/w" has 2601 values in the checkpoint or model training starts from, but the graph needs shape \[52, 52\]/);
  });

  it('ends as finished when the time budget is spent, counting the time of earlier sessions on resume', async () => {
    const budgeted = { ...small(), training: { ...small().training, minutes: 1e-9 } };
    const once = await trainGraph(budgeted, { outDir: path.join(work, 'budget-once'), episodes: 50, seed: 0, backend: 'cpu' });
    expect(once).toMatchObject({ status: 'finished', episodesDone: 1 });

    const dir = path.join(work, 'budget-resumed');
    const tenMinutes = { ...small(), training: { ...small().training, minutes: 10 } };
    await trainGraph(tenMinutes, { outDir: dir, episodes: 50, seed: 0, backend: 'cpu', checkpointEvery: 3, ...stopAfter(3) });
    expect(trainingClock(dir, 3)).toBeLessThan(600);
    // As if the first session's three steps had taken 400 s: 1,200 s of the 600 s budget are spent.
    const metricsFile = path.join(dir, 'metrics.jsonl');
    const slow = readMetrics(dir).map((m) => JSON.stringify({ ...m, seconds: 400 }));
    fs.writeFileSync(metricsFile, slow.join('\n') + '\n');
    expect(trainingClock(dir, 3)).toBe(1200);
    expect(trainingClock(dir, 2)).toBe(800);
    const resumed = await trainGraph(tenMinutes, { outDir: dir, resume: true, backend: 'cpu' });
    expect(resumed).toMatchObject({ status: 'finished', episodesDone: 3 });
  });

  it('stops after the current episode when asked and keeps a checkpoint', async () => {
    const dir = path.join(work, 'stopped');
    const result = await trainGraph(small(), { outDir: dir, episodes: 100, seed: 0, backend: 'cpu', ...stopAfter(4) });
    expect(result).toMatchObject({ status: 'stopped', episodesDone: 4 });
    expect(loadCheckpoint(path.join(dir, 'checkpoint')).episode).toBe(4);
  });

  it('pauses between episodes for as long as the host says', async () => {
    const seen: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const run = trainGraph(small(), {
      outDir: path.join(work, 'paused'),
      episodes: 3,
      backend: 'cpu',
      onProgress: (p) => seen.push(p.episode),
      between: () => (seen.length === 1 ? gate : Promise.resolve()),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toEqual([1]);
    release();
    await run;
    expect(seen).toEqual([1, 2, 3]);
  });
});

/** Options that stop a run after `episodes` episodes, as a user pressing Stop would. */
function stopAfter(episodes: number) {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    onProgress: (p: { episode: number }) => {
      if (p.episode === episodes) controller.abort();
    },
  };
}
