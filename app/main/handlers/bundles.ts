// Model bundles in the app: File → Export… writes a run's trained model (core/export's exportBundle), and
// File → Open reads one back, fully checked, to show its graph with a summary of its trained values.
// core/export reports problems as a BundleError (one line each, naming the file); here they become
// UserErrors, whose messages reach the user as they are.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { BundleError, bundleFiles, BUNDLE_FORMAT, type Bundle } from '../../../core/export/bundle-format.ts';
import type { GraphDocument } from '../../../core/graph/document.ts';
import type { TrainedModelInfo } from '../../shared/channels.ts';
import { isZipPath } from '../../shared/file-kinds.ts';
import { UserError } from './user-error.ts';
import { ownerNode, summarizeParameter } from './weight-summary.ts';

// These load tfjs (the weights are checked against the graph by building it): only when first used, so
// starting the app does not pay for them.
const exportRun = () => import('../../../core/export/export-run.ts');
const bundleFilesOnDisk = () => import('../../../core/export/bundle-files.ts');

async function asUserError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BundleError) throw new UserError(error.message);
    throw error;
  }
}

/** A .zip may only replace another model bundle, so an export can never overwrite an unrelated archive. */
async function checkZipTarget(target: string): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(target);
  } catch {
    return;
  }
  if (stat.isDirectory()) throw new UserError(`${target} is a folder; give the .zip file a name of its own.`);
  const { readBundleFiles } = await bundleFilesOnDisk();
  let format: unknown;
  try {
    const { modelJson } = readBundleFiles(target);
    format = (JSON.parse(new TextDecoder().decode(modelJson as Uint8Array)) as { format?: unknown }).format;
  } catch {
    format = undefined;
  }
  if (format !== BUNDLE_FORMAT) throw new UserError(`${target} exists and is not a model bundle, so it was left alone: choose another name.`);
}

export interface ExportedRun {
  path: string;
  zip: boolean;
  episodesDone: number;
  warnings: string[];
}

/** Writes the bundle of the run folder `runDir` at `outPath`: a .zip when `zip`, else a folder. */
export async function exportRunBundle(runDir: string, outPath: string, zip: boolean): Promise<ExportedRun> {
  const target = path.resolve(outPath);
  if (zip && !isZipPath(target)) throw new UserError(`A zipped model bundle's name ends in .zip: ${target}`);
  if (!zip && isZipPath(target)) throw new UserError(`${target} ends in .zip, but a folder was asked for; drop the .zip or export a zip file.`);
  try {
    await fs.access(runDir);
  } catch {
    throw new UserError(`The run folder ${runDir} no longer exists, so its model cannot be exported.`);
  }
  if (zip) await checkZipTarget(target);
  const { exportBundle } = await exportRun();
  const result = await asUserError(() => exportBundle(runDir, target, { zip }));
  return { path: target, zip, episodesDone: result.bundle.manifest.training.episodesDone, warnings: result.bundle.warnings };
}

/** What the page needs to show a bundle: its manifest's story and a summary of each weight. */
export function trainedModelInfo(bundlePath: string, bundle: Pick<Bundle, 'manifest' | 'graph' | 'weights'>): TrainedModelInfo {
  const { manifest, graph, weights } = bundle;
  const nodeIds = graph.nodes.map((n) => n.id);
  const recent = manifest.metrics.recentMean;
  return {
    path: bundlePath,
    exportedAt: manifest.exportedAt,
    training: {
      runId: manifest.training.runId,
      status: manifest.training.status,
      seed: manifest.training.seed,
      episodesDone: manifest.training.episodesDone,
      settings: manifest.training.settings,
    },
    metrics: {
      lastEpisode: manifest.metrics.lastEpisode,
      recentMean: recent && { fromEpisode: recent.fromEpisode, toEpisode: recent.toEpisode, episodes: recent.episodes, values: recent.values },
    },
    producedBy: { backend: manifest.producedBy.backend, versions: manifest.producedBy.versions },
    parameters: weights.specs.map((spec) => summarizeParameter(spec.name, ownerNode(spec.name, nodeIds), spec.shape, weights.values.get(spec.name) ?? new Float32Array(0))),
  };
}

/** Reads and checks the bundle at `bundlePath` (a .zip, a folder, or a folder's model.json). */
export async function openBundle(bundlePath: string): Promise<{ path: string; document: GraphDocument; model: TrainedModelInfo }> {
  const absolute = path.resolve(bundlePath);
  const { readBundle } = await bundleFilesOnDisk();
  const bundle = await asUserError(() => readBundle(absolute));
  // A folder's model.json stands for its folder: that is the bundle the user will see named.
  const shown = path.basename(absolute) === bundleFiles.model ? path.dirname(absolute) : absolute;
  return { path: shown, document: bundle.graph, model: trainedModelInfo(shown, bundle) };
}
