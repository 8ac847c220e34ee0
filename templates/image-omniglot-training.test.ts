// Each natural-image and Omniglot template trains through the real trainer for a few episodes (cpu
// backend): the data loads, every node builds, the losses and metrics come out finite. How fast or how
// well they learn is measured by runs, not here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGraphDocument, type GraphDocument } from '../core/graph/document.ts';
import { setParam } from '../core/graph/edits.ts';
import { readMetrics, readRunInfo } from '../core/train/run-folder.ts';
import { trainGraph } from '../core/train/trainer.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-paper-templates-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function template(name: string): GraphDocument {
  const parsed = parseGraphDocument(fs.readFileSync(path.join(import.meta.dirname, name), 'utf8'), name);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  return parsed.document;
}

/** Training is what these smoke tests check: the templates' held-out evaluations at the end (20 image episodes of 201 steps, 1,000 Omniglot episodes) would multiply their time. */
function withoutEvaluation(doc: GraphDocument): GraphDocument {
  delete doc.training.evaluation;
  return doc;
}

async function smoke(doc: GraphDocument, runName: string, episodes: number) {
  const dir = path.join(work, runName);
  const result = await trainGraph(doc, { outDir: dir, episodes, seed: 1, backend: 'cpu' });
  expect(result.error).toBeUndefined();
  expect(result).toMatchObject({ status: 'finished', episodesDone: episodes, backend: 'cpu' });
  expect(readRunInfo(dir)).toMatchObject({ status: 'finished', episodesDone: episodes });
  const metrics = readMetrics(dir);
  expect(metrics.map((m) => m.episode)).toEqual(Array.from({ length: episodes }, (_, i) => i + 1));
  for (const row of metrics) expect(Number.isFinite(row.loss)).toBe(true);
  return metrics;
}

describe('paper templates train', () => {
  it('omniglot.plastic.json: 3 episodes with a loss near the plateau of 0.5 and an accuracy of 0 or 1', async () => {
    // The pre-shrunk drawings load in a fraction of the time of the paper's resize (tested in core/tasks).
    const doc = setParam(withoutEvaluation(template('omniglot.plastic.json')), 'omniglot', 'resampling', 'area');
    const metrics = await smoke(doc, 'omniglot', 3);
    for (const row of metrics) {
      // Outputs start near 1/5 each: BCE = −(log 0.2 + 4·log 0.8)/5 ≈ 0.50 (Miconi et al. 2018, §4.3, issue #8).
      expect(row.loss).toBeGreaterThan(0.3);
      expect(row.loss).toBeLessThan(0.8);
      expect([0, 1]).toContain(row.accuracy);
    }
  });

  it('natural-images.plastic.json: one full 201-step episode', async () => {
    const [row] = await smoke(withoutEvaluation(template('natural-images.plastic.json')), 'images', 1);
    // Half of the test image is clamped right; the other half starts near 0, so the loss is that half's
    // squared norm: positive and at most 512 (pixels lie in [−1, 1]).
    expect(row.loss).toBeGreaterThan(0);
    expect(row.loss).toBeLessThan(512);
  });

  it('natural-images-shared-alpha.plastic.json: 2 episodes, shortened to 15 steps', async () => {
    let doc = withoutEvaluation(template('natural-images-shared-alpha.plastic.json'));
    doc = setParam(doc, 'images', 'presentationSteps', 2);
    doc = setParam(doc, 'images', 'cycles', 1);
    const metrics = await smoke(doc, 'images-shared', 2);
    for (const row of metrics) expect(row.loss).toBeGreaterThan(0);
  });
});
