import { describe, expect, it } from 'vitest';
import { createRng } from '../util/random.ts';
import {
  type BinaryPatternSettings,
  binaryPatternEpisodeSteps,
  defaultBinaryPatternSettings,
  generateBinaryPatternEpisodes,
} from './binary-patterns.ts';

const small: BinaryPatternSettings = {
  patternSize: 20,
  patternCount: 3,
  presentationSteps: 2,
  gapSteps: 1,
  cycles: 2,
  testSteps: 3,
  zeroFraction: 0.5,
  balanced: true,
  biasNeuron: true,
};

function row(data: Float32Array, t: number, b: number, batch: number, width: number, length = width): number[] {
  const start = (t * batch + b) * width;
  return Array.from(data.subarray(start, start + length));
}

describe('binary pattern episodes', () => {
  it('defaults to the settings of the authors’ code (Miconi et al. 2018, §4.1), stated once here for the node and its tests', () => {
    expect(defaultBinaryPatternSettings).toEqual({
      patternSize: 1000,
      patternCount: 5,
      presentationSteps: 6,
      gapSteps: 4,
      cycles: 2,
      testSteps: 6,
      zeroFraction: 0.5,
      balanced: true,
      biasNeuron: true,
    });
  });

  it('counts steps as cycles·(presentation+gap)·patterns + test', () => {
    expect(binaryPatternEpisodeSteps(defaultBinaryPatternSettings)).toBe(106);
    expect(binaryPatternEpisodeSteps(small)).toBe(2 * 3 * 3 + 3);
    const nonPlasticTask = { ...small, patternSize: 50, patternCount: 2, cycles: 1, presentationSteps: 3, gapSteps: 1, testSteps: 3 };
    expect(binaryPatternEpisodeSteps(nonPlasticTask)).toBe(11);
  });

  it('lays out presentations, gaps, the degraded test and the bias at every step', () => {
    const batch = 4;
    const { steps, batchSize, outputs } = generateBinaryPatternEpisodes(small, createRng(1), batch);
    const width = small.patternSize + 1;
    expect(steps).toBe(21);
    expect(batchSize).toBe(batch);
    expect(outputs.input.length).toBe(steps * batch * width);
    expect(outputs.target.length).toBe(steps * batch * small.patternSize);

    for (let b = 0; b < batch; b++) {
      const shown: string[] = [];
      let t = 0;
      for (let cycle = 0; cycle < small.cycles; cycle++) {
        const inCycle = new Set<string>();
        for (let p = 0; p < small.patternCount; p++) {
          const first = row(outputs.input, t, b, batch, width, small.patternSize);
          expect(first.every((v) => v === 1 || v === -1)).toBe(true);
          expect(first.reduce((a, v) => a + v, 0)).toBe(0); // balanced
          for (let k = 1; k < small.presentationSteps; k++) {
            expect(row(outputs.input, t + k, b, batch, width, small.patternSize)).toEqual(first);
          }
          t += small.presentationSteps;
          for (let k = 0; k < small.gapSteps; k++, t++) {
            expect(row(outputs.input, t, b, batch, width, small.patternSize).every((v) => v === 0)).toBe(true);
          }
          inCycle.add(first.join(','));
          shown.push(first.join(','));
        }
        expect(inCycle.size).toBe(small.patternCount); // every pattern once per cycle
      }
      const patterns = new Set(shown);
      const target = row(outputs.target, 0, b, batch, small.patternSize);
      expect(patterns.has(target.join(','))).toBe(true);
      for (let u = 0; u < steps; u++) expect(row(outputs.target, u, b, batch, small.patternSize)).toEqual(target);
      for (; t < steps; t++) {
        const test = row(outputs.input, t, b, batch, width, small.patternSize);
        expect(test.filter((v) => v === 0).length).toBe(10);
        test.forEach((v, i) => {
          if (v !== 0) expect(v).toBe(target[i]);
        });
      }
      for (let u = 0; u < steps; u++) expect(outputs.input[(u * batch + b) * width + small.patternSize]).toBe(1);
    }
  });

  it('shuffles the order per cycle and picks the test pattern uniformly', () => {
    const s = { ...small, patternCount: 3, cycles: 2 };
    const batch = 600;
    const { outputs } = generateBinaryPatternEpisodes(s, createRng(5), batch);
    const width = s.patternSize + 1;
    const period = s.presentationSteps + s.gapSteps;
    let orderChanged = 0;
    const testPosition = [0, 0, 0];
    for (let b = 0; b < batch; b++) {
      const first = [0, 1, 2].map((p) => row(outputs.input, p * period, b, batch, width, s.patternSize).join(','));
      const second = [0, 1, 2].map((p) => row(outputs.input, (3 + p) * period, b, batch, width, s.patternSize).join(','));
      if (first.join('|') !== second.join('|')) orderChanged++;
      const target = row(outputs.target, 0, b, batch, s.patternSize).join(',');
      testPosition[first.indexOf(target)]++;
    }
    // 5 of 6 orders differ from the first cycle's.
    expect(orderChanged / batch).toBeGreaterThan(0.75);
    expect(orderChanged / batch).toBeLessThan(0.9);
    for (const count of testPosition) expect(count).toBeGreaterThan(150);
  });

  it('draws independent bits when not balanced and omits the bias slot when asked', () => {
    const s = { ...small, patternSize: 41, balanced: false, biasNeuron: false, zeroFraction: 0.3 };
    const batch = 50;
    const { outputs, steps } = generateBinaryPatternEpisodes(s, createRng(2), batch);
    expect(outputs.input.length).toBe(steps * batch * 41);
    const sums = new Set<number>();
    for (let b = 0; b < batch; b++) {
      const first = row(outputs.input, 0, b, batch, 41);
      expect(first.every((v) => v === 1 || v === -1)).toBe(true);
      sums.add(first.reduce((a, v) => a + v, 0));
      const test = row(outputs.input, steps - 1, b, batch, 41);
      expect(test.filter((v) => v === 0).length).toBe(12); // round(0.3·41)
    }
    expect(sums.size).toBeGreaterThan(3);
  });

  it('gives the same episodes for the same seed and different ones for another seed', () => {
    const a = generateBinaryPatternEpisodes(small, createRng('x'), 3);
    const b = generateBinaryPatternEpisodes(small, createRng('x'), 3);
    const c = generateBinaryPatternEpisodes(small, createRng('y'), 3);
    expect(a.outputs.input).toEqual(b.outputs.input);
    expect(a.outputs.target).toEqual(b.outputs.target);
    expect(a.outputs.input).not.toEqual(c.outputs.input);
    // Batch elements are independent episodes.
    const width = small.patternSize + 1;
    expect(row(a.outputs.input, 0, 0, 3, width)).not.toEqual(row(a.outputs.input, 0, 1, 3, width));
  });

  it('rejects bad settings with the field name', () => {
    expect(() => generateBinaryPatternEpisodes({ ...small, patternSize: 0 }, createRng(1), 1)).toThrow(/patternSize/);
    expect(() => generateBinaryPatternEpisodes({ ...small, patternSize: 21 }, createRng(1), 1)).toThrow(/even patternSize/);
    expect(() => generateBinaryPatternEpisodes({ ...small, zeroFraction: 2 }, createRng(1), 1)).toThrow(/zeroFraction/);
    expect(() => generateBinaryPatternEpisodes(small, createRng(1), 0)).toThrow(/batchSize/);
  });
});
