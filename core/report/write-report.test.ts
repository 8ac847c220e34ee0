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
import { mannWhitneyU } from '../train/rank-sum.ts';

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

  it('compares variants (runs of different graphs) with a rank-sum test on one value per run, and leads with the loss when it is the only held-out measure', async () => {
    const variants = ['plastic', 'fixed'].map((name) => {
      const doc = binaryPatternGraph({ patternSize: 8, size: 9 });
      doc.meta.name = name;
      doc.training.evaluation = { split: 'test', episodes: 4, everyEpisodes: 3, batchSize: 2 };
      // Only the loss is evaluated: no metric node.
      doc.nodes = doc.nodes.filter((n) => n.kind !== 'SignErrorMetric');
      doc.edges = doc.edges.filter((e) => doc.nodes.some((n) => n.id === e.to.node));
      return doc;
    });
    const dirs: string[] = [];
    const seeds = { plastic: [1, 2, 3], fixed: [4, 5, 6] } as Record<string, number[]>;
    for (const doc of variants) {
      for (const seed of seeds[doc.meta.name]) {
        const dir = path.join(work, `${doc.meta.name}-${seed}`);
        await trainGraph(doc, { outDir: dir, episodes: 3, seed, backend: 'cpu' });
        dirs.push(dir);
      }
    }
    const { readme, charts } = await writeReport(dirs, { out: path.join(work, 'compare'), title: 'Two variants' });
    const text = fs.readFileSync(readme, 'utf8');
    expect(charts[0]).toBe('heldout-loss.svg');
    const finals = (name: string) => seeds[name].map((seed) => readEvaluations(path.join(work, `${name}-${seed}`)).at(-1)!.loss.mean);
    const { u, p } = mannWhitneyU(finals('plastic'), finals('fixed'));
    expect(text).toContain('## Variants compared (Mann–Whitney U)');
    expect(text).toMatch(new RegExp(`\\| final held-out loss \\| .*\\(3 runs\\) \\| .*\\(3 runs\\) \\| plastic vs fixed \\| ${u} \\| ${p.toPrecision(2)} \\(exact\\) \\|`));
    expect(text).toContain('n = 3: 0.10');
  });

  it('names the folder that is not a run', async () => {
    await expect(writeReport([path.join(work, 'nothing')], { out: path.join(work, 'r2'), title: 'x' })).rejects.toThrow(/nothing is not a run folder: run.json is missing/);
  });
});
