// Public face of model bundles (README.md, "Model bundles"): export a run, read and write bundles, and the
// runtime API. In a browser, import from './model.ts' (and './bundle-format.ts'), which need no Node modules.
export {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  BundleError,
  bundleFiles,
  type Bundle,
  type BundleFiles,
  type BundleManifest,
  type NamedWeights,
  type WeightSpec,
} from './bundle-format.ts';
export { decodeBundle, encodeBundle } from './bundle-codec.ts';
export { zipBundleFiles, unzipBundleFiles } from './bundle-zip.ts';
export { readBundle, readBundleFiles, decodeBundleAt, writeBundle } from './bundle-files.ts';
export { exportBundle, bundleFromRun, type ExportResult, type RunBundle } from './export-run.ts';
export { loadModel, createModel, ModelInputError, type PlasticModel, type ModelSource, type StepInput, type StepOutput, type EpisodeOutput } from './model.ts';
export { buildModelGraph, checkWeightsFitGraph, type ModelGraph, type ModelPort } from './model-graph.ts';
export { taskEpisodes, perEpisodeSteps, type TaskEpisodeResult } from './task-episodes.ts';
