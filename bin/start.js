#!/usr/bin/env node
// `npm start`: the desktop app in Electron; where Electron's binary is missing (it could not be downloaded),
// the same app in a browser instead, served from this machine. Arguments after `--` go to `plasticity serve`
// in browser mode (e.g. `npm start -- --port 0 --open`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The Electron executable, or the reason there is none. PLASTICITY_ELECTRON names another executable. */
function findElectron() {
  let executable = process.env.PLASTICITY_ELECTRON;
  try {
    executable ??= require('electron');
  } catch {
    // The electron package downloads its binary the first time it is asked for it (it has no install step, so
    // `npm install` works offline); it throws when that download fails.
    return { missing: "Electron's binary is not installed and could not be downloaded (node_modules/electron has no dist/)" };
  }
  if (typeof executable === 'string' && existsSync(executable)) return { executable };
  return { missing: `Electron's binary is not installed (nothing at ${executable})` };
}

register();
const electron = process.env.PLASTICITY_BROWSER_MODE ? { missing: 'PLASTICITY_BROWSER_MODE is set' } : findElectron();

if (electron.executable) {
  const { buildElectronApp, electronMainEntry } = await import('../app/main/electron-build.ts');
  await buildElectronApp({ log: (line) => console.log(line) });
  const child = spawn(electron.executable, [electronMainEntry, ...process.argv.slice(2)], {
    stdio: 'inherit',
    cwd: repoRoot,
  });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
} else {
  console.log(`${electron.missing}.`);
  console.log('Starting the browser mode instead: the same app, in your browser.\n');
  const args = process.argv.slice(2);
  const value = (flag) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const { serveUntilInterrupted } = await import('../app/server/serve.ts');
  await serveUntilInterrupted({
    port: value('--port') === undefined ? 4780 : Number(value('--port')),
    open: args.includes('--open'),
    dataDir: value('--data-dir'),
    runsDir: value('--runs-dir'),
  });
}
