// The CIFAR-10 source shows training images in training episodes and only test images in held-out ones.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { GrayImageSet } from '../episodes/image-episodes.ts';
import { createRng } from '../util/random.ts';
import { ImageEpisode } from './image-episode.ts';
import type { BuiltSource } from './kind.ts';
import { testBuildContext } from './testing/build-context.ts';

/** Images whose every pixel is `value` (after the source's own scaling, a constant image stays constant). */
const images = (value: number, source: string): GrayImageSet => ({ count: 10, height: 32, width: 32, pixels: new Float32Array(10 * 1024).fill(value), source });

function source() {
  const ctx = testBuildContext(tf, {});
  let testLoads = 0;
  ctx.tasks = {
    ...ctx.tasks,
    loadCifarTraining: () => images(0.25, 'training'),
    loadCifarTest: () => {
      testLoads++;
      return images(-0.5, 'test');
    },
  };
  const node = ImageEpisode.build(ImageEpisode.params.parse({ presentationSteps: 2, cycles: 1, testSteps: 1, biasNeuron: false }), ctx) as BuiltSource;
  return { node, testLoads: () => testLoads };
}

const shownValues = (batch: { outputs: Record<string, Float32Array> }) => new Set(Array.from(batch.outputs.target));

describe('ImageEpisode held-out episodes', () => {
  it('trains on training images, evaluates on test images only (loaded on first use), and has no validation part', () => {
    const { node, testLoads } = source();
    expect(shownValues(node.sample(createRng(1), 3))).toEqual(new Set([0.25]));
    expect(testLoads()).toBe(0);
    expect(shownValues(node.sample(createRng(1), 3, 'test'))).toEqual(new Set([-0.5]));
    node.sample(createRng(2), 3, 'test');
    expect(testLoads()).toBe(1);
    expect(() => node.sample(createRng(1), 3, 'validation')).toThrow(/no validation images here; evaluate on the "test" split/);
  });
});
