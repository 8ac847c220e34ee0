// The Datasets view's requests: where the app looks for datasets (a folder the user chose, else
// PLASTICITY_DATA_DIR, else the per-user data folder), which datasets are there, downloads with progress, and
// choosing a folder that already holds them. The choice is saved in the app's settings and exported as
// PLASTICITY_DATA_DIR, so validation, the loaders and every training process started afterwards read it.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DatasetFolderState, DatasetProgress } from '../../shared/channels.ts';
import { datasetStatuses, fromMirror, isDatasetName, datasetNames } from '../../../core/tasks/dataset-catalog.ts';
import { datasetSources, downloadDataset, type DatasetName, type DatasetSource } from '../../../core/tasks/download.ts';
import { dataDirVariable } from '../../../core/tasks/data-dir.ts';
import { resolveDataFolder, taskLibrary } from '../../../core/tasks/index.ts';
import { writeFileAtomicAsync } from '../../../core/util/atomic-write.ts';
import { UserError } from './user-error.ts';

export interface DatasetsOptions {
  /** The app's settings folder; the chosen data folder is kept in datasets.json there. */
  settingsDir: string;
  /** Fetch the catalogue's files from this base URL instead of the official hosts (an offline mirror). */
  mirror?: string;
  /** Replaces the official catalogue (tests serve small archives with their own checksums). */
  sources?: Partial<Record<DatasetName, DatasetSource>>;
  onProgress(progress: DatasetProgress): void;
}

export class Datasets {
  private readonly settingsFile: string;
  private readonly downloading = new Set<string>();

  constructor(private readonly options: DatasetsOptions) {
    this.settingsFile = path.join(options.settingsDir, 'datasets.json');
  }

  /** Applies a saved choice of folder to this process (once, at start). */
  restore(): void {
    const saved = this.savedFolder();
    if (saved) process.env[dataDirVariable] = saved;
  }

  folder(): string {
    return resolveDataFolder('');
  }

  state(): DatasetFolderState {
    const folder = this.folder();
    return { folder, datasets: datasetStatuses(folder, taskLibrary) };
  }

  async download(name: string): Promise<DatasetFolderState> {
    if (!isDatasetName(name)) throw new UserError(`There is no dataset "${name}"; the datasets are ${datasetNames.join(', ')}.`);
    if (this.downloading.has(name)) throw new UserError(`${datasetSources[name].title} is already downloading.`);
    this.downloading.add(name);
    try {
      const catalogued = this.options.sources?.[name] ?? datasetSources[name];
      const source = this.options.mirror ? fromMirror(catalogued, this.options.mirror) : catalogued;
      await downloadDataset(name, this.folder(), { source, onProgress: (p) => this.options.onProgress({ name, ...p }) });
    } catch (error) {
      throw new UserError(`Could not download ${datasetSources[name].title}: ${(error as Error).message.replace(/^download: /, '')}`);
    } finally {
      this.downloading.delete(name);
    }
    return this.state();
  }

  async useFolder(requested: string): Promise<DatasetFolderState> {
    const folder = path.resolve(requested);
    if (!existsSync(folder)) throw new UserError(`The folder ${folder} does not exist.`);
    const datasets = datasetStatuses(folder, taskLibrary);
    if (datasets.every((d) => d.problem !== null)) {
      throw new UserError(`${folder} holds none of the datasets. ${datasets.map((d) => `${d.title}: ${d.problem}.`).join(' ')}`);
    }
    mkdirSync(this.options.settingsDir, { recursive: true });
    await writeFileAtomicAsync(this.settingsFile, JSON.stringify({ folder }, null, 2) + '\n');
    process.env[dataDirVariable] = folder;
    return { folder, datasets };
  }

  private savedFolder(): string | null {
    try {
      const folder = (JSON.parse(readFileSync(this.settingsFile, 'utf8')) as { folder?: unknown }).folder;
      return typeof folder === 'string' && folder.length > 0 ? folder : null;
    } catch {
      return null; // no choice saved yet (or an unreadable file: the default applies)
    }
  }
}
