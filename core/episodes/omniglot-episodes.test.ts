import { describe, expect, it } from 'vitest';
import { createRng } from '../util/random.ts';
import {
  type OmniglotDataset,
  defaultOmniglotEpisodeSettings,
  generateOmniglotEpisodes,
  omniglotEpisodeSteps,
  rotateQuarterTurns,
  splitOmniglotClasses,
} from './omniglot-episodes.ts';

const side = 4;
const pixels = side * side;

/**
 * Character c, drawing d has pixel p = c·1000 + d·20 + p/pixels, so the floor tells (c, d) and the
 * position of the value with fraction 0 (originally the top-left pixel) tells the rotation.
 */
function syntheticDataset(characters: number, drawings: number, testCount: number): OmniglotDataset {
  const images = new Float32Array(characters * drawings * pixels);
  for (let c = 0; c < characters; c++) {
    for (let d = 0; d < drawings; d++) {
      for (let p = 0; p < pixels; p++) images[(c * drawings + d) * pixels + p] = c * 1000 + d * 20 + p / pixels;
    }
  }
  return {
    side,
    characters: Array.from({ length: characters }, (_, c) => ({ set: 'background', alphabet: 'Synthetic', character: `character${c}` })),
    drawingStart: Int32Array.from({ length: characters + 1 }, (_, c) => c * drawings),
    images,
    split: splitOmniglotClasses(characters, 'test-split', testCount),
    source: 'synthetic',
  };
}

interface Shown {
  character: number;
  drawing: number;
  turns: number;
}

function decode(image: Float32Array): Shown {
  const whole = Math.floor(image[0]);
  const character = Math.floor(whole / 1000);
  const corner = image.findIndex((v) => v === whole); // the pixel with fraction 0
  const [r, c] = [Math.floor(corner / side), corner % side];
  const last = side - 1;
  // Where the original top-left pixel lands after k counter-clockwise quarter turns.
  const turns = [
    [0, 0],
    [last, 0],
    [last, last],
    [0, last],
  ].findIndex(([rr, cc]) => rr === r && cc === c);
  return { character, drawing: (whole % 1000) / 20, turns };
}

describe('rotateQuarterTurns', () => {
  it('follows numpy rot90 (counter-clockwise)', () => {
    const out = new Float32Array(4);
    rotateQuarterTurns([1, 2, 3, 4], 2, 1, out);
    expect(Array.from(out)).toEqual([2, 4, 1, 3]);
    rotateQuarterTurns([1, 2, 3, 4], 2, 2, out);
    expect(Array.from(out)).toEqual([4, 3, 2, 1]);
    rotateQuarterTurns([1, 2, 3, 4], 2, 3, out);
    expect(Array.from(out)).toEqual([3, 1, 4, 2]);
    rotateQuarterTurns([1, 2, 3, 4], 2, 4, out);
    expect(Array.from(out)).toEqual([1, 2, 3, 4]);
  });
});

describe('Omniglot episodes', () => {
  it('splits classes with the split seed only: the last testCount of a fixed shuffle', () => {
    const a = splitOmniglotClasses(1623);
    const b = splitOmniglotClasses(1623);
    expect(a.test).toEqual(b.test);
    expect(a.train.length).toBe(1523);
    expect(new Set([...a.train, ...a.test]).size).toBe(1623);
    expect(splitOmniglotClasses(1623, 'other').test).not.toEqual(a.test);
    expect(() => splitOmniglotClasses(10, 'x', 10)).toThrow(/testClassCount/);
  });

  it('shows 5 labelled classes in random order, then an unlabelled new drawing of one of them', () => {
    const dataset = syntheticDataset(40, 20, 8);
    const trainSet = new Set(dataset.split.train);
    const batch = 300;
    const { steps, outputs } = generateOmniglotEpisodes(defaultOmniglotEpisodeSettings, dataset, 'train', createRng(3), batch);
    expect(steps).toBe(6);
    expect(omniglotEpisodeSteps(defaultOmniglotEpisodeSettings)).toBe(6);
    expect(outputs.image.length).toBe(6 * batch * pixels);
    expect(outputs.label.length).toBe(6 * batch * 5);
    const queryLabels = [0, 0, 0, 0, 0];
    const turnsSeen = [0, 0, 0, 0];
    let firstStepLabel = 0;
    for (let b = 0; b < batch; b++) {
      const shown = (t: number) => decode(outputs.image.subarray((t * batch + b) * pixels, (t * batch + b + 1) * pixels));
      const label = (t: number) => Array.from(outputs.label.subarray((t * batch + b) * 5, (t * batch + b + 1) * 5));
      const target = (t: number) => Array.from(outputs.target.subarray((t * batch + b) * 5, (t * batch + b + 1) * 5));
      const byLabel = new Map<number, Shown>();
      for (let t = 0; t < 5; t++) {
        const l = label(t);
        expect(l.filter((v) => v === 1).length).toBe(1);
        expect(l.filter((v) => v === 0).length).toBe(4);
        const s = shown(t);
        expect(trainSet.has(s.character)).toBe(true);
        expect(s.turns).toBeGreaterThanOrEqual(0);
        byLabel.set(l.indexOf(1), s);
        turnsSeen[s.turns]++;
      }
      expect(byLabel.size).toBe(5); // every label once
      expect(new Set([...byLabel.values()].map((s) => s.character)).size).toBe(5);
      expect(label(5)).toEqual([0, 0, 0, 0, 0]);
      const query = shown(5);
      const queryLabel = target(0).indexOf(1);
      expect(target(0).reduce((a, v) => a + v, 0)).toBe(1);
      for (let t = 1; t < 6; t++) expect(target(t)).toEqual(target(0));
      const support = byLabel.get(queryLabel)!;
      expect(query.character).toBe(support.character);
      expect(query.drawing).not.toBe(support.drawing);
      expect(query.turns).toBe(support.turns); // one rotation per class and episode
      queryLabels[queryLabel]++;
      firstStepLabel += label(0)[0];
    }
    for (const count of queryLabels) expect(count).toBeGreaterThan(35);
    for (const count of turnsSeen) expect(count).toBeGreaterThan(250);
    // Labels are positions in a random class list, shown in random order: label 0 first about 1/5 of the time.
    expect(firstStepLabel).toBeGreaterThan(30);
    expect(firstStepLabel).toBeLessThan(95);
  });

  it('draws only test classes for the test split, without rotation when asked, reproducibly', () => {
    const dataset = syntheticDataset(40, 3, 8);
    const testSet = new Set(dataset.split.test);
    const settings = { ...defaultOmniglotEpisodeSettings, rotate: false };
    const a = generateOmniglotEpisodes(settings, dataset, 'test', createRng(8), 50);
    for (let i = 0; i < 6 * 50; i++) {
      const s = decode(a.outputs.image.subarray(i * pixels, (i + 1) * pixels));
      expect(testSet.has(s.character)).toBe(true);
      expect(s.turns).toBe(0);
    }
    const b = generateOmniglotEpisodes(settings, dataset, 'test', createRng(8), 50);
    expect(b.outputs.image).toEqual(a.outputs.image);
    expect(b.outputs.target).toEqual(a.outputs.target);
    const c = generateOmniglotEpisodes(settings, dataset, 'test', createRng(9), 50);
    expect(c.outputs.image).not.toEqual(a.outputs.image);
  });

  it('supports K shots and names the problem when data is short', () => {
    const dataset = syntheticDataset(12, 3, 2);
    const twoShot = generateOmniglotEpisodes({ classCount: 3, shots: 2, rotate: true }, dataset, 'train', createRng(1), 4);
    expect(twoShot.steps).toBe(7);
    expect(() => generateOmniglotEpisodes({ classCount: 3, shots: 3, rotate: true }, dataset, 'train', createRng(1), 4)).toThrow(
      /has 3 drawings, an episode needs 4/,
    );
    expect(() => generateOmniglotEpisodes(defaultOmniglotEpisodeSettings, dataset, 'test', createRng(1), 1)).toThrow(
      /test split of synthetic has 2 classes/,
    );
  });
});
