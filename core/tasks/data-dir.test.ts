import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir } from './data-dir.ts';

describe('defaultDataDir', () => {
  it('is PLASTICITY_DATA_DIR when set, else the per-user data folder of the OS', () => {
    expect(defaultDataDir({ PLASTICITY_DATA_DIR: '/data/sets' }, 'linux', '/home/ada')).toBe(path.resolve('/data/sets'));
    expect(defaultDataDir({}, 'linux', '/home/ada')).toBe('/home/ada/.local/share/plasticity-studio/datasets');
    expect(defaultDataDir({ XDG_DATA_HOME: '/xdg' }, 'linux', '/home/ada')).toBe('/xdg/plasticity-studio/datasets');
    expect(defaultDataDir({ PLASTICITY_DATA_DIR: '  ' }, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Application Support/Plasticity Studio/datasets');
    expect(defaultDataDir({ APPDATA: 'C:/Users/ada/AppData/Roaming' }, 'win32', 'C:/Users/ada')).toBe(path.join('C:/Users/ada/AppData/Roaming', 'Plasticity Studio', 'datasets'));
  });
});
