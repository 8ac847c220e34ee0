// `npm install` must work on a machine that reaches the npm registry and nothing else (issue: a newcomer's
// first hour). What could break it is an install script that downloads from another host, as electron's did
// before version 42. The lock file says which packages run one; each is allowed here for a stated reason, and a
// new one fails this test until someone checks what it does.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '..');

const allowed: Record<string, string> = {
  '': 'this package: bin/build-native.js builds the native kernels with node-gyp from Node\'s own headers; where it cannot (no compiler, no headers, no network for them) it prints a notice and succeeds',
  'node_modules/@tensorflow/tfjs-node': 'optional dependency: its download of libtensorflow may fail, and npm then skips it',
  'node_modules/core-js': 'prints a message; errors are swallowed',
  'node_modules/esbuild': 'checks the platform binary, which comes from the npm registry as an optional package',
  'node_modules/electron-winstaller': 'picks the bundled 7-Zip for the architecture; no network',
  'node_modules/msgpackr-extract': 'optional (BullMQ\'s faster message decoding): loads the prebuilt binary that comes from the npm registry as an optional package; if that fails npm skips it',
};

describe('install scripts', () => {
  const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean; optional?: boolean }> };

  it('only the reviewed packages run an install script, so npm install needs no host but the registry', () => {
    const scripted = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([name]) => name);
    expect(scripted.sort()).toEqual(Object.keys(allowed).sort());
  });

  it('electron, whose binary is downloaded at first launch (not at install), runs none; tfjs-node stays optional', () => {
    expect(lock.packages['node_modules/electron']?.hasInstallScript).toBeFalsy();
    expect(lock.packages['node_modules/@tensorflow/tfjs-node']?.optional).toBe(true);
  });
});
