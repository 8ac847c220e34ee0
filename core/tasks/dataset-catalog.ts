// The downloadable datasets as a user sees them: what each is, which templates read it, and whether a data
// folder holds it in a form the loaders accept. Shared by `plasticity data` and the app's Datasets view.
import type { DatasetUse, TaskLibrary } from '../episodes/task-library.ts';
import { datasetSources, type DatasetName, type DatasetSource } from './download.ts';

/** Each downloadable dataset and the parts of it the loaders check. */
export const datasetUses: Record<DatasetName, { uses: DatasetUse['dataset'][]; readBy: string }> = {
  omniglot: { uses: ['omniglot'], readBy: 'the Omniglot templates (their Omniglot few-shot node)' },
  cifar10: { uses: ['cifar-training', 'cifar-test'], readBy: 'the natural-image templates (their Natural images node)' },
};

export const datasetNames = Object.keys(datasetUses) as DatasetName[];

export function isDatasetName(name: string): name is DatasetName {
  return Object.hasOwn(datasetUses, name);
}

export interface DatasetStatus {
  name: DatasetName;
  title: string;
  readBy: string;
  /** Why the loaders would not find it in the folder; null when they would. */
  problem: string | null;
}

export function datasetStatuses(folder: string, tasks: Pick<TaskLibrary, 'missingDataset'>): DatasetStatus[] {
  return datasetNames.map((name) => {
    const { uses, readBy } = datasetUses[name];
    const problem = uses.map((use) => tasks.missingDataset(use, folder)).find((reason) => reason !== null) ?? null;
    return { name, title: datasetSources[name].title, readBy, problem };
  });
}

/** The catalogue's files from another host (an offline mirror): same file names, same checksums. */
export function fromMirror(source: DatasetSource, mirror: string): DatasetSource {
  const base = mirror.endsWith('/') ? mirror : `${mirror}/`;
  return { ...source, files: source.files.map((file) => ({ ...file, url: new URL(file.fileName, base).href })) };
}
