// Where the project's shared datasets live for tests and CI: `../shared/data` beside the repository
// (DESIGN.md "Data"). Users do not have this folder; the app passes a folder they pick instead.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function defaultDataDir(): string {
  return path.resolve(repoRoot, '../shared/data');
}
