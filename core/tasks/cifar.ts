// CIFAR-10 loaders for the image-completion task (Miconi et al. 2018, §4.2). Node-only (fs, zlib).
//
// The binary format of the official `cifar-10-batches-bin/data_batch_N.bin` and `test_batch.bin`:
// 3,073-byte records, a label byte then 1024 R, 1024 G and 1024 B bytes (32×32 planes, row-major).
// Images become grayscale as in the authors' images.py: R+G+B, minus the image's mean, divided by the
// largest |value|, so each image spans [−1, 1] (the paper's text says [0, 1]; the code wins).
//
// Accepted sources, looked for in this order inside the folder the user gives (or its `cifar10/` or
// `cifar-10-batches-bin/` subfolder):
//   training: data_batch_1..4.bin (the paper's 40,000 images; batch 5 is left out as in images.py),
//             else cifar-10-binary.tar.gz (the official archive, read in memory),
//             else data_batch_1_first4000.bin (the first 4,000 images of data_batch_1, as the tests' packed copy has them).
//   held out: test_batch.bin, else the archive, else test_jpeg.pack + test_jpeg_index.tsv (the test set
//             as quality-75 JPEGs in the packed copy: lossy, about ±6 levels per pixel).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { readTarGzEntries } from './archive.ts';
import type { GrayImageSet } from '../episodes/image-episodes.ts';

export const cifarRecordBytes = 3073;
export const cifarSide = 32;
const pixelCount = cifarSide * cifarSide;

export const cifarClassNames = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

export const cifarArchiveName = 'cifar-10-binary.tar.gz';
const archiveFolder = 'cifar-10-batches-bin';
const subsetName = 'data_batch_1_first4000.bin';
const jpegPackName = 'test_jpeg.pack';
const jpegIndexName = 'test_jpeg_index.tsv';

/**
 * Writes one image's normalised grayscale into `out` (length 1024): R+G+B per pixel, minus the mean,
 * divided by the max |value|. A perfectly flat image would divide 0 by 0 in the paper's code; here it stays 0.
 */
export function cifarGrayscale(rgb: ArrayLike<number>, layout: 'planar' | 'interleaved', out: Float32Array): void {
  let sum = 0;
  for (let p = 0; p < pixelCount; p++) {
    const gray =
      layout === 'planar' ? rgb[p] + rgb[pixelCount + p] + rgb[2 * pixelCount + p] : rgb[3 * p] + rgb[3 * p + 1] + rgb[3 * p + 2];
    out[p] = gray;
    sum += gray;
  }
  const mean = sum / pixelCount;
  let largest = 0;
  for (let p = 0; p < pixelCount; p++) {
    out[p] -= mean;
    largest = Math.max(largest, Math.abs(out[p]));
  }
  if (largest > 0) for (let p = 0; p < pixelCount; p++) out[p] /= largest;
}

/** Parses records in the official binary layout. `fileName` names the source in errors and in `source`. */
export function parseCifarBinary(bytes: Uint8Array, fileName: string): GrayImageSet {
  if (bytes.length === 0 || bytes.length % cifarRecordBytes !== 0) {
    throw new Error(`${fileName}: ${bytes.length} bytes is not a whole number of ${cifarRecordBytes}-byte CIFAR-10 records`);
  }
  const count = bytes.length / cifarRecordBytes;
  const pixels = new Float32Array(count * pixelCount);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const record = bytes.subarray(i * cifarRecordBytes, (i + 1) * cifarRecordBytes);
    if (record[0] > 9) throw new Error(`${fileName}: record ${i} has label ${record[0]}, CIFAR-10 labels are 0..9`);
    labels[i] = record[0];
    cifarGrayscale(record.subarray(1), 'planar', pixels.subarray(i * pixelCount, (i + 1) * pixelCount));
  }
  return { count, height: cifarSide, width: cifarSide, pixels, labels, source: fileName };
}

/** Decodes the JPEG test pack (`test_jpeg.pack` + `test_jpeg_index.tsv`, the packed copy's layout). */
export function parseCifarJpegPack(pack: Uint8Array, indexTsv: string, packName: string): GrayImageSet {
  const lines = indexTsv.split('\n').filter((line) => line.trim() !== '');
  const header = lines.shift()?.split('\t') ?? [];
  const column = (name: string) => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`${packName}: index has no "${name}" column (header: ${header.join(', ')})`);
    return at;
  };
  const [labelAt, offsetAt, lengthAt] = [column('label'), column('offset'), column('length')];
  const count = lines.length;
  const pixels = new Float32Array(count * pixelCount);
  const labels = new Uint8Array(count);
  lines.forEach((line, i) => {
    const fields = line.split('\t');
    const offset = Number(fields[offsetAt]);
    const length = Number(fields[lengthAt]);
    if (!(offset >= 0 && length > 0 && offset + length <= pack.length)) {
      throw new Error(`${packName}: index row ${i + 1} points outside the pack (offset ${fields[offsetAt]}, length ${fields[lengthAt]})`);
    }
    const image = jpeg.decode(pack.subarray(offset, offset + length), { useTArray: true, formatAsRGBA: false });
    if (image.width !== cifarSide || image.height !== cifarSide) {
      throw new Error(`${packName}: image ${i} is ${image.width}×${image.height}, expected 32×32`);
    }
    labels[i] = Number(fields[labelAt]);
    cifarGrayscale(image.data, 'interleaved', pixels.subarray(i * pixelCount, (i + 1) * pixelCount));
  });
  return { count, height: cifarSide, width: cifarSide, pixels, labels, source: packName };
}

/** One set holding the images of several, in order. */
export function concatImageSets(sets: GrayImageSet[], source: string): GrayImageSet {
  const count = sets.reduce((sum, set) => sum + set.count, 0);
  const pixels = new Float32Array(count * pixelCount);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const set of sets) {
    pixels.set(set.pixels, at * pixelCount);
    if (set.labels) labels.set(set.labels, at);
    at += set.count;
  }
  return { count, height: cifarSide, width: cifarSide, pixels, labels, source };
}

function searchFolders(folder: string): string[] {
  return [folder, path.join(folder, archiveFolder), path.join(folder, 'cifar10'), path.join(folder, 'cifar10', archiveFolder)];
}

function findFile(folder: string, name: string): string | undefined {
  return searchFolders(folder)
    .map((dir) => path.join(dir, name))
    .find((file) => existsSync(file));
}

function requireFolder(folder: string): void {
  if (!existsSync(folder)) throw new Error(`CIFAR-10: folder ${folder} does not exist`);
}

function readOfficialBatches(folder: string, names: string[]): GrayImageSet | undefined {
  const loose = names.map((name) => findFile(folder, name));
  if (loose.some((file) => file !== undefined)) {
    const present = loose.filter((file): file is string => file !== undefined);
    const sets = present.map((file) => parseCifarBinary(readFileSync(file), file));
    return sets.length === 1 ? sets[0] : concatImageSets(sets, present.join(' + '));
  }
  const archive = findFile(folder, cifarArchiveName);
  if (archive) {
    const wanted = new Set(names.map((name) => `${archiveFolder}/${name}`));
    const entries = readTarGzEntries(readFileSync(archive), archive, (entry) => wanted.has(entry));
    const missing = [...wanted].filter((entry) => !entries.has(entry));
    if (missing.length > 0) throw new Error(`${archive}: the archive has no ${missing.join(', ')}`);
    const sets = [...wanted].map((entry) => parseCifarBinary(entries.get(entry)!, `${archive}:${entry}`));
    return sets.length === 1 ? sets[0] : concatImageSets(sets, `${archive}:${names.join(' + ')}`);
  }
  return undefined;
}

/**
 * Why CIFAR-10's training (or test) images cannot be loaded from `folder`, or null when their files are there:
 * names only, nothing decoded.
 */
export function cifarMissing(folder: string, part: 'training' | 'test'): string | null {
  if (!existsSync(folder)) return `the folder ${folder} does not exist`;
  const candidates = part === 'training' ? ['data_batch_1.bin', cifarArchiveName, subsetName] : ['test_batch.bin', cifarArchiveName, jpegPackName];
  if (candidates.some((name) => findFile(folder, name))) return null;
  return `${folder} holds no CIFAR-10 ${part} images: it needs ${part === 'training' ? 'data_batch_1.bin … data_batch_4.bin' : 'test_batch.bin'} from the official ${archiveFolder}/, or ${cifarArchiveName}`;
}

/**
 * The training images (grayscale, normalised). `batches` picks the official data_batch_N files
 * (default 1–4, as the paper); with loose files, those of them that exist are used.
 */
export function loadCifarTraining(folder: string, options: { batches?: number[] } = {}): GrayImageSet {
  requireFolder(folder);
  const names = (options.batches ?? [1, 2, 3, 4]).map((n) => `data_batch_${n}.bin`);
  const official = readOfficialBatches(folder, names);
  if (official) return official;
  const subset = findFile(folder, subsetName);
  if (subset) return parseCifarBinary(readFileSync(subset), subset);
  throw new Error(
    `CIFAR-10 training images not found in ${folder}: expected ${names.join(', ')} (from the official ${archiveFolder}/), ` +
      `or ${cifarArchiveName}, or ${subsetName}`,
  );
}

/** Images never used for training: the official test set (test_batch.bin, or the archive), else the JPEG test pack. */
export function loadCifarTest(folder: string): GrayImageSet {
  requireFolder(folder);
  const official = readOfficialBatches(folder, ['test_batch.bin']);
  if (official) return official;
  const pack = findFile(folder, jpegPackName);
  const index = pack && path.join(path.dirname(pack), jpegIndexName);
  if (pack && index && existsSync(index)) return parseCifarJpegPack(readFileSync(pack), readFileSync(index, 'utf8'), pack);
  if (pack) throw new Error(`CIFAR-10: ${pack} has no ${jpegIndexName} beside it`);
  throw new Error(`CIFAR-10 test images not found in ${folder}: expected test_batch.bin, or ${cifarArchiveName}, or ${jpegPackName} + ${jpegIndexName}`);
}
