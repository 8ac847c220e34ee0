// Builds what Electron runs: the renderer (app/renderer/dist), the main process and the training worker
// (app/dist/*.mjs, ES modules for Node), and the preload (app/dist/preload.cjs, one self-contained file,
// because a sandboxed preload cannot load modules from disk). Dependencies stay in node_modules.
// Everything lands directly in app/dist/ so paths relative to a bundle (../../package.json, the templates)
// resolve as they do from the sources' own folders two levels down.
import { builtinModules } from 'node:module';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRendererBuilt } from '../server/renderer-build.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const electronDistDir = path.join(root, 'app', 'dist');
export const electronMainEntry = path.join(electronDistDir, 'main.mjs');

function nodeExternals(): (id: string) => boolean {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const packages = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}), 'electron'];
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  return (id) => builtins.has(id) || packages.some((p) => id === p || id.startsWith(`${p}/`));
}

export async function buildElectronApp(options: { log?: (line: string) => void } = {}): Promise<void> {
  const { build } = await import('vite');
  await ensureRendererBuilt({ quiet: true, log: options.log });
  options.log?.('Building the Electron main process and preload …');
  rmSync(electronDistDir, { recursive: true, force: true }); // no stale chunks from an earlier build
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: true,
      outDir: electronDistDir,
      emptyOutDir: false,
      target: 'node20',
      sourcemap: true,
      rollupOptions: {
        input: {
          main: path.join(root, 'app/main/index.ts'),
          'training-worker': path.join(root, 'app/main/training/worker.ts'),
          // A sweep's jobs are `plasticity train` processes (core/sweep/local-pool.ts).
          'plasticity-cli': path.join(root, 'core/cli/main.ts'),
          // Training splits a batch over worker threads that load this beside the bundle (core/train/batch-threads.ts).
          'batch-worker': path.join(root, 'core/train/batch-worker.ts'),
        },
        external: nodeExternals(),
        output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' },
      },
    },
  });
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: electronDistDir,
      emptyOutDir: false,
      target: 'chrome120',
      minify: false,
      lib: { entry: path.join(root, 'app/preload/index.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' },
      rollupOptions: { external: ['electron'] },
    },
  });
}

// `npm run build:electron`
if (process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  await buildElectronApp({ log: (line) => console.log(line) });
  console.log(`Built ${path.relative(root, electronDistDir)}/ (main.mjs, preload.cjs, training-worker.mjs) and app/renderer/dist/.`);
}
