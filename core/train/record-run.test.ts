// `plasticity record`: a trained run's held-out episode with its traces, readable without our code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliIn } from '../cli/testing/run-cli.ts';
import { parseGraphDocument } from '../graph/document.ts';
import { exportBundle } from '../export/export-run.ts';
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
    // The graph's wiring, for task views: the loss compares the readout of the memory with the source's target.
    expect(file.nodes.find((n: { kind: string }) => n.kind === 'SquaredErrorLoss')?.inputs).toMatchObject({ prediction: 'readout/output', target: 'patterns/target' });

    // The same episode given as a custom one (the sandbox's way in) gives the same traces; a wrong size is named.
    const portValues = (name: string) => Array.from(decode(file.ports.find((p: { name: string }) => p.name === name).values));
    const custom = { format: 'plasticity-custom-episode', version: 1, outputs: { input: portValues('patterns/input'), target: portValues('patterns/target') } };
    fs.writeFileSync(path.join(work, 'custom.json'), JSON.stringify(custom));
    expect((await plasticity('record', runDir, '--out', 'replayed.json', '--episode', 'custom.json')).code).toBe(0);
    const replayed = JSON.parse(fs.readFileSync(path.join(work, 'replayed.json'), 'utf8'));
    expect(replayed.plastic[0].traces).toEqual(memory.traces);
    fs.writeFileSync(path.join(work, 'short.json'), JSON.stringify({ ...custom, outputs: { ...custom.outputs, target: custom.outputs.target.slice(1) } }));
    const short = await plasticity('record', runDir, '--out', 'x.json', '--episode', 'short.json');
    expect(short.code).toBe(1);
    expect(short.stderr.trim()).toBe('short.json: output "target" has 549 values, but its shape is [50]: expected 11 steps × 50 = 550.');

    // A model bundle exported from the run records the same episode.
    await exportBundle(runDir, path.join(work, 'model.zip'), { zip: true });
    expect((await plasticity('record', 'model.zip', '--out', 'bundled.json', '--seed', '2')).code).toBe(0);
    const bundled = JSON.parse(fs.readFileSync(path.join(work, 'bundled.json'), 'utf8'));
    expect(bundled).toMatchObject({ runId: 'model.zip', trainedEpisodes: 30, steps: 11 });
    expect(bundled.plastic[0].traces).toEqual(memory.traces);

    const missing = await plasticity('record', path.join(work, 'nowhere'), '--out', 'x.json');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`${path.join(work, 'nowhere')} is not a run folder: run.json is missing.`);
  });

  it('keeps what the maze view draws: the walls, and where the agent and the reward were at every step', { timeout: 120_000 }, async () => {
    const parsed = parseGraphDocument(fs.readFileSync(path.resolve(import.meta.dirname, '../../templates/maze-laptop-plastic.plastic.json'), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.problems[0].message);
    const runDir = path.join(work, 'maze');
    await trainGraph(parsed.document, { outDir: runDir, episodes: 2, seed: 4 });
    expect((await plasticity('record', runDir, '--out', 'maze.json')).code).toBe(0);
    const file = JSON.parse(fs.readFileSync(path.join(work, 'maze.json'), 'utf8'));
    const view = (name: string) => file.views.find((v: { name: string }) => v.name.endsWith(`/${name}`));
    const side = parsed.document.nodes.find((n) => n.kind === 'MazeEnvironment')!.params.labSize as number;
    expect(view('walls').shape).toEqual([side, side]);
    const walls = decode(view('walls').values);
    const agent = decode(view('agentCell').values);
    const reward = decode(view('rewardCell').values);
    expect(agent).toHaveLength(file.steps);
    // The agent starts at the centre, is only ever on free cells and moves at most one cell a step (or teleports after a reward).
    expect(agent[0]).toBe(((side - 1) / 2) * side + (side - 1) / 2);
    for (const cell of [...agent, ...reward]) expect(walls[cell]).toBe(0);
    expect(new Set(reward).size).toBe(1);

    // The sandbox's maze: the reward where the user put it; a wall is refused by name.
    fs.writeFileSync(path.join(work, 'placed.json'), JSON.stringify({ format: 'plasticity-custom-episode', version: 1, environment: { rewardCell: [1, 3] } }));
    expect((await plasticity('record', runDir, '--out', 'placed-maze.json', '--episode', 'placed.json')).code).toBe(0);
    const placed = JSON.parse(fs.readFileSync(path.join(work, 'placed-maze.json'), 'utf8'));
    expect(new Set(decode(placed.views.find((v: { name: string }) => v.name.endsWith('/rewardCell')).values))).toEqual(new Set([1 * side + 3]));
    fs.writeFileSync(path.join(work, 'wall.json'), JSON.stringify({ format: 'plasticity-custom-episode', version: 1, environment: { rewardCell: [0, 3] } }));
    const wall = await plasticity('record', runDir, '--out', 'x.json', '--episode', 'wall.json');
    expect(wall.code).toBe(1);
    expect(wall.stderr.trim()).toBe('Maze "maze": the cell [0, 3] is a wall; the reward must be on a free cell.');
  });
});
