// Builds the production renderer with vite when it is missing or older than its sources, so `npm start`,
// `plasticity serve` and the end-to-end tests always serve what is in the working tree.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, rendererDistDir, rendererSourceDir } from '../main/app-paths.ts';

/** Everything the renderer bundle is made from. */
const sourceDirs = ['app/renderer', 'app/shared', 'core/graph', 'core/nodes', 'core/tasks', 'core/util'].map((d) => path.join(repoRoot, d));

async function newestSourceTime(dir: string): Promise<number> {
  let newest = 0;
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'dist' || entry.name === 'node_modules') continue;
      newest = Math.max(newest, await newestSourceTime(full));
    } else {
      newest = Math.max(newest, (await fs.stat(full)).mtimeMs);
    }
  }
  return newest;
}

export async function isRendererBuildStale(): Promise<boolean> {
  let built: number;
  try {
    built = (await fs.stat(path.join(rendererDistDir, 'index.html'))).mtimeMs;
  } catch {
    return true;
  }
  const newest = Math.max(...(await Promise.all(sourceDirs.map(newestSourceTime))));
  return newest > built;
}

export async function buildRenderer(options: { quiet?: boolean } = {}): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: path.join(rendererSourceDir, 'vite.config.ts'), logLevel: options.quiet ? 'warn' : 'info' });
}

/** Two processes (test files, a test and `npm start`) must not build into the same folder at once. */
async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = path.join(os.tmpdir(), `plasticity-renderer-build-${Buffer.from(repoRoot).toString('base64url').slice(-24)}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await fs.mkdir(lock);
      break;
    } catch {
      const stat = await fs.stat(lock).catch(() => null);
      if (stat && Date.now() - stat.mtimeMs > 180_000) await fs.rm(lock, { recursive: true, force: true }); // left by a killed build
      if (Date.now() > deadline) throw new Error(`Timed out waiting for another build of the renderer (lock ${lock}).`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lock, { recursive: true, force: true });
  }
}

/** Builds only when needed; returns whether it built. */
export async function ensureRendererBuilt(options: { quiet?: boolean; log?: (line: string) => void } = {}): Promise<boolean> {
  if (!(await isRendererBuildStale())) return false;
  return withBuildLock(async () => {
    if (!(await isRendererBuildStale())) return false; // built by whoever held the lock
    options.log?.('Building the app (renderer) …');
    await buildRenderer(options);
    return true;
  });
}
