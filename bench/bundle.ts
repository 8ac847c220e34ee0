// `--ours-runner bundle`: our side as the app ships it. The Electron app runs the engine from a Vite SSR
// bundle under plain Node (app/main/electron-build.ts), not through tsx; tsx's loader thread alone adds
// ~35 MB to a process's peak RSS. This builds bench/ours.ts the same way into node_modules/.cache (so bare
// imports resolve to the repo's node_modules) and puts the sweep worker's plain-JS modules beside it.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const bundleDir = path.join(root, 'node_modules', '.cache', 'plasticity-bench');
export const oursBundle = path.join(bundleDir, 'ours.mjs');

/** Files the kernels' worker threads load from beside the bundle (core/plasticity/thread-pool.ts). */
const WORKER_FILES = ['sweep-worker.js', 'sweep-commands.js', 'trace-sweeps.js'];

function nodeExternals(): (id: string) => boolean {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const packages = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})];
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  return (id) => builtins.has(id) || packages.some((p) => id === p || id.startsWith(`${p}/`));
}

/** Builds the bundle (a few seconds) and returns its path. */
export async function buildOursBundle(): Promise<string> {
  const { build } = await import('vite');
  rmSync(bundleDir, { recursive: true, force: true });
  mkdirSync(bundleDir, { recursive: true });
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: true,
      outDir: bundleDir,
      emptyOutDir: false,
      target: 'node20',
      rollupOptions: {
        input: { ours: path.join(root, 'bench/ours.ts') },
        external: nodeExternals(),
        output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' },
      },
    },
  });
  for (const file of WORKER_FILES) copyFileSync(path.join(root, 'core/plasticity', file), path.join(bundleDir, file));
  return oursBundle;
}
