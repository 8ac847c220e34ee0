// A report is written from real run folders: its numbers are the runs' own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { binaryPatternGraph } from '../graph/testing/fixtures.ts';
import { readEvaluations } from '../train/run-folder.ts';
import { trainGraph } from '../train/trainer.ts';
import { summarizeRun } from './run-summary.ts';
import { writeReport } from './write-report.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-report-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('writeReport', () => {
  it('tabulates each run’s steps, episodes seen, final held-out result and command, and draws its curves', async () => {
    const doc = binaryPatternGraph({ patternSize: 8, size: 9 });
    doc.training.batchSize = 3;
    doc.training.evaluation = { split: 'test', episodes: 6, everyEpisodes: 2, batchSize: 3 };
    const runs = [1, 2].map((seed) => path.join(work, `run-${seed}`));
    for (const [i, dir] of runs.entries()) await trainGraph(doc, { outDir: dir, episodes: 5, seed: i + 1, backend: 'cpu', command: `plasticity train g.json --seed ${i + 1}` });
    const out = path.join(work, 'report');
    const { readme, charts } = await writeReport(runs, { out, title: 'Tiny runs', notes: ['Two seeds of a tiny graph.'] });
    const text = fs.readFileSync(readme, 'utf8');
    expect(text).toMatch(/^# Tiny runs\n\nTwo seeds of a tiny graph\./);
    const final = readEvaluations(runs[1]).at(-1)!.metrics.signError;
    expect(text).toMatch(/\| `run-2` \| 2 \| 5 × 3 \| 15 \| [\d.]+ min \| [\d.]+ min \|/);
    expect(text).toContain(`${final.mean.toPrecision(4)} [${final.low!.toPrecision(4)}, ${final.high!.toPrecision(4)}] | 6 test episodes | finished |`);
    expect(text).toContain('`plasticity train g.json --seed 1`');
    expect(charts).toEqual(['heldout-signError.svg', 'training-signError-by-episodes.svg', 'training-signError-by-minutes.svg', 'training-loss.svg']);
    const tail = summarizeRun(runs[0]).finalTenth.signError;
    expect(tail.count).toBe(1); // the last tenth of 5 steps is the last step
    expect(text).toMatch(new RegExp(`\\| \`run-1\` \\|.*\\| ${tail.mean.toPrecision(4).replace('.', '\\.')}`));
    for (const chart of charts) expect(fs.readFileSync(path.join(out, chart), 'utf8')).toMatch(/^<svg[^>]*>.*run-2/s);
  });

  it('names the folder that is not a run', async () => {
    await expect(writeReport([path.join(work, 'nothing')], { out: path.join(work, 'r2'), title: 'x' })).rejects.toThrow(/nothing is not a run folder: run.json is missing/);
  });
});
