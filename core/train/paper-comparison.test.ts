// Miconi et al. 2018, §4.1, Fig. 3 on a fixed seed: on the small binary-pattern task a plastic network of 51 neurons
// learns what an ordinary recurrent network of 2,051 neurons does not, in the same number of episodes.
//
// Thresholds come from measured curves of these templates (seed 0): the mean sign error over episodes 201–300
// was 0.033 for the plastic network and 0.22 for the RNN (chance is ~0.25). The paper reports the plastic network
// below 0.01 within 2,000 episodes; an independent PyTorch implementation of the authors' episode and update
// plateaus at ~0.02–0.05 like ours (its errors come from completing the first-shown pattern, see the issue note),
// so 0.01 is not used as a threshold here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGraphDocument } from '../graph/document.ts';
import { readMetrics } from './run-folder.ts';
import { trainGraph } from './trainer.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-paper-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const episodes = 300;

async function meanSignErrorOfLast100(template: string): Promise<number> {
  const parsed = parseGraphDocument(fs.readFileSync(path.join(repoRoot, 'templates', template), 'utf8'), template);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  const outDir = path.join(work, template);
  await trainGraph(parsed.document, { outDir, episodes, seed: 0 });
  const last = readMetrics(outDir).slice(-100);
  expect(last).toHaveLength(100);
  return last.reduce((sum, r) => sum + (r.signError as number), 0) / last.length;
}

describe('the paper’s small comparison (50-bit patterns)', () => {
  it('a 51-neuron plastic network learns the task; a 2,051-neuron RNN stays near chance', { timeout: 2_400_000 }, async () => {
    const plastic = await meanSignErrorOfLast100('binary-patterns-50bit-plastic.plastic.json');
    const rnn = await meanSignErrorOfLast100('binary-patterns-50bit-rnn.plastic.json');
    expect(plastic).toBeLessThan(0.08);
    expect(rnn).toBeGreaterThan(0.15);
    expect(plastic).toBeLessThan(rnn / 3);
  });
});
