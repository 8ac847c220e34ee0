// Natural-image memorisation and completion episodes (Miconi et al. 2018, §4.2, the authors' images/images.py).
//
// An episode shows `imageCount` distinct images from the set, `cycles` times, each cycle in a freshly
// shuffled order; each presentation lasts `presentationSteps` steps and is followed by `gapSteps` zero
// steps. Then one of the images, chosen uniformly, is shown for `testSteps` steps with one contiguous half
// of its pixels zeroed: the first half (pixels 0..P/2−1, the top 16 rows of a 32×32 image) or the second
// half, with probability 0.5 each. The target is the full test image.
//
// Pure TypeScript (no Node APIs): the images come in already decoded (core/tasks/cifar.ts loads them).
import type { EpisodeBatch } from './episode-batch.ts';
import type { Rng } from '../util/random.ts';

/** A set of same-sized grayscale images, row-major, one after the other. */
export interface GrayImageSet {
  count: number;
  height: number;
  width: number;
  /** count × height × width values. */
  pixels: Float32Array;
  /** Class per image, when the source has labels. */
  labels?: Uint8Array;
  /** Where the images came from (shown to the user). */
  source: string;
}

export interface ImageEpisodeSettings {
  /** Images to memorise per episode. */
  imageCount: number;
  presentationSteps: number;
  gapSteps: number;
  cycles: number;
  testSteps: number;
  /** Append one input that is 1 at every step (drives the bias neuron). */
  biasNeuron: boolean;
}

/** images.py defaults: 3 images, 20 steps on, 2 off, 3 cycles, 3 test steps: 201 steps. */
export const defaultImageEpisodeSettings: ImageEpisodeSettings = {
  imageCount: 3,
  presentationSteps: 20,
  gapSteps: 2,
  cycles: 3,
  testSteps: 3,
  biasNeuron: true,
};

export function imageEpisodeSteps(s: ImageEpisodeSettings): number {
  return s.cycles * (s.presentationSteps + s.gapSteps) * s.imageCount + s.testSteps;
}

export function checkImageEpisodeSettings(s: ImageEpisodeSettings): void {
  for (const field of ['imageCount', 'presentationSteps', 'cycles', 'testSteps'] as const) {
    if (!Number.isInteger(s[field]) || s[field] < 1) {
      throw new Error(`image episodes: ${field} must be a whole number ≥ 1, got ${String(s[field])}`);
    }
  }
  if (!Number.isInteger(s.gapSteps) || s.gapSteps < 0) {
    throw new Error(`image episodes: gapSteps must be a whole number ≥ 0, got ${String(s.gapSteps)}`);
  }
}

/**
 * `batchSize` independent episodes. Outputs, time-major, with P = height·width:
 * - `input`  [T, B, P (+1 bias)]
 * - `target` [T, B, P]: the full test image at every step (the loss reads the last step).
 */
export function generateImageEpisodes(s: ImageEpisodeSettings, images: GrayImageSet, rng: Rng, batchSize: number): EpisodeBatch {
  checkImageEpisodeSettings(s);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`image episodes: batchSize must be a whole number ≥ 1, got ${String(batchSize)}`);
  }
  if (images.count < s.imageCount) {
    throw new Error(`image episodes: ${images.source} holds ${images.count} images, fewer than imageCount ${s.imageCount}`);
  }
  const size = images.height * images.width;
  const width = size + (s.biasNeuron ? 1 : 0);
  const steps = imageEpisodeSteps(s);
  const input = new Float32Array(steps * batchSize * width);
  const target = new Float32Array(steps * batchSize * size);
  const half = Math.floor(size / 2);
  const image = (index: number) => images.pixels.subarray(index * size, (index + 1) * size);

  for (let b = 0; b < batchSize; b++) {
    const chosen = distinctIndices(images.count, s.imageCount, rng);
    let t = 0;
    for (let cycle = 0; cycle < s.cycles; cycle++) {
      for (const which of rng.permutation(s.imageCount)) {
        for (let k = 0; k < s.presentationSteps; k++, t++) input.set(image(chosen[which]), (t * batchSize + b) * width);
        t += s.gapSteps; // gaps stay zero
      }
    }
    const test = image(chosen[rng.int(s.imageCount)]);
    const degraded = Float32Array.from(test);
    if (rng.uniform() < 0.5) degraded.fill(0, 0, half);
    else degraded.fill(0, half, size);
    for (; t < steps; t++) input.set(degraded, (t * batchSize + b) * width);
    for (let u = 0; u < steps; u++) target.set(test, (u * batchSize + b) * size);
    if (s.biasNeuron) {
      for (let u = 0; u < steps; u++) input[(u * batchSize + b) * width + size] = 1;
    }
  }
  return { steps, batchSize, outputs: { input, target } };
}

/** `k` different indices in [0, n), uniformly (rejection: k is tiny next to n). */
function distinctIndices(n: number, k: number, rng: Rng): number[] {
  if (k * 4 > n) return rng.permutation(n).slice(0, k);
  const picked: number[] = [];
  while (picked.length < k) {
    const index = rng.int(n);
    if (!picked.includes(index)) picked.push(index);
  }
  return picked;
}
