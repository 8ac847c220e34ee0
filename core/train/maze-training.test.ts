// Training against an environment (the maze, A2C): each episode is played with the current parameters, then
// replayed with gradients. Smoke test on the template as shipped, and seeded reproducibility including resume.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGraphDocument, type GraphDocument } from '../graph/document.ts';
import { readMetrics, readRunInfo } from './run-folder.ts';
import { trainGraph } from './trainer.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-maze-train-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function template(steps?: number): GraphDocument {
  const name = 'maze-plastic.plastic.json';
  const parsed = parseGraphDocument(fs.readFileSync(path.join(repoRoot, 'templates', name), 'utf8'), name);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  if (steps) parsed.document.nodes.find((n) => n.id === 'maze')!.params.episodeLength = steps;
  // Training is what these tests check; held-out evaluation (100 episodes at the end) has its own tests.
  delete parsed.document.training.evaluation;
  return parsed.document;
}

const curve = (dir: string) => readMetrics(dir).map((r) => [r.loss, r.reward]);

describe('training in the maze', () => {
  it('trains the template: a finite loss and the episode reward at every episode', async () => {
    const dir = path.join(work, 'smoke');
    const result = await trainGraph(template(), { outDir: dir, episodes: 2, backend: 'cpu' });
    expect(result.status).toBe('finished');
    const metrics = readMetrics(dir);
    expect(metrics.map((m) => m.episode)).toEqual([1, 2]);
    for (const m of metrics) {
      expect(Number.isFinite(m.loss)).toBe(true);
      expect(m.reward).toBeTypeOf('number');
      // 250 steps: between a wall bump at every step (−0.1 each) and a reward at every step (+10 each).
      expect(m.reward).toBeGreaterThanOrEqual(-25 - 1e-3);
      expect(m.reward).toBeLessThanOrEqual(2500);
    }
  });

  it('gives the same curve for the same seed, and resuming continues it exactly', async () => {
    const whole = path.join(work, 'whole');
    await trainGraph(template(40), { outDir: whole, episodes: 4, seed: 7, backend: 'cpu' });
    const again = path.join(work, 'again');
    await trainGraph(template(40), { outDir: again, episodes: 4, seed: 7, backend: 'cpu' });
    expect(curve(again)).toEqual(curve(whole));
    const other = path.join(work, 'other');
    await trainGraph(template(40), { outDir: other, episodes: 4, seed: 8, backend: 'cpu' });
    expect(curve(other)).not.toEqual(curve(whole));

    const split = path.join(work, 'split');
    const controller = new AbortController();
    await trainGraph(template(40), {
      outDir: split,
      episodes: 4,
      seed: 7,
      backend: 'cpu',
      signal: controller.signal,
      onProgress: (p) => p.episode === 2 && controller.abort(),
    });
    expect(readRunInfo(split)).toMatchObject({ status: 'stopped', episodesDone: 2 });
    await trainGraph(template(40), { outDir: split, resume: true, backend: 'cpu' });
    expect(curve(split)).toEqual(curve(whole));
  });
});
