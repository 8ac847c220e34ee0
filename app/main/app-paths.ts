// Where the app finds its own files (templates, the renderer build) and keeps the user's (settings, runs).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
export const templatesDir = path.join(repoRoot, 'templates');
/** README.md and docs/ live here (the repository, or the packaged app's root). */
export const docsRoot = repoRoot;
export const rendererSourceDir = path.join(repoRoot, 'app', 'renderer');
export const rendererDistDir = path.join(rendererSourceDir, 'dist');

export const appVersion: string = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version;

/** Settings, recent files and autosaves: the platform's usual place, like Electron's userData. */
export function defaultDataDir(): string {
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Plasticity Studio');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Plasticity Studio');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'plasticity-studio');
}
