// Run folder → model bundle: the graph exactly as trained, the last checkpoint's weights, the seed and
// settings, the final metrics, and the backend and versions that produced them (Node).
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { graphDocumentFromJson } from '../graph/document.ts';
import { loadCheckpoint, type Checkpoint } from '../train/checkpoint.ts';
import { readMetrics, readRunInfo, runFiles, type MetricsRecord, type RunInfo } from '../train/run-folder.ts';
import { softwareVersions } from '../train/versions.ts';
import { writeBundle } from './bundle-files.ts';
import { BUNDLE_FORMAT, BUNDLE_VERSION, BundleError, type Bundle, type BundleManifest } from './bundle-format.ts';
import { checkWeightsFitGraph } from './model-graph.ts';

/** Episodes averaged in the manifest's `metrics.recentMean`. */
export const RECENT_EPISODES = 10;

/** Reads a file of the run folder; any failure becomes one BundleError line that names the file. */
function fromRun<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof BundleError) throw error;
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT') throw new BundleError(`${file} is missing: is this a run folder (from \`plasticity train\` or the app)?`);
    throw new BundleError(message.includes(path.dirname(file)) ? message : `${file}: ${message}`);
  }
}

/** The finite numbers of a metrics record, without its bookkeeping (episode, seconds). */
function metricValues(record: MetricsRecord): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [name, value] of Object.entries(record)) {
    if (name !== 'episode' && name !== 'seconds' && typeof value === 'number' && Number.isFinite(value)) values[name] = value;
  }
  return values;
}

/** The last episode's metrics and the mean of the last few, for the episodes the weights have seen. */
export function summarizeMetrics(records: MetricsRecord[], upToEpisode: number): BundleManifest['metrics'] {
  const trained = records.filter((r) => r.episode <= upToEpisode);
  if (trained.length === 0) return { lastEpisode: null, recentMean: null };
  const last = trained[trained.length - 1];
  const recent = trained.slice(-RECENT_EPISODES);
  const sums = new Map<string, { total: number; count: number }>();
  for (const record of recent) {
    for (const [name, value] of Object.entries(metricValues(record))) {
      const sum = sums.get(name) ?? { total: 0, count: 0 };
      sums.set(name, { total: sum.total + value, count: sum.count + 1 });
    }
  }
  return {
    lastEpisode: { episode: last.episode, ...metricValues(last) },
    recentMean: {
      fromEpisode: recent[0].episode,
      toEpisode: last.episode,
      episodes: recent.length,
      values: Object.fromEntries([...sums].map(([name, { total, count }]) => [name, total / count])),
    },
  };
}

export interface RunBundle extends Bundle {
  /** Things the user should know about what was exported (an unfinished run, an untrained model). */
  warnings: string[];
}

/** Assembles the bundle of a run folder in memory; throws BundleError naming the file at fault. */
export function bundleFromRun(runDir: string): RunBundle {
  const info: RunInfo = fromRun(path.join(runDir, runFiles.info), () => readRunInfo(runDir));
  const graphFile = path.join(runDir, runFiles.graph);
  const graphJson: unknown = fromRun(graphFile, () => JSON.parse(fs.readFileSync(graphFile, 'utf8')));
  const graph = graphDocumentFromJson(graphJson, graphFile);
  if (!graph.ok) throw new BundleError(graph.problems.map((p) => p.message));
  const checkpointDir = path.join(runDir, runFiles.checkpoint);
  const checkpoint: Checkpoint = fromRun(checkpointDir, () => loadCheckpoint(checkpointDir));

  const warnings: string[] = [];
  if (info.status === 'running' || info.status === 'paused') {
    warnings.push(`the run is still ${info.status}; the bundle holds its last checkpoint (episode ${checkpoint.episode}).`);
  } else if (info.status === 'failed') {
    warnings.push(`the run failed${info.error ? ` (${info.error})` : ''}; the bundle holds its last good checkpoint (episode ${checkpoint.episode}).`);
  }
  if (checkpoint.episode === 0) warnings.push('the checkpoint is from episode 0: these weights are untrained.');

  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exportedAt: new Date().toISOString(),
    graph: graphJson as Record<string, unknown>,
    training: {
      runId: info.runId,
      status: info.status,
      seed: info.seed,
      episodesDone: checkpoint.episode,
      settings: graph.document.training as Record<string, unknown>,
    },
    metrics: summarizeMetrics(readMetrics(runDir), checkpoint.episode),
    producedBy: { backend: info.backend, versions: info.versions, exportedWith: softwareVersions() },
    weightsManifest: [{ paths: ['weights.bin'], weights: checkpoint.parameters.specs }],
  };
  return { manifest, graph: graph.document, weights: checkpoint.parameters, warnings };
}

export interface ExportResult {
  path: string;
  zip: boolean;
  bundle: RunBundle;
}

/**
 * Exports a run folder as a model bundle at `outPath` (a folder, or a .zip with `zip`), after checking
 * that the weights fit the graph. For the app's File → Export… and `plasticity export`.
 */
export async function exportBundle(runDir: string, outPath: string, options: { zip?: boolean } = {}): Promise<ExportResult> {
  const bundle = bundleFromRun(runDir);
  await tf.ready();
  checkWeightsFitGraph(bundle, runDir);
  writeBundle(bundle, outPath, { zip: options.zip });
  return { path: outPath, zip: Boolean(options.zip), bundle };
}
