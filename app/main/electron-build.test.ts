// The Electron bundles, checked without Electron: the preload must be one self-contained file (a sandboxed
// preload cannot load modules), and the bundled training worker must really train (it runs under plain
// Node too, which is what an Electron utility process is); and electron-builder packs them (`--dir`, with a
// stub in place of Electron's binary, which cannot be downloaded here).
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
import { runSweepLocally } from '../../core/sweep/local-pool.ts';
import { expandSweep } from '../../core/sweep/sweep-document.ts';
import { prepareSweepFolder } from '../../core/sweep/sweep-folder.ts';

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

  it('runs a sweep\'s job with the bundled command line (the packaged app has no bin/plasticity.js)', async () => {
    const sweep = { format: 'plasticity-sweep' as const, version: 1 as const, name: 'bundled', variants: [{ graph: 'binary-patterns-50bit-plastic.plastic.json' }], seeds: [1], budget: { episodes: 3 } };
    const sweepDir = path.join(runsDir, 'sweep');
    const jobs = expandSweep(sweep, path.join(root, 'templates'));
    prepareSweepFolder(sweepDir, sweep, jobs);
    const result = await runSweepLocally(sweepDir, jobs, { cli: path.join(electronDistDir, 'plasticity-cli.mjs'), retries: 0 });
    expect(result.failed).toEqual([]);
    expect(result.finished).toBe(1);
    expect((await fs.readFile(path.join(sweepDir, 'runs', jobs[0].id, 'metrics.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(3);
  }, 180_000);
});

describe('packing --dir with a stub Electron', () => {
  let work: string;
  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'pack-'));
  });
  afterAll(() => fs.rm(work, { recursive: true, force: true }));

  it('produces an app with the bundles, renderer, templates and unpacked wasm', async () => {
    // Electron's real binary cannot be downloaded here; packing only copies the folder, so a stub will do.
    const stub = path.join(work, 'electron-dist');
    await fs.mkdir(stub);
    await fs.writeFile(path.join(stub, 'electron'), '#!/bin/sh\necho "stub Electron"\n', { mode: 0o755 });
    await fs.copyFile(path.join(root, 'node_modules/electron/LICENSE'), path.join(stub, 'LICENSE'));
    const { build, Platform } = await import('electron-builder');
    const out = path.join(work, 'out');
    await build({
      projectDir: root,
      targets: Platform.LINUX.createTarget('dir'),
      config: { extends: path.join(root, 'electron-builder.yml'), electronDist: stub, directories: { output: out, buildResources: 'app/build-resources' } } as never,
      publish: 'never',
    });
    const resources = path.join(out, 'linux-unpacked', 'resources');
    const asar = await import('@electron/asar');
    const files = asar.listPackage(path.join(resources, 'app.asar'), { isPack: false }).map((f: string) => f.replaceAll('\\', '/'));
    for (const wanted of ['/app/dist/main.mjs', '/app/dist/preload.cjs', '/app/dist/training-worker.mjs', '/app/renderer/dist/index.html', '/templates/binary-patterns.plastic.json']) {
      expect(files).toContain(wanted);
    }
    // Only the bundles: no TypeScript sources, no tests (node_modules aside, which packages ship as they are).
    const ours = files.filter((f: string) => !f.startsWith('/node_modules/'));
    expect(ours.filter((f: string) => f.endsWith('.ts') || f.endsWith('.tsx'))).toEqual([]);
    const pkg = JSON.parse(asar.extractFile(path.join(resources, 'app.asar'), 'package.json').toString());
    expect(pkg.main).toBe('app/dist/main.mjs');
    const wasm = await fs.readdir(path.join(resources, 'app.asar.unpacked/node_modules/@tensorflow/tfjs-backend-wasm/dist'));
    expect(wasm).toContain('tfjs-backend-wasm.wasm');
  }, 240_000);
});
