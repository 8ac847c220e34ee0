import { describe, expect, it } from 'vitest';
import { createRng } from '../util/random.ts';
import { type GrayImageSet, defaultImageEpisodeSettings, generateImageEpisodes, imageEpisodeSteps } from './image-episodes.ts';

/** Image i is recognisable: pixel p holds (i + 1) + p / 10000, never 0. */
function syntheticImages(count: number, side = 32): GrayImageSet {
  const size = side * side;
  const pixels = new Float32Array(count * size);
  for (let i = 0; i < count; i++) for (let p = 0; p < size; p++) pixels[i * size + p] = i + 1 + p / 10000;
  return { count, height: side, width: side, pixels, source: 'synthetic' };
}

function same(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
const imageId = (values: Float32Array | number[]) => Math.round(values[values.length - 1] - (values.length - 1) / 10000) - 1;

describe('image episodes', () => {
  it('defaults to the authors’ settings (Miconi et al. 2018, §4.2): 3 images, 20 steps on, 2 off, 3 cycles, 3 test steps', () => {
    expect(defaultImageEpisodeSettings).toEqual({ imageCount: 3, presentationSteps: 20, gapSteps: 2, cycles: 3, testSteps: 3, biasNeuron: true });
  });

  it('has 201 steps for the paper settings and the right shapes', () => {
    expect(imageEpisodeSteps(defaultImageEpisodeSettings)).toBe(201);
    const batch = generateImageEpisodes(defaultImageEpisodeSettings, syntheticImages(10), createRng(1), 2);
    expect(batch.steps).toBe(201);
    expect(batch.outputs.input.length).toBe(201 * 2 * 1025);
    expect(batch.outputs.target.length).toBe(201 * 2 * 1024);
  });

  it('presents three distinct images per cycle, with gaps, then a half-zeroed test image', () => {
    const s = defaultImageEpisodeSettings;
    const images = syntheticImages(6);
    const batch = 40;
    const { outputs, steps } = generateImageEpisodes(s, images, createRng(9), batch);
    const at = (t: number, b: number) => outputs.input.subarray((t * batch + b) * 1025, (t * batch + b + 1) * 1025);
    let firstHalfZeroed = 0;
    for (let b = 0; b < batch; b++) {
      let t = 0;
      const seen = new Set<number>();
      for (let cycle = 0; cycle < 3; cycle++) {
        const inCycle = new Set<number>();
        for (let k = 0; k < 3; k++) {
          const id = imageId(at(t, b).subarray(0, 1024));
          expect(id).toBeGreaterThanOrEqual(0);
          for (let u = 0; u < 20; u++, t++) {
            expect(same(at(t, b).subarray(0, 1024), images.pixels.subarray(id * 1024, (id + 1) * 1024))).toBe(true);
          }
          for (let u = 0; u < 2; u++, t++) expect(at(t, b).subarray(0, 1024).every((v) => v === 0)).toBe(true);
          inCycle.add(id);
          seen.add(id);
        }
        expect(inCycle.size).toBe(3);
      }
      expect(seen.size).toBe(3);
      const target = outputs.target.subarray(b * 1024, (b + 1) * 1024);
      const testId = imageId(target);
      expect(seen.has(testId)).toBe(true);
      for (; t < steps; t++) {
        const test = at(t, b);
        const firstZero = test.subarray(0, 512).every((v) => v === 0);
        const secondZero = test.subarray(512, 1024).every((v) => v === 0);
        expect(firstZero !== secondZero).toBe(true);
        const kept = firstZero ? [512, 1024] : [0, 512];
        expect(same(test.subarray(kept[0], kept[1]), target.subarray(kept[0], kept[1]))).toBe(true);
        if (t === steps - 1 && firstZero) firstHalfZeroed++;
      }
      for (let u = 0; u < steps; u++) {
        expect(outputs.input[(u * batch + b) * 1025 + 1024]).toBe(1);
        expect(imageId(outputs.target.subarray((u * batch + b) * 1024, (u * batch + b + 1) * 1024))).toBe(testId);
      }
    }
    expect(firstHalfZeroed).toBeGreaterThan(8);
    expect(firstHalfZeroed).toBeLessThan(32);
  });

  it('is reproducible per seed and refuses too few images', () => {
    const images = syntheticImages(50, 4);
    const a = generateImageEpisodes(defaultImageEpisodeSettings, images, createRng('s'), 3);
    const b = generateImageEpisodes(defaultImageEpisodeSettings, images, createRng('s'), 3);
    const c = generateImageEpisodes(defaultImageEpisodeSettings, images, createRng('t'), 3);
    expect(a.outputs.input).toEqual(b.outputs.input);
    expect(a.outputs.input).not.toEqual(c.outputs.input);
    expect(() => generateImageEpisodes(defaultImageEpisodeSettings, syntheticImages(2, 4), createRng(1), 1)).toThrow(
      /synthetic holds 2 images/,
    );
  });
});
