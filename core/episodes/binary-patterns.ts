// Binary pattern memorisation and completion (Miconi et al. 2018, §4.1).
//
// An episode shows `patternCount` random ±1 patterns, `cycles` times, each cycle in a freshly shuffled
// order; every presentation lasts `presentationSteps` steps and is followed by `gapSteps` zero steps.
// Then one of the patterns, chosen uniformly, is shown for `testSteps` steps with a random subset of
// exactly round(zeroFraction · patternSize) bits set to 0. The target is the full test pattern.
//
// No ×20 input gain here: the layer that receives the input applies it.
// This module is imported by a node kind that the renderer also loads: keep it free of Node-only imports.
import type { EpisodeBatch } from './episode-batch.ts';
import type { Rng } from '../util/random.ts';

export interface BinaryPatternSettings {
  /** Bits per pattern (one neuron per bit). */
  patternSize: number;
  /** Patterns to memorise per episode. */
  patternCount: number;
  /** Steps each pattern is shown for, per presentation. */
  presentationSteps: number;
  /** Zero-input steps after each presentation. */
  gapSteps: number;
  /** How many times the whole set is presented. */
  cycles: number;
  /** Steps the degraded test pattern is shown for. */
  testSteps: number;
  /** Fraction of the test pattern's bits set to 0. */
  zeroFraction: number;
  /** true: each pattern is a permutation of half +1, half −1 (simple.py, full.py); false: independent bits (simplest.py). */
  balanced: boolean;
  /** Append one input that is 1 at every step (drives the bias neuron). */
  biasNeuron: boolean;
}

/** The authors' `simple.py`/`full.py` defaults (Miconi et al. 2018, §4.1): 106 steps. */
export const defaultBinaryPatternSettings: BinaryPatternSettings = {
  patternSize: 1000,
  patternCount: 5,
  presentationSteps: 6,
  gapSteps: 4,
  cycles: 2,
  testSteps: 6,
  zeroFraction: 0.5,
  balanced: true,
  biasNeuron: true,
};

export function binaryPatternEpisodeSteps(s: BinaryPatternSettings): number {
  return s.cycles * (s.presentationSteps + s.gapSteps) * s.patternCount + s.testSteps;
}

/** Width of the `input` output: one slot per bit, plus the bias slot when enabled. */
export function binaryPatternInputSize(s: BinaryPatternSettings): number {
  return s.patternSize + (s.biasNeuron ? 1 : 0);
}

/** Number of test-pattern bits that are zeroed. */
export function binaryPatternZeroedBits(s: BinaryPatternSettings): number {
  return Math.round(s.zeroFraction * s.patternSize);
}

/** Throws an error naming the first bad field. */
export function checkBinaryPatternSettings(s: BinaryPatternSettings): void {
  const positive: (keyof BinaryPatternSettings)[] = ['patternSize', 'patternCount', 'presentationSteps', 'cycles', 'testSteps'];
  for (const field of positive) {
    const value = s[field];
    if (!Number.isInteger(value) || (value as number) < 1) {
      throw new Error(`binary patterns: ${field} must be a whole number ≥ 1, got ${String(value)}`);
    }
  }
  if (!Number.isInteger(s.gapSteps) || s.gapSteps < 0) {
    throw new Error(`binary patterns: gapSteps must be a whole number ≥ 0, got ${String(s.gapSteps)}`);
  }
  if (!(s.zeroFraction >= 0 && s.zeroFraction <= 1)) {
    throw new Error(`binary patterns: zeroFraction must be between 0 and 1, got ${String(s.zeroFraction)}`);
  }
  if (s.balanced && s.patternSize % 2 !== 0) {
    throw new Error(`binary patterns: balanced patterns need an even patternSize, got ${s.patternSize}`);
  }
}

function randomPattern(s: BinaryPatternSettings, rng: Rng): Float32Array {
  const pattern = new Float32Array(s.patternSize);
  if (s.balanced) {
    const half = s.patternSize / 2;
    const order = rng.permutation(s.patternSize);
    for (let k = 0; k < s.patternSize; k++) pattern[order[k]] = k < half ? 1 : -1;
  } else {
    for (let k = 0; k < s.patternSize; k++) pattern[k] = rng.uniform() < 0.5 ? 1 : -1;
  }
  return pattern;
}

/**
 * `batchSize` independent episodes. Outputs, time-major:
 * - `input`  [T, B, patternSize (+1 bias)]
 * - `target` [T, B, patternSize]: the full test pattern at every step (the loss reads the last step).
 */
export function generateBinaryPatternEpisodes(s: BinaryPatternSettings, rng: Rng, batchSize: number): EpisodeBatch {
  checkBinaryPatternSettings(s);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`binary patterns: batchSize must be a whole number ≥ 1, got ${String(batchSize)}`);
  }
  const steps = binaryPatternEpisodeSteps(s);
  const width = binaryPatternInputSize(s);
  const size = s.patternSize;
  const input = new Float32Array(steps * batchSize * width);
  const target = new Float32Array(steps * batchSize * size);
  const zeroed = binaryPatternZeroedBits(s);

  for (let b = 0; b < batchSize; b++) {
    const patterns = Array.from({ length: s.patternCount }, () => randomPattern(s, rng));
    let t = 0;
    for (let cycle = 0; cycle < s.cycles; cycle++) {
      for (const which of rng.permutation(s.patternCount)) {
        for (let k = 0; k < s.presentationSteps; k++, t++) input.set(patterns[which], (t * batchSize + b) * width);
        t += s.gapSteps; // gaps stay zero
      }
    }
    const test = patterns[rng.int(s.patternCount)];
    const degraded = Float32Array.from(test);
    const order = rng.permutation(size);
    for (let k = 0; k < zeroed; k++) degraded[order[k]] = 0;
    for (; t < steps; t++) input.set(degraded, (t * batchSize + b) * width);
    for (let u = 0; u < steps; u++) target.set(test, (u * batchSize + b) * size);
    if (s.biasNeuron) {
      for (let u = 0; u < steps; u++) input[(u * batchSize + b) * width + size] = 1;
    }
  }
  return { steps, batchSize, outputs: { input, target } };
}
