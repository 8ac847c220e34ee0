// Versions recorded with every run and export, so a result can be traced to the software that made it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { nativeKernels } from '../native/kernels.ts';

const require = createRequire(import.meta.url);
const repoRoot = path.resolve(import.meta.dirname, '../..');

/** The commit of a source checkout (with "+changes" when its tree differs from it); none for an installed app. */
function sourceCommit(): string | undefined {
  if (!fs.existsSync(path.join(repoRoot, '.git'))) return undefined;
  const head = spawnSync('git', ['rev-parse', '--short=10', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  if (head.status !== 0) return undefined;
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8' });
  return head.stdout.trim() + (status.status === 0 && status.stdout.trim() ? '+changes' : '');
}

let commit: string | undefined | null = null;

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'absent';
  }
}

export function softwareVersions(): Record<string, string> {
  return {
    plasticityStudio: (require('../../package.json') as { version: string }).version,
    tfjs: packageVersion('@tensorflow/tfjs'),
    node: process.versions.node,
    // Whether layers ran on the native kernels (core/native) or on the JavaScript/wasm path: the speed differs.
    nativeKernels: nativeKernels() ? 'on' : 'off',
    ...optionalCommit(),
  };
}

function optionalCommit(): { commit?: string } {
  if (commit === null) commit = sourceCommit();
  return commit === undefined ? {} : { commit };
}
