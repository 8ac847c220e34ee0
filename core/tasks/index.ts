// Episode generators and dataset loaders, injected into node builds as `ctx.tasks` (core/nodes/kind.ts).
//
// The TaskLibrary holds only what touches the file system: the dataset loaders, synchronous and cached in
// memory per (folder, options), so a node build can call them directly and the second build of the same
// graph (or a second node reading the same data) costs nothing. The first Omniglot load takes a few
// seconds (32,460 drawings decoded and resized), CIFAR-10 about one second per 10,000 images.
//
// The episode generators and the maze are pure TypeScript and are imported straight from their modules
// (binary-patterns.ts, image-episodes.ts, omniglot-episodes.ts, maze.ts), which the renderer may load too.
// This file imports Node-only modules: import it from the compiler and the CLI, never from the renderer.
import path from 'node:path';
import { loadCifarTest, loadCifarTraining } from './cifar.ts';
import { defaultDataDir } from './data-dir.ts';
import type { GrayImageSet } from './image-episodes.ts';
import type { OmniglotDataset } from './omniglot-episodes.ts';
import { type OmniglotLoadOptions, loadOmniglot } from './omniglot.ts';

export { defaultDataDir } from './data-dir.ts';
export type { GrayImageSet } from './image-episodes.ts';
export type { OmniglotDataset } from './omniglot-episodes.ts';
export type { OmniglotLoadOptions } from './omniglot.ts';

export interface CifarTrainingOptions {
  /** Official data_batch_N files to use; default [1, 2, 3, 4] as the paper. */
  batches?: number[];
}

export interface TaskLibrary {
  /**
   * Omniglot, decoded, resized to 31×31 and split into train/test classes.
   * `source`: a folder holding the official `images_background/` + `images_evaluation/` (or their zips),
   * or the packed copy; '' means defaultDataDir(). Throws an error naming the folder and the files it expected.
   */
  loadOmniglot(source: string, options?: OmniglotLoadOptions): OmniglotDataset;
  /** CIFAR-10 training images as the paper's normalised grayscale (see cifar.ts for the accepted layouts). */
  loadCifarTraining(source: string, options?: CifarTrainingOptions): GrayImageSet;
  /** CIFAR-10 images never used for training (the official test batch, or the JPEG test pack). */
  loadCifarTest(source: string): GrayImageSet;
  /** The folder a '' source stands for: PLASTICITY_DATA_DIR, else the per-user data folder (data-dir.ts). */
  defaultDataDir(): string;
  /** Drops every cached dataset (frees the memory; the next load reads the files again). */
  clearCache(): void;
}

/** An absolute folder for a user-given source; '' stands for defaultDataDir(). */
export function resolveDataFolder(source: string): string {
  return source.trim() === '' ? defaultDataDir() : path.resolve(source);
}

/** A TaskLibrary with its own cache. */
export function createTaskLibrary(): TaskLibrary {
  const cache = new Map<string, unknown>();
  const cached = <T>(key: unknown[], load: () => T): T => {
    const id = JSON.stringify(key);
    if (!cache.has(id)) cache.set(id, load());
    return cache.get(id) as T;
  };
  return {
    loadOmniglot(source, options = {}) {
      const folder = resolveDataFolder(source);
      return cached(['omniglot', folder, options], () => loadOmniglot(folder, options));
    },
    loadCifarTraining(source, options = {}) {
      const folder = resolveDataFolder(source);
      return cached(['cifar-training', folder, options], () => loadCifarTraining(folder, options));
    },
    loadCifarTest(source) {
      const folder = resolveDataFolder(source);
      return cached(['cifar-test', folder], () => loadCifarTest(folder));
    },
    defaultDataDir,
    clearCache: () => cache.clear(),
  };
}

/** The process-wide library the compiler injects. */
export const taskLibrary: TaskLibrary = createTaskLibrary();
