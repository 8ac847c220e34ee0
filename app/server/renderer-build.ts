// Builds the production renderer with vite when it is missing or older than its sources, so `npm start`,
// `plasticity serve` and the end-to-end tests always serve what is in the working tree.
import { promises as fs } from 'node:fs';
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

/** Builds only when needed; returns whether it built. */
export async function ensureRendererBuilt(options: { quiet?: boolean; log?: (line: string) => void } = {}): Promise<boolean> {
  if (!(await isRendererBuildStale())) return false;
  options.log?.('Building the app (renderer) …');
  await buildRenderer(options);
  return true;
}
