// `plasticity sweep` as a user runs it: real training processes, real run folders, a crash in the middle.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliIn, plasticityCli } from '../cli/testing/run-cli.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { readMetrics, readRunInfo } from '../train/run-folder.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-sweep-run-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL'); // a sweep a failed test left waiting
  fs.rmSync(work, { recursive: true, force: true });
});

const plasticity = cliIn(work);

function sweepFile(name: string, patch: object): string {
  const file = path.join(work, `${name}.sweep.json`);
  const graph = path.join(repoRoot, 'templates/binary-patterns-50bit-plastic.plastic.json');
  fs.writeFileSync(file, JSON.stringify({ format: 'plasticity-sweep', version: 1, name, variants: [{ graph, name: 'plastic' }], seeds: [1], ...patch }, null, 2));
  return file;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('plasticity sweep', () => {
  it('runs every job with the local pool, reports medians, quartiles and rank-sum tests, and continues rather than repeats', { timeout: 180_000 }, async () => {
    const file = sweepFile('grid', { seeds: [1, 2], parameters: { 'training.optimizer.learningRate': [0.003, 0.0003] }, budget: { episodes: 30 } });
    const out = path.join(work, 'grid-out');
    const first = await plasticity('sweep', 'run', file, '--out', out, '--jobs', '2');
    expect(first.stderr).toMatch(/1 variant × 2 settings × 2 seeds = 4 jobs, 4 to train/);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/4 of 4 jobs finished/);

    const report = JSON.parse(fs.readFileSync(path.join(out, 'report', 'report.json'), 'utf8'));
    expect(report.groups).toEqual(['plastic (learningRate=0.003)', 'plastic (learningRate=0.0003)']);
    const tail = report.final.find((f: { measure: string }) => f.measure === 'training signError, last 10%');
    // Each group's median is the middle of its two runs' own last-10% means, read back from their folders.
    const lastTenth = (id: string) => {
      const records = readMetrics(path.join(out, 'runs', id)).slice(27);
      return records.reduce((s, r) => s + (r.signError as number), 0) / records.length;
    };
    expect(tail.groups['plastic (learningRate=0.003)'].median).toBeCloseTo((lastTenth('plastic-learningrate0.003-seed1') + lastTenth('plastic-learningrate0.003-seed2')) / 2, 10);
    expect(tail.comparisons).toHaveLength(1);
    expect(tail.comparisons[0].p).toBeGreaterThan(0);
    expect(tail.comparisons[0].p).toBeLessThanOrEqual(1);
    const markdown = fs.readFileSync(path.join(out, 'report', 'report.md'), 'utf8');
    expect(markdown).toMatch(/\| training signError, last 10% \| .* \| plastic \(learningRate=0\.003\) vs plastic \(learningRate=0\.0003\) \| \d+(\.5)? \| [\d.]+ \(exact\) \|/);
    for (const chart of ['training-signError.svg', 'heldout-signError.svg', 'p-values.svg']) expect(fs.readFileSync(path.join(out, 'report', chart), 'utf8')).toMatch(/^<svg/);

    const status = await plasticity('sweep', 'status', out);
    expect(status.stdout.match(/ finished /g)).toHaveLength(4);
    const metricsFile = path.join(out, 'runs', 'plastic-learningrate0.003-seed1', 'metrics.jsonl');
    const before = fs.statSync(metricsFile).mtimeMs;
    const again = await plasticity('sweep', 'run', file, '--out', out);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/4 jobs, 0 to train/);
    expect(fs.statSync(metricsFile).mtimeMs).toBe(before);
  });

  it('a training process killed in the middle of a job is continued from its checkpoint: every episode counted once, the same numbers as a run never killed', { timeout: 180_000 }, async () => {
    const budget = { episodes: 600 };
    const file = sweepFile('crash', { budget });
    const out = path.join(work, 'crash-out');
    const runDir = path.join(out, 'runs', 'plastic-seed1');
    const sweep = spawn(process.execPath, [plasticityCli, 'sweep', 'run', file, '--out', out], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(sweep);
    let stderr = '';
    sweep.stderr.on('data', (chunk) => (stderr += chunk));
    const ended = new Promise<number | null>((resolve) => sweep.on('close', resolve));
    // Wait for the first checkpoint (read only: checkpointExists would tidy the live writer's files), then kill the training process (not the sweep) without warning.
    let killed = 0;
    for (let waited = 0; waited < 120_000 && !killed; waited += 20) {
      const info = fs.existsSync(path.join(runDir, 'run.json')) ? readRunInfo(runDir) : undefined;
      if (info?.process && info.status === 'running' && fs.existsSync(path.join(runDir, 'checkpoint', 'model.json'))) {
        process.kill(info.process.pid, 'SIGKILL');
        killed = info.process.pid;
      } else await sleep(20);
    }
    expect(killed).toBeGreaterThan(0);
    expect(await ended).toBe(0);
    expect(stderr).toMatch(/plastic-seed1: continuing from its checkpoint/);
    expect(readRunInfo(runDir)).toMatchObject({ status: 'finished', episodesDone: 600 });
    const resumed = readMetrics(runDir);
    expect(resumed.map((r) => r.episode)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));

    const cleanOut = path.join(work, 'clean-out');
    expect((await plasticity('sweep', 'run', sweepFile('clean', { budget }), '--out', cleanOut)).code).toBe(0);
    const clean = readMetrics(path.join(cleanOut, 'runs', 'plastic-seed1'));
    expect(resumed.map((r) => r.loss)).toEqual(clean.map((r) => expect.closeTo(r.loss!, 5)));
  });

  it('Ctrl-C stops every job after its episode with its checkpoint; running the sweep again continues them to the same numbers', { timeout: 180_000 }, async () => {
    const budget = { episodes: 800 };
    const out = path.join(work, 'stop-out');
    const sweep = spawn(process.execPath, [plasticityCli, 'sweep', 'run', sweepFile('stop', { seeds: [1, 2], budget }), '--out', out, '--jobs', '2'], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(sweep);
    const ended = new Promise<number | null>((resolve) => sweep.on('close', resolve));
    // Once both jobs have a checkpoint, press Ctrl-C (SIGINT to the sweep, which passes it to its trainings).
    const hasCheckpoint = (seed: number) => fs.existsSync(path.join(out, 'runs', `plastic-seed${seed}`, 'checkpoint', 'model.json'));
    for (let waited = 0; waited < 120_000 && !(hasCheckpoint(1) && hasCheckpoint(2)); waited += 20) await sleep(20);
    sweep.kill('SIGINT');
    expect(await ended).toBe(130);
    const stopped = [1, 2].map((seed) => readRunInfo(path.join(out, 'runs', `plastic-seed${seed}`)));
    expect(stopped.map((info) => info.status)).toEqual(['stopped', 'stopped']);
    expect(stopped.every((info) => info.episodesDone > 0 && info.episodesDone < 800)).toBe(true);

    const again = await plasticity('sweep', 'run', sweepFile('stop', { seeds: [1, 2], budget }), '--out', out);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/2 jobs, 2 to train/);
    expect(again.stderr.match(/continuing from its checkpoint/g)).toHaveLength(2);
    const cleanOut = path.join(work, 'stop-clean-out');
    expect((await plasticity('sweep', 'run', sweepFile('stop-clean', { seeds: [1], budget }), '--out', cleanOut)).code).toBe(0);
    const resumed = readMetrics(path.join(out, 'runs', 'plastic-seed1'));
    expect(resumed.map((r) => r.episode)).toEqual(Array.from({ length: 800 }, (_, i) => i + 1));
    expect(resumed.map((r) => r.loss)).toEqual(readMetrics(path.join(cleanOut, 'runs', 'plastic-seed1')).map((r) => expect.closeTo(r.loss!, 5)));
  });

  it('bad input: one clear line and exit 1', async () => {
    const missing = await plasticity('sweep', 'status', path.join(work, 'nowhere'));
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`${path.join(work, 'nowhere')} is not a sweep folder: sweep.json is missing (the sweep document).`);
    const bad = await plasticity('sweep', 'run', sweepFile('bad', { seeds: [1, 'two'] }));
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(`${path.join(work, 'bad.sweep.json')}: seeds[1] is "two" but must be a number`);
  });
});
