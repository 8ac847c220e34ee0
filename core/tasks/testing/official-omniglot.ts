// Test helper: Omniglot in the official distribution's form (images_<set>/<Alphabet>/<characterNN>/<id>_<NN>.png,
// 1-bit PNGs, zipped), rebuilt from the packed copy in the data folder.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { defaultDataDir } from '../data-dir.ts';
import { makeOneBitPng } from './make-png.ts';

export const omniglotDir = path.join(defaultDataDir(), 'omniglot');

/** characters.tsv: [set, index_in_set, omniglot_id, alphabet, character] per character. */
export const characterTable = readFileSync(path.join(omniglotDir, 'characters.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t'));

const bits = {
  background: gunzipSync(readFileSync(path.join(omniglotDir, 'background_105x105.bits.gz'))),
  evaluation: gunzipSync(readFileSync(path.join(omniglotDir, 'evaluation_105x105.bits.gz'))),
};

/** White (true) / ink (false) pixels of one packed drawing, read straight from the bit file. */
export function drawingPixels(set: 'background' | 'evaluation', indexInSet: number, drawing: number): boolean[] {
  const record = bits[set].subarray((indexInSet * 20 + drawing) * 1379);
  return Array.from({ length: 105 * 105 }, (_, p) => ((record[p >> 3] >> (7 - (p & 7))) & 1) === 0);
}

/** The zip of one set's first `characters` characters with `drawings` drawings each, as the official images_<set>.zip. */
export function officialOmniglotZip(set: 'background' | 'evaluation', characters: number, drawings = 20): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [rowSet, index, id, alphabet, character] of characterTable.filter((row) => row[0] === set).slice(0, characters)) {
    for (let d = 0; d < drawings; d++) {
      const name = `${id.padStart(4, '0')}_${String(d + 1).padStart(2, '0')}.png`;
      files[`images_${set}/${alphabet}/${character}/${name}`] = makeOneBitPng(drawingPixels(rowSet as typeof set, Number(index), d), 105, 105);
    }
  }
  return zipSync(files, { level: 1 });
}
