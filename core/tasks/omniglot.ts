// Omniglot loaders (Miconi et al. 2018, §4.3). Node-only (fs, zlib, pngjs).
//
// Images are read as the paper's code does: pixel/255 with the white background = 1 and ink = 0, then
// resized 105 → 31 like skimage.transform.resize's defaults (core/tasks/resize.ts).
//
// Accepted sources inside the folder the user gives (or its `omniglot/` or `python/` subfolder):
//  - the official distribution: `images_background/<Alphabet>/characterNN/*.png` and
//    `images_evaluation/…`, or the zips `images_background.zip` / `images_evaluation.zip`
//    (brendenlake/omniglot `python/`); whichever sets are present are loaded;
//  - the packed copy the tests use: `{background,evaluation}_105x105.bits.gz` +
//    `characters.tsv`. With `resampling: 'area'` it reads the pre-downsampled `*_31x31.u8.gz` instead
//    (value = 1 − v/255): faster, but those were made by area averaging (Pillow BOX), which differs from
//    the paper's Gaussian + bilinear resize by up to a few tenths on stroke edges.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { gunzipNamed, readZipEntries } from './archive.ts';
import {
  type OmniglotCharacter,
  type OmniglotDataset,
  compareOmniglotCharacters,
  omniglotSplitSeed,
  omniglotTestClassCount,
  splitOmniglotClasses,
} from '../episodes/omniglot-episodes.ts';
import { axisResampler, resizeWith } from './resize.ts';

export { generateOmniglotEpisodes } from '../episodes/omniglot-episodes.ts';

export const omniglotRawSide = 105;
export const omniglotSide = 31;
const sets = ['background', 'evaluation'] as const;
const packedRecordBytes = Math.ceil((omniglotRawSide * omniglotRawSide) / 8); // 1379

export type { OmniglotLoadOptions } from '../episodes/task-library.ts';
import type { OmniglotLoadOptions } from '../episodes/task-library.ts';

/** One character before decoding: where its drawings are and how to read one as 105×105 (1 = white). */
interface PendingCharacter extends OmniglotCharacter {
  drawings: number;
  read(drawing: number, out: Float32Array): void;
}

function candidateFolders(folder: string): string[] {
  return [folder, path.join(folder, 'omniglot'), path.join(folder, 'python')];
}

const isDirectory = (p: string) => existsSync(p) && statSync(p).isDirectory();
const sortedNames = (names: Iterable<string>) => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Decodes one official PNG to 1 = white, 0 = ink. */
function readPng(bytes: Uint8Array, name: string, out: Float32Array): void {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  } catch (error) {
    throw new Error(`${name}: not a readable PNG (${(error as Error).message})`);
  }
  if (png.width !== omniglotRawSide || png.height !== omniglotRawSide) {
    throw new Error(`${name}: image is ${png.width}×${png.height}, Omniglot drawings are 105×105`);
  }
  for (let p = 0; p < out.length; p++) out[p] = png.data[4 * p] / 255;
}

/** `files`: path within the set (`<Alphabet>/characterNN/<file>.png`) → bytes loader. */
function charactersFromFiles(set: OmniglotCharacter['set'], files: Map<string, () => Uint8Array>, origin: string): PendingCharacter[] {
  const byCharacter = new Map<string, string[]>();
  for (const file of files.keys()) {
    const parts = file.split('/');
    if (parts.length !== 3 || !parts[2].toLowerCase().endsWith('.png')) continue;
    const key = `${parts[0]}/${parts[1]}`;
    byCharacter.set(key, [...(byCharacter.get(key) ?? []), file]);
  }
  return [...byCharacter.entries()].map(([key, list]) => {
    const [alphabet, character] = key.split('/');
    const pngs = sortedNames(list); // `…_01.png` … `…_20.png`
    return {
      set,
      alphabet,
      character,
      drawings: pngs.length,
      read: (drawing, out) => readPng(files.get(pngs[drawing])!(), `${origin}/${pngs[drawing]}`, out),
    };
  });
}

function officialFolderSet(set: OmniglotCharacter['set'], root: string): PendingCharacter[] {
  const files = new Map<string, () => Uint8Array>();
  for (const alphabet of readdirSync(root)) {
    if (!isDirectory(path.join(root, alphabet))) continue;
    for (const character of readdirSync(path.join(root, alphabet))) {
      const dir = path.join(root, alphabet, character);
      if (!isDirectory(dir)) continue;
      for (const file of readdirSync(dir)) files.set(`${alphabet}/${character}/${file}`, () => readFileSync(path.join(dir, file)));
    }
  }
  return charactersFromFiles(set, files, root);
}

function officialZipSet(set: OmniglotCharacter['set'], zipPath: string): PendingCharacter[] {
  const prefix = `images_${set}/`;
  const entries = readZipEntries(readFileSync(zipPath), zipPath, (name) => name.startsWith(prefix) && name.toLowerCase().endsWith('.png'));
  const files = new Map<string, () => Uint8Array>();
  for (const [name, bytes] of entries) files.set(name.slice(prefix.length), () => bytes);
  return charactersFromFiles(set, files, `${zipPath}:${prefix.slice(0, -1)}`);
}

/** The official distribution, if any of its sets is in one of the candidate folders. */
function findOfficial(folder: string): { characters: PendingCharacter[]; origins: string[] } | undefined {
  const characters: PendingCharacter[] = [];
  const origins: string[] = [];
  for (const set of sets) {
    for (const dir of candidateFolders(folder)) {
      const tree = path.join(dir, `images_${set}`);
      const zip = `${tree}.zip`;
      if (isDirectory(tree)) {
        characters.push(...officialFolderSet(set, tree));
        origins.push(tree);
        break;
      }
      if (existsSync(zip)) {
        characters.push(...officialZipSet(set, zip));
        origins.push(zip);
        break;
      }
    }
  }
  return origins.length > 0 ? { characters, origins } : undefined;
}

interface PackedRow {
  set: OmniglotCharacter['set'];
  indexInSet: number;
  alphabet: string;
  character: string;
}

function readCharacterTable(file: string): PackedRow[] {
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
  const header = lines.shift()?.split('\t') ?? [];
  const column = (name: string) => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`${file}: no "${name}" column (header: ${header.join(', ')})`);
    return at;
  };
  const [setAt, indexAt, alphabetAt, characterAt] = [column('set'), column('index_in_set'), column('alphabet'), column('character')];
  return lines.map((line, i) => {
    const fields = line.split('\t');
    const set = fields[setAt];
    if (set !== 'background' && set !== 'evaluation') throw new Error(`${file}: row ${i + 1} has set "${set}"`);
    return { set, indexInSet: Number(fields[indexAt]), alphabet: fields[alphabetAt], character: fields[characterAt] };
  });
}

/** Reads a gzipped file that must hold `count` records of `recordBytes`. */
function readRecords(file: string, recordBytes: number, count: number): Uint8Array {
  const bytes = gunzipNamed(readFileSync(file), file);
  if (bytes.length !== recordBytes * count) {
    throw new Error(`${file}: ${bytes.length} bytes after gunzip, expected ${count} records of ${recordBytes} bytes`);
  }
  return bytes;
}

const packedDrawings = 20;

/** The packed copy, as pending characters reading 105×105 bit records. */
function findPacked(folder: string): { dir: string; rows: PackedRow[] } | undefined {
  for (const dir of candidateFolders(folder)) {
    const table = path.join(dir, 'characters.tsv');
    if (existsSync(table) && sets.every((set) => existsSync(path.join(dir, `${set}_105x105.bits.gz`)))) {
      return { dir, rows: readCharacterTable(table) };
    }
  }
  return undefined;
}

function packedRecordCounts(rows: PackedRow[]): Record<OmniglotCharacter['set'], number> {
  const counts = { background: 0, evaluation: 0 };
  for (const row of rows) counts[row.set]++;
  return { background: counts.background * packedDrawings, evaluation: counts.evaluation * packedDrawings };
}

function packedCharacters(dir: string, rows: PackedRow[]): PendingCharacter[] {
  const counts = packedRecordCounts(rows);
  const bits = Object.fromEntries(
    sets.map((set) => [set, readRecords(path.join(dir, `${set}_105x105.bits.gz`), packedRecordBytes, counts[set])]),
  ) as Record<OmniglotCharacter['set'], Uint8Array>;
  return rows.map((row) => ({
    set: row.set,
    alphabet: row.alphabet,
    character: row.character,
    drawings: packedDrawings,
    read(drawing, out) {
      const record = bits[row.set].subarray((row.indexInSet * packedDrawings + drawing) * packedRecordBytes);
      for (let p = 0; p < out.length; p++) out[p] = 1 - ((record[p >> 3] >> (7 - (p & 7))) & 1); // bit 1 = ink
    },
  }));
}

/** Reads the packed 31×31 area-averaged files straight into a dataset's image array. */
function packedAreaImages(dir: string, rows: PackedRow[], ordered: PackedRow[]): Float32Array {
  const pixels = omniglotSide * omniglotSide;
  const counts = packedRecordCounts(rows);
  const bytes = Object.fromEntries(
    sets.map((set) => [set, readRecords(path.join(dir, `${set}_31x31.u8.gz`), pixels, counts[set])]),
  ) as Record<OmniglotCharacter['set'], Uint8Array>;
  const images = new Float32Array(ordered.length * packedDrawings * pixels);
  ordered.forEach((row, c) => {
    const from = bytes[row.set].subarray(row.indexInSet * packedDrawings * pixels, (row.indexInSet + 1) * packedDrawings * pixels);
    const to = images.subarray(c * packedDrawings * pixels);
    for (let p = 0; p < from.length; p++) to[p] = 1 - from[p] / 255;
  });
  return images;
}

function assemble(
  characters: OmniglotCharacter[],
  drawingCounts: number[],
  images: Float32Array,
  source: string,
  options: OmniglotLoadOptions,
): OmniglotDataset {
  const drawingStart = new Int32Array(characters.length + 1);
  drawingCounts.forEach((count, c) => (drawingStart[c + 1] = drawingStart[c] + count));
  const split = splitOmniglotClasses(characters.length, options.splitSeed ?? omniglotSplitSeed, options.testClassCount ?? omniglotTestClassCount);
  return { side: omniglotSide, characters, drawingStart, images, split, source };
}

/** Decodes and resizes every drawing of `pending` (already in canonical order). */
function decodeAll(pending: PendingCharacter[], options: OmniglotLoadOptions): Float32Array {
  const rawPixels = omniglotRawSide * omniglotRawSide;
  const pixels = omniglotSide * omniglotSide;
  const resampler = axisResampler(omniglotRawSide, omniglotSide, { antiAliasing: options.antiAliasing ?? true });
  const total = pending.reduce((sum, c) => sum + c.drawings, 0);
  const images = new Float32Array(total * pixels);
  const raw = new Float32Array(rawPixels);
  let at = 0;
  for (const character of pending) {
    for (let d = 0; d < character.drawings; d++, at++) {
      character.read(d, raw);
      resizeWith(raw, resampler, resampler, images.subarray(at * pixels, (at + 1) * pixels));
    }
  }
  return images;
}

/**
 * Loads, decodes and resizes Omniglot from `folder` (synchronous; the caller caches, see index.ts).
 * The official distribution wins over the packed copy when both are present.
 */
/**
 * Why Omniglot cannot be loaded from `folder`, or null when its files are there: a look at names only, nothing
 * decoded, so training can refuse at once instead of failing seconds after it started.
 */
export function omniglotMissing(folder: string): string | null {
  if (!isDirectory(folder)) return `the folder ${folder} does not exist`;
  const hasSet = (set: string) => candidateFolders(folder).some((dir) => isDirectory(path.join(dir, `images_${set}`)) || existsSync(path.join(dir, `images_${set}.zip`)));
  if (sets.every(hasSet)) return null;
  if (candidateFolders(folder).some((dir) => existsSync(path.join(dir, 'characters.tsv')) && sets.every((set) => existsSync(path.join(dir, `${set}_105x105.bits.gz`))))) return null;
  return `${folder} holds no Omniglot: it needs images_background/ and images_evaluation/ (or their .zip files) from the official distribution`;
}

export function loadOmniglot(folder: string, options: OmniglotLoadOptions = {}): OmniglotDataset {
  if (!isDirectory(folder)) throw new Error(`Omniglot: folder ${folder} does not exist`);
  const resampling = options.resampling ?? 'skimage';
  const describe = (origins: string) => `${origins} (${resampling === 'area' ? '31×31 area-averaged files' : 'resized 105→31 like skimage'})`;

  const official = findOfficial(folder);
  if (official && resampling === 'skimage') {
    const pending = official.characters.sort(compareOmniglotCharacters);
    if (pending.length === 0) throw new Error(`Omniglot: no <Alphabet>/characterNN/*.png drawings under ${official.origins.join(', ')}`);
    const images = decodeAll(pending, options);
    const characters = pending.map(({ set, alphabet, character }) => ({ set, alphabet, character }));
    return assemble(characters, pending.map((c) => c.drawings), images, describe(official.origins.join(' + ')), options);
  }

  const packed = findPacked(folder);
  if (packed) {
    const ordered = [...packed.rows].sort(compareOmniglotCharacters);
    const characters = ordered.map(({ set, alphabet, character }) => ({ set, alphabet, character }));
    const counts = ordered.map(() => packedDrawings);
    if (resampling === 'area') {
      const missing = sets.map((set) => path.join(packed.dir, `${set}_31x31.u8.gz`)).filter((file) => !existsSync(file));
      if (missing.length > 0) throw new Error(`Omniglot: resampling 'area' needs ${missing.join(' and ')}`);
      return assemble(characters, counts, packedAreaImages(packed.dir, packed.rows, ordered), describe(packed.dir), options);
    }
    const pending = packedCharacters(packed.dir, packed.rows).sort(compareOmniglotCharacters);
    return assemble(characters, counts, decodeAll(pending, options), describe(packed.dir), options);
  }
  if (official) throw new Error(`Omniglot: resampling 'area' needs the packed *_31x31.u8.gz files; ${folder} holds the official PNGs (use 'skimage')`);
  throw new Error(
    `Omniglot not found in ${folder}: expected images_background/ and images_evaluation/ (or their .zip files) from the official ` +
      `distribution, or background_105x105.bits.gz + evaluation_105x105.bits.gz + characters.tsv`,
  );
}
