import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTaskLibrary, defaultDataDir, resolveDataFolder, taskLibrary } from './index.ts';

describe('task library', () => {
  it('finds the shared data beside the repository', () => {
    expect(defaultDataDir().endsWith(path.join('shared', 'data'))).toBe(true);
    expect(existsSync(path.join(defaultDataDir(), 'README.md'))).toBe(true);
    expect(resolveDataFolder('')).toBe(defaultDataDir());
    expect(resolveDataFolder('relative/dir')).toBe(path.resolve('relative/dir'));
    expect(taskLibrary.defaultDataDir()).toBe(defaultDataDir());
  });

  it('caches a dataset per folder and options, until cleared', () => {
    const library = createTaskLibrary();
    const first = library.loadCifarTraining('');
    expect(first.count).toBe(4000);
    // Identity checks by ===: vitest's toBe/not.toBe deep-compare big objects to explain a failure, which takes minutes here.
    expect(library.loadCifarTraining(defaultDataDir()) === first).toBe(true);
    expect(library.loadCifarTraining('', { batches: [1] }) === first).toBe(false);
    library.clearCache();
    const again = library.loadCifarTraining('');
    expect(again === first).toBe(false);
    expect(again.pixels.length).toBe(first.pixels.length);
    expect(again.pixels.every((v, i) => v === first.pixels[i])).toBe(true);
  });

  it('names the folder and the files it looked for when the data is absent', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'tasks-empty-'));
    try {
      const library = createTaskLibrary();
      expect(() => library.loadOmniglot(empty)).toThrow(new RegExp(`Omniglot not found in ${empty}.*images_background`));
      expect(() => library.loadCifarTraining(empty)).toThrow(new RegExp(`not found in ${empty}.*data_batch_1\\.bin`));
      expect(() => library.loadCifarTest(empty)).toThrow(new RegExp(`not found in ${empty}.*test_batch\\.bin`));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
