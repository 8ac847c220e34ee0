// `plasticity record`: a trained run's held-out episode with its traces, readable without our code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliIn } from '../cli/testing/run-cli.ts';
import { parseGraphDocument } from '../graph/document.ts';
import { trainGraph } from './trainer.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-record-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const plasticity = cliIn(work);
const decode = (text: string) => {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
};

describe('plasticity record', () => {
  it('writes every port per step and each plastic layer’s traces, which follow the Hebbian update of its recorded activity', { timeout: 120_000 }, async () => {
    const parsed = parseGraphDocument(fs.readFileSync(path.resolve(import.meta.dirname, '../../templates/binary-patterns-50bit-plastic.plastic.json'), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.problems[0].message);
    const runDir = path.join(work, 'run');
    await trainGraph(parsed.document, { outDir: runDir, episodes: 30, seed: 4 });
    const result = await plasticity('record', runDir, '--out', 'episode.json', '--seed', '2');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/wrote episode\.json: 11 steps, 4 ports; memory: 11 traces of 51×51 \(parameters after 30 episodes\)/);
    const file = JSON.parse(fs.readFileSync(path.join(work, 'episode.json'), 'utf8'));
    expect(file).toMatchObject({ format: 'plasticity-episode', version: 1, trainedEpisodes: 30, seed: 2, steps: 11 });
    const output = decode(file.ports.find((p: { name: string }) => p.name === 'memory/output').values);
    const [memory] = file.plastic;
    expect(memory).toMatchObject({ node: 'memory', rows: 51, cols: 51, traceSteps: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    // H_t = (1 − η)·H_{t−1} + η·y_{t−2} ⊗ y_{t−1}, from the recorded outputs y (the layer's input is its previous output).
    const n = 51;
    const y = (t: number, i: number) => (t < 0 ? 0 : output[t * n + i]);
    let h = new Float64Array(n * n);
    for (let t = 0; t < file.steps; t++) {
      if (t > 0) h = h.map((v, k) => (1 - memory.eta) * v + memory.eta * y(t - 2, Math.floor(k / n)) * y(t - 1, k % n));
      const trace = decode(memory.traces[t]);
      for (let k = 0; k < n * n; k++) expect(Math.abs(trace[k] - h[k])).toBeLessThan(1e-6);
    }
    expect(Math.max(...decode(memory.traces[10]).map(Math.abs))).toBeGreaterThan(1e-3);

    const missing = await plasticity('record', path.join(work, 'nowhere'), '--out', 'x.json');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`${path.join(work, 'nowhere')} is not a run folder: run.json is missing.`);
  });
});
