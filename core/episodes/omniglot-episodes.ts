// Omniglot N-way K-shot episodes (Miconi et al. 2018, §4.3, the authors' omniglot/omniglot.py), and the class
// split. Pure TypeScript: the decoded dataset comes from core/tasks/omniglot.ts.
//
// Split: all characters (background + evaluation, 1,623) are pooled in a canonical order (set, then
// alphabet, then character folder name) and shuffled with a FIXED seed that does not depend on the
// training seed; the last 100 are the test classes, the rest (1,523) the training classes. (The authors'
// evaluation script shuffled with seed 0 while training used each run's seed, so for most runs its test
// classes overlapped the training classes; docs/experiments.md, Omniglot. A fixed split seed avoids that.)
//
// Episode (defaults: 5 classes, 1 shot → 6 steps): pick `classCount` distinct classes of the split in
// random order; a class's label is its position in that order. Each class gets a random rotation k·90°
// (k uniform in 0..3) applied to all its images in the episode. Steps 1..classCount·shots show one support
// drawing each, in random order, with its one-hot label; the last step shows a different drawing of one
// of the classes (chosen uniformly) with no label. The target is that class's one-hot at every step.
import type { EpisodeBatch } from './episode-batch.ts';
import { type Rng, createRng } from '../util/random.ts';

export interface OmniglotCharacter {
  set: 'background' | 'evaluation';
  alphabet: string;
  /** Folder name in the official distribution, e.g. `character07`. */
  character: string;
}

export interface OmniglotSplit {
  seed: string;
  /** Character indices (into `characters`) of each part: `train` (the paper's 1,523) = `trainWithoutValidation` + `validation`. */
  train: Int32Array;
  /** Carved from `train`, for choosing training settings without touching `test`. */
  validation: Int32Array;
  trainWithoutValidation: Int32Array;
  /** Held out: only ever used to report results. */
  test: Int32Array;
}

export type OmniglotSplitName = 'train' | 'trainWithoutValidation' | 'validation' | 'test';
export const omniglotSplitNames: readonly OmniglotSplitName[] = ['train', 'trainWithoutValidation', 'validation', 'test'];

export interface OmniglotDataset {
  /** Image side after resizing (31). */
  side: number;
  /** In canonical order: background before evaluation, then alphabet, then character name. */
  characters: OmniglotCharacter[];
  /** Drawings of character c are images drawingStart[c] .. drawingStart[c+1]−1. */
  drawingStart: Int32Array;
  /** images × side × side, row-major; 1 = white background, 0 = ink (the paper's polarity). */
  images: Float32Array;
  split: OmniglotSplit;
  /** Folder or files the images came from, and how they were resized (shown to the user). */
  source: string;
}

/** The split seed used unless the user picks another; independent of every training seed. */
export const omniglotSplitSeed = 'omniglot-class-split-v1';
export const omniglotTestClassCount = 100;
export const omniglotValidationClassCount = 100;

/** Canonical order of characters (so every source of the same data gives the same split). */
export function compareOmniglotCharacters(a: OmniglotCharacter, b: OmniglotCharacter): number {
  const key = (c: OmniglotCharacter) => [c.set === 'background' ? 0 : 1, c.alphabet, c.character] as const;
  const [x, y] = [key(a), key(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

export function splitOmniglotClasses(characterCount: number, seed = omniglotSplitSeed, testCount = omniglotTestClassCount): OmniglotSplit {
  if (!Number.isInteger(testCount) || testCount < 1 || testCount >= characterCount) {
    throw new Error(`Omniglot split: testClassCount must be between 1 and ${characterCount - 1}, got ${String(testCount)}`);
  }
  const order = createRng(seed).permutation(characterCount);
  const trainCount = characterCount - testCount;
  const validationCount = Math.min(omniglotValidationClassCount, Math.floor(trainCount / 2));
  return {
    seed,
    train: Int32Array.from(order.slice(0, trainCount)),
    trainWithoutValidation: Int32Array.from(order.slice(0, trainCount - validationCount)),
    validation: Int32Array.from(order.slice(trainCount - validationCount, trainCount)),
    test: Int32Array.from(order.slice(trainCount)),
  };
}

export interface OmniglotEpisodeSettings {
  /** N: classes per episode. */
  classCount: number;
  /** K: support drawings per class. */
  shots: number;
  /** Random k·90° rotation per class and episode (the paper's augmentation). */
  rotate: boolean;
}

export const defaultOmniglotEpisodeSettings: OmniglotEpisodeSettings = { classCount: 5, shots: 1, rotate: true };

export function omniglotEpisodeSteps(s: OmniglotEpisodeSettings): number {
  return s.classCount * s.shots + 1;
}

/** Rotates a square image by k quarter turns counter-clockwise (numpy's rot90 convention). */
export function rotateQuarterTurns(image: ArrayLike<number>, side: number, k: number, out: Float32Array): void {
  const last = side - 1;
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      let from: number;
      switch (((k % 4) + 4) % 4) {
        case 0:
          from = r * side + c;
          break;
        case 1:
          from = c * side + (last - r);
          break;
        case 2:
          from = (last - r) * side + (last - c);
          break;
        default:
          from = (last - c) * side + r;
      }
      out[r * side + c] = image[from];
    }
  }
}

/** `k` distinct values in [0, n), in random order. */
function sampleDistinct(n: number, k: number, rng: Rng): number[] {
  const picked: number[] = [];
  while (picked.length < k) {
    const value = rng.int(n);
    if (!picked.includes(value)) picked.push(value);
  }
  return picked;
}

/**
 * `batchSize` independent episodes from the `split` classes. Outputs, time-major, T = classCount·shots + 1:
 * - `image`  [T, B, 1, side, side]
 * - `label`  [T, B, classCount]: one-hot label at support steps, zeros at the query step
 * - `target` [T, B, classCount]: the query's one-hot label at every step (the loss reads the last step)
 */
export function generateOmniglotEpisodes(
  settings: OmniglotEpisodeSettings,
  dataset: OmniglotDataset,
  split: OmniglotSplitName,
  rng: Rng,
  batchSize: number,
): EpisodeBatch {
  const { classCount, shots } = settings;
  if (!Number.isInteger(classCount) || classCount < 1) throw new Error(`Omniglot episodes: classCount must be a whole number ≥ 1, got ${String(classCount)}`);
  if (!Number.isInteger(shots) || shots < 1) throw new Error(`Omniglot episodes: shots must be a whole number ≥ 1, got ${String(shots)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Omniglot episodes: batchSize must be a whole number ≥ 1, got ${String(batchSize)}`);
  const classes = dataset.split[split];
  if (!classes) throw new Error(`Omniglot episodes: split must be one of ${omniglotSplitNames.join(', ')}, got ${String(split)}`);
  if (classes.length < classCount) {
    throw new Error(`Omniglot episodes: the ${split} split of ${dataset.source} has ${classes.length} classes, fewer than classCount ${classCount}`);
  }
  const side = dataset.side;
  const pixels = side * side;
  const steps = omniglotEpisodeSteps(settings);
  const supportSteps = classCount * shots;
  const image = new Float32Array(steps * batchSize * pixels);
  const label = new Float32Array(steps * batchSize * classCount);
  const target = new Float32Array(steps * batchSize * classCount);

  const drawing = (character: number, index: number) => {
    const start = dataset.drawingStart[character];
    return dataset.images.subarray((start + index) * pixels, (start + index + 1) * pixels);
  };

  for (let b = 0; b < batchSize; b++) {
    const chosen = sampleDistinct(classes.length, classCount, rng).map((i) => classes[i]);
    const turns = chosen.map(() => (settings.rotate ? rng.int(4) : 0));
    const query = rng.int(classCount);
    const drawings = chosen.map((character, position) => {
      const available = dataset.drawingStart[character + 1] - dataset.drawingStart[character];
      const needed = shots + (position === query ? 1 : 0);
      if (available < needed) {
        const c = dataset.characters[character];
        throw new Error(`Omniglot episodes: ${c.alphabet}/${c.character} has ${available} drawings, an episode needs ${needed}`);
      }
      return sampleDistinct(available, needed, rng);
    });
    const order = rng.permutation(supportSteps);
    for (let t = 0; t < steps; t++) {
      const position = t < supportSteps ? Math.floor(order[t] / shots) : query;
      const which = t < supportSteps ? drawings[position][order[t] % shots] : drawings[query][shots];
      const at = t * batchSize + b;
      rotateQuarterTurns(drawing(chosen[position], which), side, turns[position], image.subarray(at * pixels, (at + 1) * pixels));
      if (t < supportSteps) label[at * classCount + position] = 1;
      target[at * classCount + query] = 1;
    }
  }
  return { steps, batchSize, outputs: { image, label, target } };
}
