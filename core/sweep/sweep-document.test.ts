import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../util/input-error.ts';
import { describeSweepSize, expandSweep, parseSweepDocument, readSweepFile, type SweepDocument } from './sweep-document.ts';
import { jobStatuses, prepareSweepFolder, readSweepFolder } from './sweep-folder.ts';

const templates = path.resolve(import.meta.dirname, '../../templates');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-sweep-doc-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const sweepOf = (patch: Partial<SweepDocument>): SweepDocument => ({
  format: 'plasticity-sweep',
  version: 1,
  name: 'test',
  variants: [{ graph: 'binary-patterns-50bit-plastic.plastic.json', name: 'plastic' }, { graph: 'binary-patterns-50bit-rnn.plastic.json' }],
  seeds: [3, 7],
  ...patch,
});

const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
};

describe('a sweep document', () => {
  it('expands into variants × settings × seeds, each graph with its settings, seed and budget applied', () => {
    const sweep = sweepOf({ parameters: { 'training.optimizer.learningRate': [1e-3, 3e-4], 'memory.etaInit': [0.05] }, budget: { episodes: 25 } });
    const jobs = expandSweep(sweep, templates);
    expect(describeSweepSize(sweep)).toBe('2 variants × 2 settings × 2 seeds = 8 jobs');
    expect(jobs.map((j) => j.id)).toEqual([
      'plastic-learningrate0.001-etainit0.05-seed3',
      'plastic-learningrate0.001-etainit0.05-seed7',
      'plastic-learningrate0.0003-etainit0.05-seed3',
      'plastic-learningrate0.0003-etainit0.05-seed7',
      'binary-patterns-50-bits-non-plastic-rnn-2-051-neurons-learningrate0.001-etainit0.05-seed3',
      'binary-patterns-50-bits-non-plastic-rnn-2-051-neurons-learningrate0.001-etainit0.05-seed7',
      'binary-patterns-50-bits-non-plastic-rnn-2-051-neurons-learningrate0.0003-etainit0.05-seed3',
      'binary-patterns-50-bits-non-plastic-rnn-2-051-neurons-learningrate0.0003-etainit0.05-seed7',
    ]);
    const job = jobs[2];
    expect(job.group).toBe('plastic (learningRate=0.0003, etaInit=0.05)');
    expect(job.graph.training).toMatchObject({ seed: 3, episodes: 25, optimizer: { learningRate: 3e-4 } });
    expect(job.graph.nodes.find((n) => n.id === 'memory')!.params.etaInit).toBe(0.05);
    // The graph the variant was read from is untouched, and the unnamed variant is named after its graph.
    expect(jobs[4].variant).toBe('Binary patterns, 50 bits: non-plastic RNN (2,051 neurons)');
    expect(expandSweep(sweepOf({}), templates)[0].graph.training.optimizer.learningRate).toBe(3e-4);
  });

  it('refuses bad documents with one message naming the file and the field', () => {
    expect(errorOf(() => parseSweepDocument('{"format": "plasticity-sweep",', 'a.sweep.json'))).toMatch(/^a\.sweep\.json is not valid JSON/);
    expect(errorOf(() => parseSweepDocument(JSON.stringify({ ...sweepOf({}), seeds: [1, -2] }), 'b.sweep.json'))).toBe('b.sweep.json: seeds[1] is -2 but must be at least 0');
    expect(errorOf(() => parseSweepDocument(JSON.stringify({ ...sweepOf({}), variants: [] }), 'c.sweep.json'))).toMatch(/^c\.sweep\.json: variants /);
    expect(errorOf(() => readSweepFile(path.join(work, 'missing.sweep.json')))).toMatch(/missing\.sweep\.json: cannot read: no such file/);
  });

  it('names the variant and the setting when a setting does not fit the graph', () => {
    expect(errorOf(() => expandSweep(sweepOf({ parameters: { 'nope.size': [3] } }), templates, 's.sweep.json'))).toBe(
      's.sweep.json: variants[0] (binary-patterns-50bit-plastic.plastic.json): parameter "nope.size": the graph has no node "nope".',
    );
    expect(errorOf(() => expandSweep(sweepOf({ parameters: { 'training.optimizer.learningRate': ['fast'] } }), templates, 's.sweep.json'))).toMatch(
      /^s\.sweep\.json: variants\[0\] .* with training\.optimizer\.learningRate = "fast": .*learningRate is "fast" but must be a number/,
    );
    expect(errorOf(() => expandSweep(sweepOf({ parameters: { 'memory.size': [0] } }), templates, 's.sweep.json'))).toMatch(/with memory\.size = 0: Node .* parameter "size" is 0/);
    expect(errorOf(() => expandSweep(sweepOf({ parameters: { learningRate: [1] } }), templates, 's.sweep.json'))).toMatch(/"learningRate" must be "training\.<field>" or "<node id>\.<param>"/);
    expect(errorOf(() => expandSweep(sweepOf({ seeds: [1, 1] }), templates, 's.sweep.json'))).toBe('s.sweep.json: seeds lists a seed twice.');
    expect(errorOf(() => expandSweep(sweepOf({ seeds: Array.from({ length: 1001 }, (_, i) => i) }), templates, 's.sweep.json'))).toMatch(/2,002 jobs .* at most 2000/);
    expect(errorOf(() => expandSweep(sweepOf({ variants: [{ graph: 'none.plastic.json' }] }), templates, 's.sweep.json'))).toMatch(/^s\.sweep\.json: variants\[0\]: .*none\.plastic\.json: cannot read: no such file/);
  });

  it('a sweep folder lists its jobs, and refuses to continue runs made from different settings', () => {
    const dir = path.join(work, 'folder');
    const sweep = sweepOf({ budget: { episodes: 5 } });
    const jobs = expandSweep(sweep, templates);
    prepareSweepFolder(dir, sweep, jobs);
    const read = readSweepFolder(dir);
    expect(read.sweep.name).toBe('test');
    expect(jobStatuses(dir, read.jobs).map((s) => s.state)).toEqual(['pending', 'pending', 'pending', 'pending']);
    // Preparing the same sweep again is fine; once a job has a run, changing its settings is refused.
    prepareSweepFolder(dir, sweep, jobs);
    const runDir = path.join(dir, 'runs', jobs[0].id);
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(
      path.join(runDir, 'run.json'),
      JSON.stringify({ runId: 'r', status: 'stopped', seed: 3, episodes: 5, episodesDone: 2, batchSize: 1, backend: 'wasm', versions: {}, startedAt: new Date().toISOString() }),
    );
    expect(jobStatuses(dir, read.jobs)[0]).toMatchObject({ state: 'stopped', episodesDone: 2 });
    const changed = sweepOf({ budget: { episodes: 6 } });
    expect(errorOf(() => prepareSweepFolder(dir, changed, expandSweep(changed, templates)))).toMatch(/holds a run of job "plastic-seed3" made from a different graph or settings/);
  });
});
