// The dataset loaders, injected into node builds as `ctx.tasks` (core/nodes/kind.ts; the interface is
// core/episodes/task-library.ts, so the node catalog never imports this Node-only module).
//
// The TaskLibrary holds only what touches the file system: the dataset loaders, synchronous and cached in
// memory per (folder, options), so a node build can call them directly and the second build of the same
// graph (or a second node reading the same data) costs nothing. The first Omniglot load takes a few
// seconds (32,460 drawings decoded and resized), CIFAR-10 about one second per 10,000 images.
//
// The episode generators and the maze are pure TypeScript in core/episodes, which the renderer may load too.
// This file imports Node-only modules: import it from the compiler and the CLI, never from the renderer.
import path from 'node:path';
import { cifarMissing, loadCifarTest, loadCifarTraining } from './cifar.ts';
import { defaultDataDir } from './data-dir.ts';
import type { TaskLibrary } from '../episodes/task-library.ts';
import { loadOmniglot, omniglotMissing } from './omniglot.ts';

export { defaultDataDir } from './data-dir.ts';
export type { GrayImageSet } from '../episodes/image-episodes.ts';
export type { OmniglotDataset } from '../episodes/omniglot-episodes.ts';
export type { CifarTrainingOptions, DatasetUse, OmniglotLoadOptions, TaskLibrary } from '../episodes/task-library.ts';

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
    missingDataset(dataset, source) {
      const folder = resolveDataFolder(source);
      return dataset === 'omniglot' ? omniglotMissing(folder) : cifarMissing(folder, dataset === 'cifar-training' ? 'training' : 'test');
    },
    clearCache: () => cache.clear(),
  };
}

/** The process-wide library the compiler injects. */
export const taskLibrary: TaskLibrary = createTaskLibrary();
