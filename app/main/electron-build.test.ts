// The Electron bundles, checked without Electron: the preload must be one self-contained file (a sandboxed
// preload cannot load modules), and the bundled training worker must really train (it runs under plain
// Node too, which is what an Electron utility process is).
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGraphDocument } from '../../core/graph/index.ts';
import type { RunSummary } from '../shared/channels.ts';
import { buildElectronApp, electronDistDir, electronMainEntry } from './electron-build.ts';
import { TrainingHost } from './training/host.ts';
import { nodeTrainerSpawner } from './training/node-process.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let runsDir: string;

beforeAll(async () => {
  await buildElectronApp();
  runsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bundle-runs-'));
}, 240_000);
afterAll(() => fs.rm(runsDir, { recursive: true, force: true }));

describe('Electron bundles', () => {
  it('makes a preload that requires nothing but electron', async () => {
    const preload = await fs.readFile(path.join(electronDistDir, 'preload.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).toContain('exposeInMainWorld');
  });

  it('makes a main bundle that imports only Electron, Node and installed packages', async () => {
    const main = await fs.readFile(electronMainEntry, 'utf8');
    const imports = [...main.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports).toContain('electron');
    for (const specifier of imports) expect(specifier).toMatch(/^(electron|node:|\.\/|zod$|ws$)/);
  });

  it('trains with the bundled worker and writes a complete run folder', async () => {
    const text = await fs.readFile(path.join(root, 'templates', 'binary-patterns-50bit-plastic.plastic.json'), 'utf8');
    const parsed = parseGraphDocument(text);
    if (!parsed.ok) throw new Error(parsed.problems[0].message);
    let last: RunSummary[] = [];
    const host = new TrainingHost({ runsDir, spawn: nodeTrainerSpawner({ entry: path.join(electronDistDir, 'training-worker.mjs') }), onRunsChanged: (runs) => (last = runs) });
    const { dir } = await host.start({ document: parsed.document, episodes: 3 });
    await expect.poll(() => last[0]?.status, { timeout: 120_000, interval: 200 }).toMatch(/finished|failed/);
    expect(last[0].error).toBeNull();
    const info = JSON.parse(await fs.readFile(path.join(dir, 'run.json'), 'utf8'));
    expect(info).toMatchObject({ status: 'finished', episodesDone: 3 });
    const pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8'));
    expect(info.versions.plasticityStudio).toBe(pkg.version); // the bundle finds the app's package.json
    expect((await fs.readFile(path.join(dir, 'metrics.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(3);
  }, 180_000);
});
