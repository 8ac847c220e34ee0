// Checkpoints: every trained parameter and the optimizer's state, in TensorFlow.js's weights-manifest
// layout so that other tools (tf.io, numpy) can read them without our code.
//
//   checkpoint/model.json   { format: "plasticity-checkpoint", version: 1, episode, savedAt,
//                             weightsManifest: [{ paths: ["weights.bin"], weights: [{ name, shape, dtype: "float32" }] }],
//                             optimizer: { kind: "adam", iterations, paths: ["optimizer.bin"], weights: [...] } }
//   checkpoint/weights.bin  the parameters' float32 values, little-endian, concatenated in manifest order
//   checkpoint/optimizer.bin Adam's first and second moments (`<name>/m`, `<name>/v`), same layout
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { packWeights, unpackWeights } from '../util/float-weights.ts';
import { InputError } from '../util/input-error.ts';
import { replaceDirectory, restoreInterruptedReplace, writeFileAtomic } from '../util/atomic-write.ts';

export const CHECKPOINT_FORMAT = 'plasticity-checkpoint';
export const CHECKPOINT_VERSION = 1;

const weightSpec = z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), dtype: z.literal('float32') });
export type WeightSpec = z.infer<typeof weightSpec>;

const checkpointManifest = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.number().int(),
  episode: z.number().int().nonnegative(),
  savedAt: z.string(),
  // The data files are named, not pointed to: a checkpoint can only read files of its own folder.
  weightsManifest: z.array(z.object({ paths: z.tuple([z.literal('weights.bin')]), weights: z.array(weightSpec) })).length(1),
  optimizer: z
    .object({ kind: z.literal('adam'), iterations: z.number().int().nonnegative(), paths: z.tuple([z.literal('optimizer.bin')]), weights: z.array(weightSpec) })
    .optional(),
});
export type CheckpointManifest = z.infer<typeof checkpointManifest>;

export interface NamedValues {
  specs: WeightSpec[];
  values: Map<string, Float32Array>;
}

export interface Checkpoint {
  episode: number;
  parameters: NamedValues;
  optimizer?: { iterations: number; moments: NamedValues };
}

/** A data file of the checkpoint, refused with a message naming it when it does not fit its manifest. */
function readWeightsFile(file: string, specs: WeightSpec[]): Map<string, Float32Array> {
  return unpackWeights(fs.readFileSync(file), specs, (problem) => {
    if (problem.kind === 'not-finite') throw new InputError(`${file}: "${problem.name}" ${problem.damage}; a checkpoint only ever holds finite values, so the file is damaged.`);
    throw new InputError(`${file} has ${problem.bytes} bytes but its manifest describes ${problem.expected}; the file is truncated or does not belong to this manifest.`);
  });
}

export function saveCheckpoint(dir: string, checkpoint: Checkpoint): void {
  replaceDirectory(dir, (temporary) => {
    const manifest: CheckpointManifest = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      episode: checkpoint.episode,
      savedAt: new Date().toISOString(),
      weightsManifest: [{ paths: ['weights.bin'], weights: checkpoint.parameters.specs }],
    };
    fs.writeFileSync(path.join(temporary, 'weights.bin'), packWeights(checkpoint.parameters.specs, checkpoint.parameters.values));
    if (checkpoint.optimizer) {
      manifest.optimizer = { kind: 'adam', iterations: checkpoint.optimizer.iterations, paths: ['optimizer.bin'], weights: checkpoint.optimizer.moments.specs };
      fs.writeFileSync(path.join(temporary, 'optimizer.bin'), packWeights(checkpoint.optimizer.moments.specs, checkpoint.optimizer.moments.values));
    }
    writeFileAtomic(path.join(temporary, 'model.json'), JSON.stringify(manifest, null, 2) + '\n');
  });
}

/**
 * A checkpoint to resume `episodes`-episode training of a program with these parameters: every parameter and
 * nothing else, an episode within the run, and Adam's state once a step was taken. Throws naming what is wrong,
 * rather than re-initialising a weight or restarting Adam behind the user's back.
 */
export function checkCheckpointFits(checkpoint: Checkpoint, parameterNames: readonly string[], episodes: number, dir: string): void {
  const saved = new Set(checkpoint.parameters.values.keys());
  const missing = parameterNames.filter((name) => !saved.has(name));
  const extra = [...saved].filter((name) => !parameterNames.includes(name));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [...(missing.length ? [`has no ${missing.map((n) => `"${n}"`).join(', ')}`] : []), ...(extra.length ? [`has ${extra.map((n) => `"${n}"`).join(', ')}, which the graph does not`] : [])];
    throw new InputError(`${dir}: the checkpoint ${parts.join(' and ')}; it does not belong to this run's graph.`);
  }
  if (checkpoint.episode > episodes) throw new InputError(`${dir}: the checkpoint says it was saved after episode ${checkpoint.episode}, but the run has only ${episodes} episodes.`);
  if (checkpoint.episode > 0 && !checkpoint.optimizer) {
    throw new InputError(`${dir}: the checkpoint has no optimizer state after ${checkpoint.episode} episodes; resuming would restart Adam and not continue the run.`);
  }
}

/**
 * Whether `dir` holds a checkpoint, after finishing a save that a crash interrupted (the manifest is written
 * last, so a folder with one is complete). False when the run stopped before its first checkpoint.
 */
export function checkpointExists(dir: string): boolean {
  return restoreInterruptedReplace(dir, (folder) => fs.existsSync(path.join(folder, 'model.json')));
}

/**
 * Reads a checkpoint. By default it first finishes or undoes a save a crash interrupted; `repair: false` only
 * reads, for a run that may be training (and saving) right now, whose save in progress must not be touched.
 */
export function loadCheckpoint(dir: string, options: { repair?: boolean } = {}): Checkpoint {
  if (options.repair !== false) checkpointExists(dir);
  const manifestFile = path.join(dir, 'model.json');
  if (!fs.existsSync(manifestFile)) throw new InputError(`No checkpoint in ${dir}: ${manifestFile} is missing.`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch (error) {
    throw new InputError(`${manifestFile} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = checkpointManifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${manifestFile} is not a Plasticity Studio checkpoint: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const manifest = parsed.data;
  if (manifest.version > CHECKPOINT_VERSION) {
    throw new InputError(`${manifestFile} was written by a newer Plasticity Studio (checkpoint version ${manifest.version}); this one reads up to version ${CHECKPOINT_VERSION}.`);
  }
  const group = manifest.weightsManifest[0];
  const checkpoint: Checkpoint = {
    episode: manifest.episode,
    parameters: { specs: group.weights, values: readWeightsFile(path.join(dir, group.paths[0]), group.weights) },
  };
  if (manifest.optimizer) {
    checkpoint.optimizer = {
      iterations: manifest.optimizer.iterations,
      moments: { specs: manifest.optimizer.weights, values: readWeightsFile(path.join(dir, manifest.optimizer.paths[0]), manifest.optimizer.weights) },
    };
  }
  return checkpoint;
}
