import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDataDir } from './data-dir.ts';
import type { OmniglotCharacter, OmniglotDataset } from '../episodes/omniglot-episodes.ts';
import { loadOmniglot } from './omniglot.ts';
import { makeOneBitPng } from './testing/make-png.ts';
import { characterTable, drawingPixels, omniglotDir } from './testing/official-omniglot.ts';

function indexOf(dataset: OmniglotDataset, c: OmniglotCharacter): number {
  return dataset.characters.findIndex((d) => d.set === c.set && d.alphabet === c.alphabet && d.character === c.character);
}

function drawing(dataset: OmniglotDataset, character: number, d: number): Float32Array {
  const at = dataset.drawingStart[character] + d;
  return dataset.images.subarray(at * 961, (at + 1) * 961);
}

let dataset: OmniglotDataset;
let scratch: string;
beforeAll(() => {
  dataset = loadOmniglot(defaultDataDir());
  scratch = mkdtempSync(path.join(tmpdir(), 'omniglot-test-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Omniglot from the packed copy', () => {
  it('holds 1,623 characters × 20 drawings in canonical order, split 1,523 / 100', () => {
    expect(dataset.characters.length).toBe(1623);
    expect(dataset.drawingStart[1623]).toBe(32460);
    expect(dataset.images.length).toBe(32460 * 31 * 31);
    expect(dataset.characters.filter((c) => c.set === 'background').length).toBe(964);
    expect(dataset.characters[0]).toEqual({ set: 'background', alphabet: 'Alphabet_of_the_Magi', character: 'character01' });
    expect(dataset.characters[964].set).toBe('evaluation');
    const { train, test } = dataset.split;
    expect(train.length).toBe(1523);
    expect(test.length).toBe(100);
    expect(new Set([...train, ...test]).size).toBe(1623);
  });

  // Reference values: skimage 0.19.3 resize(1 - bits, (31, 31)) of the same drawings.
  it('resizes like skimage, with white = 1', () => {
    const arcadian1 = drawing(dataset, indexOf(dataset, { set: 'background', alphabet: 'Arcadian', character: 'character01' }), 0);
    expect(arcadian1.reduce((a, v) => a + v, 0)).toBeCloseTo(881.4159525867105, 3);
    expect(arcadian1[15 * 31 + 15]).toBeCloseTo(0.010949033513632439, 6);
    expect(arcadian1[10 * 31 + 20]).toBeCloseTo(0.09081086387396574, 6);
    expect(arcadian1[0]).toBe(1);
    // Packed record 12345 = background character 617 (Japanese_(katakana)/character23), drawing 5.
    expect(characterTable[617].slice(3)).toEqual(['Japanese_(katakana)', 'character23']);
    const katakana = drawing(dataset, indexOf(dataset, { set: 'background', alphabet: 'Japanese_(katakana)', character: 'character23' }), 5);
    expect(katakana.reduce((a, v) => a + v, 0)).toBeCloseTo(865.2898359773545, 3);
    expect(katakana[15 * 31 + 15]).toBeCloseTo(0.5715092354158061, 6);
    expect(katakana[14 * 31 + 17]).toBeCloseTo(0.0005207748761971883, 6);
    expect(katakana[10 * 31 + 20]).toBeCloseTo(0.7083604060229413, 6);
  });

  it('uses a split that depends only on the split seed', () => {
    const again = loadOmniglot(defaultDataDir(), { resampling: 'area' });
    expect(again.split.test).toEqual(dataset.split.test);
    const other = loadOmniglot(defaultDataDir(), { resampling: 'area', splitSeed: 'another', testClassCount: 200 });
    expect(other.split.test.length).toBe(200);
    expect(new Set(other.split.test)).not.toEqual(new Set(dataset.split.test));
  });

  it("reads the area-averaged 31×31 files with 'area' (close to, not equal to, the skimage resize)", () => {
    const area = loadOmniglot(defaultDataDir(), { resampling: 'area' });
    expect(area.images.length).toBe(dataset.images.length);
    const c = indexOf(area, { set: 'evaluation', alphabet: 'Angelic', character: 'character01' });
    const row = characterTable.findIndex((r) => r[0] === 'evaluation' && r[3] === 'Angelic' && r[4] === 'character01');
    const u8 = gunzipSync(readFileSync(path.join(omniglotDir, 'evaluation_31x31.u8.gz')));
    const at = Number(characterTable[row][1]) * 20 * 961;
    const expected = Array.from(u8.subarray(at, at + 961), (v) => 1 - v / 255);
    drawing(area, c, 0).forEach((v, p) => expect(v).toBeCloseTo(expected[p], 6));
    let difference = 0;
    for (let p = 0; p < area.images.length; p += 7) difference += Math.abs(area.images[p] - dataset.images[p]);
    const mean = difference / Math.ceil(area.images.length / 7);
    expect(mean).toBeGreaterThan(0.002);
    expect(mean).toBeLessThan(0.03);
  });
});

describe('Omniglot from the official distribution', () => {
  const picks: OmniglotCharacter[] = [
    { set: 'background', alphabet: 'Korean', character: 'character05' },
    { set: 'background', alphabet: 'Arcadian', character: 'character02' },
    { set: 'background', alphabet: 'Arcadian', character: 'character01' },
    { set: 'evaluation', alphabet: 'Angelic', character: 'character01' },
    { set: 'evaluation', alphabet: 'Tengwar', character: 'character03' },
  ];
  const drawings = 4;

  function build(folder: string): void {
    const zipped: Record<string, Uint8Array> = {};
    for (const pick of picks) {
      const row = characterTable.findIndex((r) => r[0] === pick.set && r[3] === pick.alphabet && r[4] === pick.character);
      const id = characterTable[row][2].padStart(4, '0');
      for (let d = 0; d < drawings; d++) {
        const png = makeOneBitPng(drawingPixels(pick.set, Number(characterTable[row][1]), d), 105, 105);
        const name = `${id}_${String(d + 1).padStart(2, '0')}.png`;
        if (pick.set === 'background') {
          const dir = path.join(folder, 'python', 'images_background', pick.alphabet, pick.character);
          mkdirSync(dir, { recursive: true });
          writeFileSync(path.join(dir, name), png);
        } else {
          zipped[`images_evaluation/${pick.alphabet}/${pick.character}/${name}`] = png;
        }
      }
    }
    writeFileSync(path.join(folder, 'python', 'images_evaluation.zip'), zipSync(zipped));
  }

  it('reads 1-bit PNG folders and zips into the same images as the packed copy', () => {
    const folder = path.join(scratch, 'official');
    build(folder);
    const official = loadOmniglot(folder, { testClassCount: 1 });
    expect(official.characters).toEqual([
      { set: 'background', alphabet: 'Arcadian', character: 'character01' },
      { set: 'background', alphabet: 'Arcadian', character: 'character02' },
      { set: 'background', alphabet: 'Korean', character: 'character05' },
      { set: 'evaluation', alphabet: 'Angelic', character: 'character01' },
      { set: 'evaluation', alphabet: 'Tengwar', character: 'character03' },
    ]);
    expect(Array.from(official.drawingStart)).toEqual([0, 4, 8, 12, 16, 20]);
    expect(official.source).toContain('images_evaluation.zip');
    official.characters.forEach((character, c) => {
      const reference = indexOf(dataset, character);
      for (let d = 0; d < drawings; d++) expect(drawing(official, c, d)).toEqual(drawing(dataset, reference, d));
    });
    expect(() => loadOmniglot(folder, { resampling: 'area' })).toThrow(/needs the packed/);
  });

  it('names the folder and what it expected when nothing is there', () => {
    const empty = path.join(scratch, 'empty');
    mkdirSync(empty);
    expect(() => loadOmniglot(empty)).toThrow(new RegExp(`Omniglot not found in ${empty}.*images_background.*background_105x105\\.bits\\.gz`));
    expect(() => loadOmniglot(path.join(scratch, 'missing'))).toThrow(/does not exist/);
  });
});
