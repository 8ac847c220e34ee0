// What node builds may load from disk, as an interface: the catalog (core/nodes) depends on this and never
// on the Node-only loaders that implement it (core/tasks/index.ts), so the renderer can load the catalog.
import type { GrayImageSet } from './image-episodes.ts';
import type { OmniglotDataset } from './omniglot-episodes.ts';

export interface OmniglotLoadOptions {
  /** 'skimage' (default): the paper's resize from 105×105; 'area': the packed 31×31 files (faster, see above). */
  resampling?: 'skimage' | 'area';
  /** Gaussian anti-aliasing before the bilinear resize (skimage ≥ 0.16 default). Default true. */
  antiAliasing?: boolean;
  splitSeed?: string;
  testClassCount?: number;
}

export interface CifarTrainingOptions {
  /** Official data_batch_N files to use; default [1, 2, 3, 4] as the paper. */
  batches?: number[];
}

/** A dataset a node reads, and the parameter that says from where ('' = the default data folder). */
export interface DatasetUse {
  dataset: 'omniglot' | 'cifar-training' | 'cifar-test';
  /** The parameter naming the folder, and its value. */
  param: string;
  source: string;
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
  /** Why the dataset cannot be read from `source` (names only, nothing decoded), or null when its files are there. */
  missingDataset(dataset: DatasetUse['dataset'], source: string): string | null;
  /** Drops every cached dataset (frees the memory; the next load reads the files again). */
  clearCache(): void;
}
