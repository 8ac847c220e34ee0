// The default data folder, where datasets are looked for when a node's dataFolder is empty:
// PLASTICITY_DATA_DIR when it is set (the tests and CI point it at the team's copy of the datasets), else a
// per-user folder by each OS's convention.
import os from 'node:os';
import path from 'node:path';

export const dataDirVariable = 'PLASTICITY_DATA_DIR';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string {
  const chosen = env[dataDirVariable]?.trim();
  if (chosen) return path.resolve(chosen);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Plasticity Studio', 'datasets');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Plasticity Studio', 'datasets');
  // XDG base directories: $XDG_DATA_HOME, else ~/.local/share.
  return path.join(env.XDG_DATA_HOME?.trim() || path.join(home, '.local', 'share'), 'plasticity-studio', 'datasets');
}
