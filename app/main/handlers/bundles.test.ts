// The app's model-bundle requests on a real run folder (the 50-bit template trained for 3 episodes on the
// cpu backend): export as a .zip or a folder, open what was exported with its trained values summarised,
// and one readable message for each way it can go wrong.
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../core/compile/backend.ts';
import { parseGraphDocument } from '../../../core/graph/document.ts';
import { loadCheckpoint } from '../../../core/train/checkpoint.ts';
import { readMetrics } from '../../../core/train/run-folder.ts';
import { trainGraph } from '../../../core/train/trainer.ts';
import { repoRoot } from '../app-paths.ts';
import { TrainingHost } from '../training/host.ts';
import { createHandlers, dispatch, type HandlerTable } from './index.ts';

let root: string;
let runsDir: string;
let docs: string;
let table: HandlerTable;
const RUN = 'patterns-run';

async function call(channel: string, payload: unknown = {}) {
  const answer = await dispatch(table, channel, payload);
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value as any;
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'bundle-handlers-'));
  runsDir = path.join(root, 'runs');
  docs = path.join(root, 'docs');
  await fs.mkdir(docs, { recursive: true });
  await selectBackend('cpu');
  const parsed = parseGraphDocument(await fs.readFile(path.join(repoRoot, 'templates/binary-patterns-50bit-plastic.plastic.json'), 'utf8'));
  if (!parsed.ok) throw new Error('the 50-bit template does not parse');
  await trainGraph(parsed.document, { outDir: path.join(runsDir, RUN), episodes: 3, seed: 5, backend: 'cpu' });
  table = createHandlers({
    mode: 'browser',
    version: '0.0.0-test',
    dataDir: path.join(root, 'data'),
    runsDir,
    templatesDir: path.join(repoRoot, 'templates'),
    docsRoot: repoRoot,
    documentsDir: docs,
    training: new TrainingHost({ runsDir, spawn: () => ({ send() {}, onMessage() {}, onExit() {}, kill() {} }) }),
  });
});
afterAll(() => fs.rm(root, { recursive: true, force: true }));

describe('run:export', () => {
  it('writes a zip bundle that opens with the run\'s graph, settings, metrics and weights', async () => {
    const target = path.join(docs, 'model.zip');
    const exported = await call('run:export', { runId: RUN, path: target, zip: true });
    expect(exported).toEqual({ runId: RUN, path: target, zip: true, episodesDone: 3, warnings: [] });

    const opened = await call('bundle:open', { path: target });
    const graph = JSON.parse(await fs.readFile(path.join(runsDir, RUN, 'graph.plastic.json'), 'utf8'));
    expect(opened.path).toBe(target);
    expect(opened.document).toEqual(graph);
    expect(opened.model.training).toEqual({ runId: RUN, status: 'finished', seed: 5, episodesDone: 3, settings: graph.training });
    const metrics = readMetrics(path.join(runsDir, RUN));
    expect(opened.model.metrics.lastEpisode).toEqual({ episode: 3, loss: metrics[2].loss, signError: metrics[2].signError });
    expect(opened.model.metrics.recentMean).toMatchObject({ fromEpisode: 1, toEpisode: 3, episodes: 3 });
    expect(opened.model.metrics.recentMean.values.signError).toBeCloseTo((metrics[0].signError! + metrics[1].signError! + metrics[2].signError!) / 3, 10);
    expect(opened.model.producedBy.backend).toBe('cpu');
  });

  it('summarises every trained parameter: shape and statistics, and the value of a scalar', async () => {
    const { model } = await call('bundle:open', { path: path.join(docs, 'model.zip') });
    const checkpoint = loadCheckpoint(path.join(runsDir, RUN, 'checkpoint'));
    expect(model.parameters.map((p: any) => p.name)).toEqual(checkpoint.parameters.specs.map((s) => s.name));
    for (const spec of checkpoint.parameters.specs) {
      const values = Array.from(checkpoint.parameters.values.get(spec.name)!);
      const summary = model.parameters.find((p: any) => p.name === spec.name);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      expect(summary).toMatchObject({ node: spec.name.split('/')[0], param: spec.name.split('/')[1], shape: spec.shape, count: values.length, nonFinite: 0 });
      expect(summary.mean).toBeCloseTo(mean, 6);
      expect(summary.std).toBeCloseTo(Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length), 6);
      expect(summary.min).toBe(Math.min(...values));
      expect(summary.max).toBe(Math.max(...values));
      if (values.length === 1) expect(summary.value).toBe(values[0]);
      else expect(summary.value).toBeUndefined();
    }
    // The plastic layer of the template: a 51×51 weight matrix, its plasticity coefficients and a learned eta.
    expect(model.parameters.find((p: any) => p.name === 'memory/w').shape).toEqual([51, 51]);
    const eta = model.parameters.find((p: any) => p.name === 'memory/eta');
    expect(eta.value).toBeCloseTo(Array.from(checkpoint.parameters.values.get('memory/eta')!)[0], 7);
  });

  it('writes a folder for a name without .zip; it opens from the folder or its model.json', async () => {
    const target = path.join(docs, 'model-folder');
    expect((await call('run:export', { runId: RUN, path: target, zip: false })).path).toBe(target);
    expect((await fs.readdir(target)).sort()).toEqual(['model.json', 'weights.bin']);
    expect((await call('bundle:open', { path: target })).path).toBe(target);
    const viaModelJson = await call('bundle:open', { path: path.join(target, 'model.json') });
    expect(viaModelJson.path).toBe(target);
    expect(viaModelJson.model.training.episodesDone).toBe(3);
  });

  it('replaces an earlier bundle, but never an unrelated file or folder', async () => {
    const target = path.join(docs, 'again.zip');
    await call('run:export', { runId: RUN, path: target, zip: true });
    await call('run:export', { runId: RUN, path: target, zip: true });
    expect((await call('bundle:open', { path: target })).model.training.runId).toBe(RUN);

    const archive = path.join(docs, 'holiday-photos.zip');
    await fs.writeFile(archive, 'not a bundle');
    await expect(call('run:export', { runId: RUN, path: archive, zip: true })).rejects.toThrow(/exists and is not a model bundle/);
    expect(await fs.readFile(archive, 'utf8')).toBe('not a bundle');

    const folder = path.join(docs, 'projects');
    await fs.mkdir(folder);
    await fs.writeFile(path.join(folder, 'notes.txt'), 'keep');
    await expect(call('run:export', { runId: RUN, path: folder, zip: false })).rejects.toThrow(/^[^\n]*projects: the folder exists and is not a model bundle/);
    expect(await fs.readFile(path.join(folder, 'notes.txt'), 'utf8')).toBe('keep');
  });

  it('validates requests at the boundary', async () => {
    const noZip = await dispatch(table, 'run:export', { runId: RUN, path: path.join(docs, 'v.zip') });
    expect(!noZip.ok && noZip.error.message).toMatch(/Invalid "run:export" request \(zip\)/);
    const noPath = await dispatch(table, 'run:export', { runId: RUN, path: '', zip: true });
    expect(!noPath.ok && noPath.error.message).toMatch(/Invalid "run:export" request \(path\): A file path is required/);
    const noRun = await dispatch(table, 'run:export', { runId: '', path: path.join(docs, 'v.zip'), zip: true });
    expect(!noRun.ok && noRun.error.message).toMatch(/\(runId\)/);
    const badOpen = await dispatch(table, 'bundle:open', { path: 7 });
    expect(!badOpen.ok && badOpen.error.message).toMatch(/Invalid "bundle:open" request \(path\)/);
    expect(existsSync(path.join(docs, 'v.zip'))).toBe(false);
  });

  it('says plainly what is wrong with a request', async () => {
    await expect(call('run:export', { runId: RUN, path: path.join(docs, 'x'), zip: true })).rejects.toThrow(/ends in \.zip/);
    await expect(call('run:export', { runId: RUN, path: path.join(docs, 'x.zip'), zip: false })).rejects.toThrow(/a folder was asked for/);
    await expect(call('run:export', { runId: '../..', path: path.join(docs, 'x.zip'), zip: true })).rejects.toThrow(/There is no run/);
    await expect(call('run:export', { runId: 'no-such-run', path: path.join(docs, 'y.zip'), zip: true })).rejects.toThrow(/no-such-run no longer exists/);
    await fs.mkdir(path.join(runsDir, 'not-a-run'));
    const notRun = await dispatch(table, 'run:export', { runId: 'not-a-run', path: path.join(docs, 'y.zip'), zip: true });
    expect(!notRun.ok && notRun.error.message).toMatch(/not-a-run is not a run folder: run\.json is missing/);
    expect(!notRun.ok && notRun.error.message).not.toMatch(/Unexpected error/); // a BundleError reaches the user as it is
    expect(existsSync(path.join(docs, 'y.zip'))).toBe(false);
  });

  it('warns when the run had not finished', async () => {
    const copy = path.join(runsDir, 'still-running');
    await fs.cp(path.join(runsDir, RUN), copy, { recursive: true });
    const info = JSON.parse(await fs.readFile(path.join(copy, 'run.json'), 'utf8'));
    await fs.writeFile(path.join(copy, 'run.json'), JSON.stringify({ ...info, runId: 'still-running', status: 'running' }));
    const exported = await call('run:export', { runId: 'still-running', path: path.join(docs, 'partial.zip'), zip: true });
    expect(exported.warnings).toEqual([expect.stringMatching(/still running; the bundle holds its last checkpoint \(episode 3\)/)]);
  });
});

describe('bundle:open', () => {
  it('names the file at fault in a broken bundle', async () => {
    const broken = path.join(docs, 'broken');
    await fs.cp(path.join(docs, 'model-folder'), broken, { recursive: true });
    const weights = await fs.readFile(path.join(broken, 'weights.bin'));
    await fs.writeFile(path.join(broken, 'weights.bin'), weights.subarray(0, weights.length - 8));
    const answer = await dispatch(table, 'bundle:open', { path: broken });
    expect(!answer.ok && answer.error.message).toMatch(/weights\.bin/);
    expect(!answer.ok && answer.error.message).not.toMatch(/Unexpected error/);

    await fs.writeFile(path.join(docs, 'fake.zip'), 'hello');
    await expect(call('bundle:open', { path: path.join(docs, 'fake.zip') })).rejects.toThrow(/not a zip file, so not a model bundle/);
    await expect(call('bundle:open', { path: path.join(docs, 'missing.zip') })).rejects.toThrow(/no such file or folder/);
    await expect(call('bundle:open', { path: docs })).rejects.toThrow(/model\.json is missing/);
  });

  it('adds an opened bundle to the recent files', async () => {
    await call('bundle:open', { path: path.join(docs, 'model.zip') });
    const graph = JSON.parse(await fs.readFile(path.join(runsDir, RUN, 'graph.plastic.json'), 'utf8'));
    const [first] = (await call('recent:list')).files;
    expect(first).toMatchObject({ path: path.join(docs, 'model.zip'), name: `${graph.meta.name} (trained)` });
  });
});

describe('files:list', () => {
  it('lists model bundles (zips, folders holding model.json) for the browser file dialog', async () => {
    const { entries } = await call('files:list', { dir: docs });
    const byName = Object.fromEntries(entries.map((e: any) => [e.name, e]));
    expect(byName['model.zip']).toMatchObject({ isDirectory: false, bundle: true });
    expect(byName['model-folder']).toMatchObject({ isDirectory: true, bundle: true });
    expect(byName['projects'].bundle).toBeUndefined();
    expect(byName['projects'].isDirectory).toBe(true);
  });
});

describe('runs:list', () => {
  it('gives each run the tail of its metrics and the metric it is judged by', async () => {
    const { runs } = await call('runs:list');
    const run = runs.find((r: any) => r.runId === RUN);
    expect(run.metric).toBe('signError');
    expect(run.tail.map((p: any) => p.episode)).toEqual([1, 2, 3]);
    expect(run.tail[2].metrics.signError).toBe(readMetrics(path.join(runsDir, RUN))[2].signError);
  });
});
