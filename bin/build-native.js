#!/usr/bin/env node
// Builds the native kernels (native/, an N-API addon) with node-gyp; `npm install` runs it. Where this
// machine cannot build them (no C++ compiler, no Node headers and no network to fetch them) it says so and
// succeeds, and the engine runs its JavaScript and wasm paths instead; `--strict` makes that an error.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');
const require = createRequire(import.meta.url);

function give(reason) {
  const message = `Native kernels not built: ${reason}\nTraining still works, on the slower JavaScript/wasm path; \`npm run build:native\` tries again.`;
  console.warn(message);
  process.exit(strict ? 1 : 0);
}

let nodeGyp;
try {
  nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  give('node-gyp is not installed (npm install first).');
}
const args = [nodeGyp, 'rebuild', '--directory', path.join(repoRoot, 'native')];
// Node's own headers, where its package installed them (e.g. /usr/include/node), spare node-gyp a download.
const prefix = path.resolve(path.dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
const build = spawnSync(process.execPath, args, { encoding: 'utf8' });
if (build.status !== 0) {
  const lines = `${build.stdout ?? ''}\n${build.stderr ?? ''}`.split('\n').filter((line) => /error|ERR!/i.test(line));
  give(`node-gyp failed${build.error ? ` (${build.error.message})` : ''}:\n  ${lines.slice(0, 8).join('\n  ')}`);
}
console.log(`Native kernels built: ${path.join('native', 'build', 'Release', 'plasticity_kernels.node')}`);
