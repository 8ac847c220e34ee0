// electron-builder.yml checked offline: it passes electron-builder's own schema and names the targets the app
// ships for. Packing it (`--dir`, with a stub Electron) is tested in electron-build.test.ts, after the bundles.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { electronMainEntry } from './electron-build.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const configFile = path.join(root, 'electron-builder.yml');

async function loadConfig() {
  // electron-builder's own loader and schema validator (app-builder-lib is its library half).
  const { getConfig, validateConfiguration } = await import('app-builder-lib/out/util/config/config.js');
  const { DebugLogger } = await import('builder-util');
  const config = await getConfig(root, configFile, null);
  return { config, validate: (c: unknown) => validateConfiguration(c as never, new DebugLogger(false)) };
}

describe('electron-builder.yml', () => {
  it('passes electron-builder\'s schema and a broken copy does not', async () => {
    const { config, validate } = await loadConfig();
    await expect(validate(config)).resolves.toBeUndefined();
    await expect(validate({ ...config, notAnOption: true })).rejects.toThrow(/notAnOption/);
  });

  it('builds AppImage and deb for Linux, nsis for Windows, dmg for macOS, with an id, an icon and the bundle as entry', async () => {
    const { config } = await loadConfig();
    expect(config.appId).toMatch(/^[a-z][\w.-]+\.[\w.-]+$/);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
    await expect(fs.access(path.join(root, config.icon as string))).resolves.toBeUndefined();
    expect(path.join(root, (config.extraMetadata as { main: string }).main)).toBe(electronMainEntry);
    const files = (config.files as { filter: string[] }[]).flatMap((f) => f.filter);
    expect(files).toEqual(expect.arrayContaining(['app/dist/**', 'app/renderer/dist/**', 'templates/*.plastic.json', 'docs/*.md', 'README.md']));
  });
});
