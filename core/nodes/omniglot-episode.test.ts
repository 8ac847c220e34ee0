// The Omniglot source draws training episodes from its split and held-out episodes from the held-out part
// asked for: a training character in an evaluation episode fails these tests.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type OmniglotDataset, splitOmniglotClasses } from '../episodes/omniglot-episodes.ts';
import { createRng } from '../util/random.ts';
import type { BuiltSource, HeldOutSplit } from './kind.ts';
import { OmniglotEpisode, omniglotImageSide } from './omniglot-episode.ts';
import { testBuildContext } from './testing/build-context.ts';

const pixels = omniglotImageSide * omniglotImageSide;
const characterCount = 400;

/** Every pixel of every drawing of character c is c, so any pixel of a shown image names its character. */
function dataset(): OmniglotDataset {
  const drawings = 3;
  const images = new Float32Array(characterCount * drawings * pixels);
  for (let c = 0; c < characterCount; c++) images.fill(c, c * drawings * pixels, (c + 1) * drawings * pixels);
  return {
    side: omniglotImageSide,
    characters: Array.from({ length: characterCount }, (_, c) => ({ set: 'background' as const, alphabet: 'Synthetic', character: `character${c}` })),
    drawingStart: Int32Array.from({ length: characterCount + 1 }, (_, c) => c * drawings),
    images,
    split: splitOmniglotClasses(characterCount),
    source: 'synthetic',
  };
}

function source(split: string): { node: BuiltSource; data: OmniglotDataset } {
  const data = dataset();
  const ctx = testBuildContext(tf, {});
  ctx.tasks = { ...ctx.tasks, loadOmniglot: () => data };
  const node = OmniglotEpisode.build(OmniglotEpisode.params.parse({ split }), ctx) as BuiltSource;
  return { node, data };
}

/** The characters shown in a batch (every step of every episode). */
function shownCharacters(node: BuiltSource, heldOut: HeldOutSplit | undefined, seed: number): Set<number> {
  const batch = node.sample(createRng(seed), 200, heldOut);
  const shown = new Set<number>();
  for (let i = 0; i < batch.outputs.image.length; i += pixels) shown.add(batch.outputs.image[i]);
  return shown;
}

describe('OmniglotEpisode held-out episodes', () => {
  it('splits the characters into disjoint training, validation and test parts (validation carved from training)', () => {
    const { split } = dataset();
    const train = new Set(split.train);
    expect(split.test.length).toBe(100);
    expect(split.validation.length).toBe(100);
    expect(split.test.some((c) => train.has(c))).toBe(false);
    expect(split.validation.every((c) => train.has(c))).toBe(true);
    expect(new Set([...split.trainWithoutValidation, ...split.validation])).toEqual(train);
    expect(split.trainWithoutValidation.some((c) => split.validation.includes(c))).toBe(false);
  });

  it.each<[string, HeldOutSplit | undefined, keyof OmniglotDataset['split']]>([
    ['training episodes come from the node’s split', undefined, 'train'],
    ['evaluation on "test" shows only the held-out test characters', 'test', 'test'],
    ['evaluation on "validation" shows only validation characters', 'validation', 'validation'],
  ])('%s', (_name, heldOut, expected) => {
    const { node, data } = source('train');
    const allowed = new Set(data.split[expected] as Int32Array);
    const shown = shownCharacters(node, heldOut, 4);
    expect(shown.size).toBeGreaterThan(50);
    for (const c of shown) expect(allowed.has(c)).toBe(true);
  });

  it('keeps validation characters out of training when the node trains on "trainWithoutValidation"', () => {
    const { node, data } = source('trainWithoutValidation');
    const validation = new Set(data.split.validation);
    for (const c of shownCharacters(node, undefined, 5)) expect(validation.has(c)).toBe(false);
  });
});
