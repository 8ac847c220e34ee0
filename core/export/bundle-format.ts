// The model bundle: a trained network as two files that run outside the app (README.md, "Model bundles").
//
//   model.json   { format: "plasticity-model", version: 1, exportedAt, graph, training, metrics, producedBy,
//                  weightsManifest: [{ paths: ["weights.bin"], weights: [{ name, shape, dtype: "float32" }] }] }
//   weights.bin  every parameter's float32 values, little-endian, concatenated in manifest order
//
// `weightsManifest` is TensorFlow.js's layout, so `tf.io.decodeWeights` reads weights.bin without our code.
// A bundle is a folder holding the two files, or a .zip holding them at its root.
// This module has no Node-only imports: browsers use it too.
import { z } from 'zod';
import { InputError } from '../util/input-error.ts';
import type { GraphDocument } from '../graph/document.ts';

export const BUNDLE_FORMAT = 'plasticity-model';
export const BUNDLE_VERSION = 1;
export const bundleFiles = { model: 'model.json', weights: 'weights.bin' } as const;
/** The largest files a bundle may hold: checked before reading or inflating, so a huge or hostile file is refused unread. */
export const bundleLimits = { modelJsonBytes: 64 * 1024 * 1024, weightsBytes: 1024 * 1024 * 1024 } as const;

export const WeightSpecSchema = z
  .object({ name: z.string().min(1), shape: z.array(z.number().int().nonnegative()), dtype: z.literal('float32') })
  .loose();
export type WeightSpec = z.infer<typeof WeightSpecSchema>;

/** Metric values by name (`loss`, `signError`, …). */
const MetricValues = z.record(z.string(), z.number());

export const BundleManifestSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    version: z.literal(BUNDLE_VERSION),
    exportedAt: z.string(),
    /** The graph document exactly as trained; parsed by core/graph (with its migrations) when loaded. */
    graph: z.record(z.string(), z.unknown()),
    training: z
      .object({
        runId: z.string(),
        /** The run's status when exported: finished, stopped, running, failed. */
        status: z.string(),
        /** Seed of the run: parameter init, build-time randomness and episode n's stream `episode/<n>`. */
        seed: z.number().int(),
        /** Episodes trained into these weights (the checkpoint's episode). */
        episodesDone: z.number().int().nonnegative(),
        /** The graph's training settings (episodes planned, batch size, optimizer, schedule). */
        settings: z.record(z.string(), z.unknown()),
      })
      .loose(),
    metrics: z
      .object({
        /** The last trained episode's record from metrics.jsonl. */
        lastEpisode: z.object({ episode: z.number().int() }).catchall(z.number()).nullable(),
        /** Mean over the last `episodes` episodes (up to 10), a steadier figure than one episode. */
        recentMean: z.object({ fromEpisode: z.number().int(), toEpisode: z.number().int(), episodes: z.number().int(), values: MetricValues }).loose().nullable(),
      })
      .loose(),
    producedBy: z
      .object({
        /** The tensor backend the run trained on. */
        backend: z.string(),
        /** Software versions of the training run. */
        versions: z.record(z.string(), z.string()),
        /** Software versions that wrote the bundle. */
        exportedWith: z.record(z.string(), z.string()),
      })
      .loose(),
    weightsManifest: z
      .array(z.object({ paths: z.tuple([z.literal(bundleFiles.weights)]), weights: z.array(WeightSpecSchema) }).loose())
      .length(1),
  })
  .loose();
export type BundleManifest = z.infer<typeof BundleManifestSchema>;

/** Parameter values by name (`<node id>/<param>`), in manifest order. */
export interface NamedWeights {
  specs: WeightSpec[];
  values: Map<string, Float32Array>;
}

/** A bundle in memory: the manifest as read, its graph parsed and validated, and the decoded weights. */
export interface Bundle {
  manifest: BundleManifest;
  graph: GraphDocument;
  weights: NamedWeights;
}

/** The two files' contents, e.g. fetched in a browser or read from a zip. */
export interface BundleFiles {
  /** model.json as text, bytes, or already parsed. */
  modelJson: string | Uint8Array | object;
  /** weights.bin; undefined when the file is missing. */
  weights: Uint8Array | ArrayBuffer | undefined;
}

/** A bundle that cannot be used; each line names the file (and field or weight) at fault. */
export class BundleError extends InputError {
  readonly lines: string[];
  constructor(lines: string | string[]) {
    const all = typeof lines === 'string' ? [lines] : lines;
    super(all.join('\n'));
    this.name = 'BundleError';
    this.lines = all;
  }
}
