// The Sweeps view's main-process side: a sweep made from documents runs with the local pool, and closing the
// app stops its jobs after their current episode with their checkpoints kept.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGraphDocument } from '../../../core/graph/document.ts';
import { readRunInfo } from '../../../core/train/run-folder.ts';
import type { SweepProgress } from '../../shared/channels.ts';
import { Sweeps } from './sweeps.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-sweeps-view-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const template = path.resolve(import.meta.dirname, '../../../templates/binary-patterns-50bit-plastic.plastic.json');

describe('Sweeps (main process)', () => {
  it('creates and starts a sweep; stopAll stops its jobs with their checkpoints, and a start continues them', { timeout: 120_000 }, async () => {
    const parsed = parseGraphDocument(fs.readFileSync(template, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.problems[0].message);
    const events: SweepProgress[] = [];
    const sweeps = new Sweeps({ sweepsDir: path.join(work, 'sweeps'), onProgress: (p) => events.push(p), concurrency: 1 });
    const summary = sweeps.create({ name: 'Closing test', variants: [{ name: 'plastic', document: parsed.document }], seeds: [1], episodes: 5000 });
    expect(summary).toMatchObject({ id: 'closing-test', jobs: 1, finished: 0, running: true });
    const runDir = path.join(work, 'sweeps', 'closing-test', 'runs', 'plastic-seed1');
    await expect.poll(() => fs.existsSync(path.join(runDir, 'checkpoint', 'model.json')), { timeout: 60_000, interval: 50 }).toBe(true);

    await sweeps.stopAll();
    const stopped = readRunInfo(runDir);
    expect(stopped.status).toBe('stopped');
    expect(stopped.episodesDone).toBeGreaterThan(0);
    expect(stopped.episodesDone).toBeLessThan(5000);
    await expect.poll(() => events.some((e) => e.job === '' && e.state === 'ended'), { timeout: 30_000 }).toBe(true);
    expect(sweeps.list()).toEqual([expect.objectContaining({ id: 'closing-test', running: false, finished: 0 })]);
    const details = await sweeps.details('closing-test');
    expect(details.jobs).toEqual([expect.objectContaining({ id: 'plastic-seed1', state: 'stopped' })]);

    // Continue: the job resumes from its checkpoint (a second stop ends the test quickly).
    sweeps.start('closing-test');
    await expect.poll(() => events.filter((e) => e.job === 'plastic-seed1' && e.state === 'running' && e.episode > stopped.episodesDone).length, { timeout: 60_000 }).toBeGreaterThan(0);
    await sweeps.stopAll();
    expect(readRunInfo(runDir).episodesDone).toBeGreaterThan(stopped.episodesDone);
    expect(() => sweeps.start('../etc')).toThrow('There is no sweep "../etc".');
  });
});
