import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cifarRecordBytes, loadCifarTest, loadCifarTraining, parseCifarBinary, parseCifarJpegPack } from './cifar.ts';
import { defaultDataDir } from './data-dir.ts';
import { makeTar } from './testing/make-tar.ts';

const cifarDir = path.join(defaultDataDir(), 'cifar10');
const subsetBytes = readFileSync(path.join(cifarDir, 'data_batch_1_first4000.bin'));
const records = (from: number, to: number) => subsetBytes.subarray(from * cifarRecordBytes, to * cifarRecordBytes);

/** The paper's grayscale computed straight from one record's bytes, pixel by pixel. */
function expectedGray(record: Uint8Array): number[] {
  const gray = Array.from({ length: 1024 }, (_, p) => record[1 + p] + record[1025 + p] + record[2049 + p]);
  const mean = gray.reduce((a, v) => a + v, 0) / 1024;
  const centred = gray.map((v) => v - mean);
  const largest = Math.max(...centred.map(Math.abs));
  return centred.map((v) => v / largest);
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'cifar-test-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('CIFAR-10 binary batches', () => {
  it('reads the 4,000-image subset with its labels and the paper grayscale', () => {
    const set = loadCifarTraining(defaultDataDir());
    expect(set.count).toBe(4000);
    expect([set.height, set.width]).toEqual([32, 32]);
    expect(Array.from(set.labels!.subarray(0, 10))).toEqual([6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
    const perClass = new Array(10).fill(0);
    set.labels!.forEach((label) => perClass[label]++);
    expect(perClass).toEqual([396, 366, 420, 384, 422, 393, 414, 385, 407, 413]);
    for (const i of [0, 1, 1234, 3999]) {
      const image = Array.from(set.pixels.subarray(i * 1024, (i + 1) * 1024));
      const expected = expectedGray(records(i, i + 1));
      image.forEach((v, p) => expect(v).toBeCloseTo(expected[p], 5));
      expect(Math.max(...image.map(Math.abs))).toBeCloseTo(1, 6);
      expect(image.reduce((a, v) => a + v, 0) / 1024).toBeCloseTo(0, 5);
    }
  });

  it('rejects a file that is not whole records, naming it', () => {
    expect(() => parseCifarBinary(records(0, 2).subarray(1), 'broken.bin')).toThrow(/broken\.bin: 6145 bytes/);
  });

  it('reads loose official batch files from a cifar-10-batches-bin folder', () => {
    const folder = path.join(scratch, 'loose');
    mkdirSync(path.join(folder, 'cifar-10-batches-bin'), { recursive: true });
    for (let n = 1; n <= 4; n++) {
      writeFileSync(path.join(folder, 'cifar-10-batches-bin', `data_batch_${n}.bin`), records((n - 1) * 5, n * 5));
    }
    writeFileSync(path.join(folder, 'cifar-10-batches-bin', 'test_batch.bin'), records(100, 107));
    const training = loadCifarTraining(folder);
    const reference = parseCifarBinary(records(0, 20), 'reference');
    expect(training.count).toBe(20);
    expect(training.pixels).toEqual(reference.pixels);
    expect(training.labels).toEqual(reference.labels);
    expect(training.source).toContain('data_batch_4.bin');
    expect(loadCifarTest(folder).count).toBe(7);
    expect(loadCifarTraining(folder, { batches: [2] }).pixels).toEqual(parseCifarBinary(records(5, 10), 'ref').pixels);
  });

  it('reads the official cifar-10-binary.tar.gz layout in memory', () => {
    const folder = path.join(scratch, 'archive');
    mkdirSync(folder);
    const files: Record<string, Uint8Array> = { 'cifar-10-batches-bin/batches.meta.txt': new TextEncoder().encode('airplane\n') };
    for (let n = 1; n <= 5; n++) files[`cifar-10-batches-bin/data_batch_${n}.bin`] = records((n - 1) * 3, n * 3);
    files['cifar-10-batches-bin/test_batch.bin'] = records(50, 54);
    writeFileSync(path.join(folder, 'cifar-10-binary.tar.gz'), gzipSync(makeTar(files)));
    const training = loadCifarTraining(folder);
    expect(training.count).toBe(12); // batches 1-4; batch 5 is left out as in the paper
    expect(training.pixels).toEqual(parseCifarBinary(records(0, 12), 'ref').pixels);
    expect(loadCifarTest(folder).pixels).toEqual(parseCifarBinary(records(50, 54), 'ref').pixels);
    expect(() => loadCifarTraining(folder, { batches: [6] })).toThrow(/has no cifar-10-batches-bin\/data_batch_6\.bin/);
  });

  it('names the folder and the expected files when nothing is there', () => {
    const empty = path.join(scratch, 'empty');
    mkdirSync(empty);
    expect(() => loadCifarTraining(empty)).toThrow(new RegExp(`not found in ${empty}.*data_batch_1\\.bin.*cifar-10-binary\\.tar\\.gz`));
    expect(() => loadCifarTest(empty)).toThrow(/test_batch\.bin/);
    expect(() => loadCifarTraining(path.join(scratch, 'nope'))).toThrow(/does not exist/);
  });
});

describe('CIFAR-10 JPEG test pack', () => {
  const pack = readFileSync(path.join(cifarDir, 'test_jpeg.pack'));
  const index = readFileSync(path.join(cifarDir, 'test_jpeg_index.tsv'), 'utf8').trim().split('\n');

  it('indexes 10,000 labelled images, 1,000 per class', () => {
    const labels = index.slice(1).map((line) => Number(line.split('\t')[1]));
    expect(labels.length).toBe(10000);
    expect(new Array(10).fill(0).map((_, c) => labels.filter((l) => l === c).length)).toEqual(new Array(10).fill(1000));
  });

  it('decodes a sample of the held-out images to the paper grayscale in [-1, 1]', () => {
    // Every 25th row keeps the test fast; the full pack is read the same way.
    const sample = [index[0], ...index.slice(1).filter((_, i) => i % 25 === 0)].join('\n');
    const set = parseCifarJpegPack(pack, sample, 'test_jpeg.pack');
    expect(set.count).toBe(400);
    expect(Array.from(new Set(set.labels))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Pillow 9.4 (libjpeg) decodes record 0 to R+G+B = 479 at (0,0), 628 at (16,16), 185 at (31,31);
    // jpeg-js differs by a level or two, so compare a ratio that the normalisation leaves unchanged.
    const [a, b, c] = [set.pixels[0], set.pixels[16 * 32 + 16], set.pixels[1023]];
    expect((b - a) / (a - c)).toBeCloseTo((628 - 479) / (479 - 185), 1);
    for (let i = 0; i < set.count; i += 37) {
      const image = Array.from(set.pixels.subarray(i * 1024, (i + 1) * 1024));
      expect(Math.max(...image.map(Math.abs))).toBeCloseTo(1, 6);
      expect(Math.abs(image.reduce((a, v) => a + v, 0) / 1024)).toBeLessThan(1e-5);
      expect(new Set(image).size).toBeGreaterThan(50); // a real picture, not a flat one
    }
  });

  it('is found as the held-out set when a folder has no official test batch', () => {
    const folder = path.join(scratch, 'jpeg');
    mkdirSync(folder);
    const rows = index.slice(1, 4).map((line) => line.split('\t'));
    const end = Number(rows[2][4]) + Number(rows[2][5]);
    writeFileSync(path.join(folder, 'test_jpeg.pack'), pack.subarray(0, end));
    writeFileSync(path.join(folder, 'test_jpeg_index.tsv'), index.slice(0, 4).join('\n'));
    const set = loadCifarTest(folder);
    expect(set.count).toBe(3);
    expect(set.source).toContain('test_jpeg.pack');
    expect(set.pixels).toEqual(parseCifarJpegPack(pack, index.slice(0, 4).join('\n'), 'reference').pixels);
    writeFileSync(path.join(folder, 'test_jpeg_index.tsv'), `${index[0]}\n0\t0\tairplane\t0\t${end}\t50\tx.jpg`);
    expect(() => loadCifarTest(folder)).toThrow(/row 1 points outside the pack/);
  });
});
