// Bundles on disk: what export writes, that plain TensorFlow.js reads the weights, and one clear error for
// every way a bundle can be broken.
import * as tf from '@tensorflow/tfjs';
import { unzipSync, zipSync } from 'fflate';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../compile/backend.ts';
import { parseGraphDocument } from '../graph/document.ts';
import { loadCheckpoint } from '../train/checkpoint.ts';
import { readMetrics, readRunInfo } from '../train/run-folder.ts';
import { trainGraph } from '../train/trainer.ts';
import { readBundle, writeBundle } from './bundle-files.ts';
import { BundleError } from './bundle-format.ts';
import { exportBundle } from './export-run.ts';
import { loadModel } from './model.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-bundle-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const runDir = path.join(work, 'run');
const folder = path.join(work, 'model');
const zipFile = path.join(work, 'model.zip');

beforeAll(async () => {
  await selectBackend('cpu');
  const text = fs.readFileSync(path.join(repoRoot, 'templates/binary-patterns-50bit-plastic.plastic.json'), 'utf8');
  const parsed = parseGraphDocument(text);
  if (!parsed.ok) throw new Error('template does not parse');
  await trainGraph(parsed.document, { outDir: runDir, episodes: 3, seed: 7, backend: 'cpu' });
  await exportBundle(runDir, folder);
  await exportBundle(runDir, zipFile, { zip: true });
});

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('exportBundle', () => {
  it('writes model.json and weights.bin, as a folder and at the root of a zip', () => {
    expect(fs.readdirSync(folder).sort()).toEqual(['model.json', 'weights.bin']);
    expect(Object.keys(unzipSync(fs.readFileSync(zipFile))).sort()).toEqual(['model.json', 'weights.bin']);
    expect(fs.readdirSync(work).filter((name) => name.startsWith('.'))).toEqual([]); // no temporary files left
  });

  it('records the graph exactly as trained, the seed and settings, the final metrics, the backend and versions', () => {
    const model = readJson(path.join(folder, 'model.json'));
    const info = readRunInfo(runDir);
    const metrics = readMetrics(runDir);
    expect(model).toMatchObject({ format: 'plasticity-model', version: 1 });
    expect(model.graph).toEqual(readJson(path.join(runDir, 'graph.plastic.json')));
    expect(model.training).toEqual({ runId: 'run', status: 'finished', seed: 7, episodesDone: 3, settings: model.graph.training });
    const { episode, loss, signError } = metrics[2];
    expect(model.metrics.lastEpisode).toEqual({ episode, loss, signError });
    expect(model.metrics.recentMean).toMatchObject({ fromEpisode: 1, toEpisode: 3, episodes: 3 });
    expect(model.metrics.recentMean.values.loss).toBeCloseTo((metrics[0].loss! + metrics[1].loss! + metrics[2].loss!) / 3, 10);
    expect(model.producedBy).toMatchObject({ backend: 'cpu', versions: info.versions });
    expect(model.producedBy.exportedWith.tfjs).toMatch(/^\d+\.\d+/);
  });

  it('names and shapes the weights in TensorFlow.js’s weights-manifest layout', () => {
    const { weightsManifest } = readJson(path.join(folder, 'model.json'));
    expect(weightsManifest).toEqual([
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'memory/w', shape: [51, 51], dtype: 'float32' },
          { name: 'memory/alpha', shape: [51, 51], dtype: 'float32' },
          { name: 'memory/eta', shape: [1], dtype: 'float32' },
        ],
      },
    ]);
  });

  it('refuses a folder that is not a run, or a run without a checkpoint, in one line naming the file', async () => {
    await expect(exportBundle(path.join(work, 'nowhere'), path.join(work, 'x'))).rejects.toThrow(/nowhere is not a run folder: run\.json is missing/);
    const noCheckpoint = path.join(work, 'no-checkpoint');
    fs.cpSync(runDir, noCheckpoint, { recursive: true });
    fs.rmSync(path.join(noCheckpoint, 'checkpoint'), { recursive: true });
    await expect(exportBundle(noCheckpoint, path.join(work, 'x'))).rejects.toThrow(/no-checkpoint\/checkpoint.*missing/);
  });
});

describe('tf.io', () => {
  // Reading here uses only fs, fflate and TensorFlow.js: no code of ours. The checkpoint is the reference.
  const expected = () => loadCheckpoint(path.join(runDir, 'checkpoint')).parameters;
  const decodeWithTfjs = (modelJson: string, weights: Uint8Array) => {
    const manifest = JSON.parse(modelJson).weightsManifest as tf.io.WeightsManifestConfig;
    const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
    return tf.io.decodeWeights(buffer, manifest[0].weights);
  };
  const check = (tensors: tf.NamedTensorMap) => {
    const { specs, values } = expected();
    expect(Object.keys(tensors)).toEqual(specs.map((s) => s.name));
    for (const spec of specs) {
      expect(tensors[spec.name].shape).toEqual(spec.shape);
      expect(tensors[spec.name].dataSync()).toEqual(values.get(spec.name));
    }
  };

  it('decodes the weights of a bundle folder', () => {
    check(decodeWithTfjs(fs.readFileSync(path.join(folder, 'model.json'), 'utf8'), fs.readFileSync(path.join(folder, 'weights.bin'))));
  });

  it('decodes the weights of a zipped bundle', () => {
    const files = unzipSync(fs.readFileSync(zipFile));
    check(decodeWithTfjs(new TextDecoder().decode(files['model.json']), files['weights.bin']));
  });
});

describe('readBundle and loadModel', () => {
  it('read the folder, the zip, model.json’s path and a zip whose files sit in one folder, with the trained values', async () => {
    const nested = path.join(work, 'nested.zip');
    fs.writeFileSync(nested, zipSync({ 'my-model/model.json': fs.readFileSync(path.join(folder, 'model.json')), 'my-model/weights.bin': fs.readFileSync(path.join(folder, 'weights.bin')) }));
    const { values } = loadCheckpoint(path.join(runDir, 'checkpoint')).parameters;
    for (const where of [folder, zipFile, path.join(folder, 'model.json'), nested]) {
      const bundle = await readBundle(where);
      expect(bundle.graph.nodes.map((n) => n.id)).toEqual(['patterns', 'memory', 'readout', 'loss', 'signError']);
      expect(bundle.weights.values).toEqual(values);
      const model = await loadModel(where);
      expect(model.outputs.map((o) => o.name)).toEqual(['readout/output']);
      model.dispose();
    }
    const model = await loadModel(new Uint8Array(fs.readFileSync(zipFile)));
    expect(model.inputs.map((i) => i.name)).toEqual(['patterns/input']);
    model.dispose();
  });
});

describe('broken bundles', () => {
  /** A copy of the bundle folder with its model.json edited, or its files. */
  const broken = (name: string, edit: { model?: (model: any) => void; files?: (dir: string) => void }): string => {
    const dir = path.join(work, `broken-${name}`);
    fs.cpSync(folder, dir, { recursive: true });
    const model = readJson(path.join(dir, 'model.json'));
    edit.model?.(model);
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(model));
    edit.files?.(dir);
    return dir;
  };
  const weightsFile = (dir: string) => path.join(dir, 'weights.bin');
  /** A copy of the zipped bundle with its bytes edited. */
  const brokenZip = (name: string, edit: (bytes: Buffer) => void): string => {
    const bytes = Buffer.from(fs.readFileSync(zipFile));
    edit(bytes);
    fs.writeFileSync(path.join(work, name), bytes);
    return path.join(work, name);
  };
  /** Sets the uncompressed size that the zip's central directory states for `entry`. */
  const declareSize = (bytes: Buffer, entry: string, size: number) => {
    for (let offset = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); offset >= 0; offset = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), offset + 4)) {
      if (bytes.toString('utf8', offset + 46, offset + 46 + bytes.readUInt16LE(offset + 28)) === entry) bytes.writeUInt32LE(size, offset + 24);
    }
  };
  const memory = (model: any) => model.graph.nodes.find((n: any) => n.id === 'memory');

  const cases: [string, () => string, RegExp][] = [
    ['a missing path', () => path.join(work, 'absent'), /absent: no such file or folder/],
    ['a missing model.json', () => broken('no-model', { files: (dir) => fs.rmSync(path.join(dir, 'model.json')) }), /no-model: model\.json is missing/],
    ['a missing weights.bin', () => broken('no-weights', { files: (dir) => fs.rmSync(weightsFile(dir)) }), /no-weights: weights\.bin is missing/],
    [
      'a truncated weights.bin',
      () => broken('truncated', { files: (dir) => fs.truncateSync(weightsFile(dir), 20000) }),
      /truncated: weights\.bin has 20000 bytes but model\.json describes 20812 \(3 float32 weights\): the file is truncated\./,
    ],
    ['a weights.bin with extra bytes', () => broken('long', { files: (dir) => fs.appendFileSync(weightsFile(dir), new Uint8Array(8)) }), /long: weights\.bin has 20820 bytes .* does not belong/],
    [
      'a newer format version',
      () => broken('v2', { model: (model) => (model.version = 2) }),
      /v2: model\.json has bundle format version 2, which this Plasticity Studio cannot read \(it reads version 1\); it was written by a newer Plasticity Studio\./,
    ],
    ['an unknown format version', () => broken('v-text', { model: (model) => (model.version = 'one') }), /v-text: model\.json has bundle format version "one"/],
    ['a training checkpoint instead of a bundle', () => path.join(runDir, 'checkpoint'), /"format" is "plasticity-checkpoint".*plasticity export/],
    ['model.json that is not JSON', () => broken('not-json', { files: (dir) => fs.writeFileSync(path.join(dir, 'model.json'), '{ "format": ') }), /not-json: model\.json is not valid JSON/],
    ['a missing field', () => broken('no-seed', { model: (model) => delete model.training.seed }), /no-seed: model\.json: training\.seed is missing \(expected number\)/],
    [
      'a weight whose shape does not match the graph',
      () => broken('reshaped', { model: (model) => (model.weightsManifest[0].weights[0].shape = [3, 867]) }),
      /reshaped: the weight "memory\/w" has shape \[3, 867\] in model\.json, but node "memory" \(PlasticRecurrent\) needs \[51, 51\]\./,
    ],
    [
      'a graph that no longer matches its weights',
      () =>
        broken('resized', {
          model: (model) => {
            memory(model).params.size = 52;
            model.graph.nodes.find((n: any) => n.id === 'patterns').params.patternSize = 51;
            model.graph.nodes.find((n: any) => n.id === 'patterns').params.balanced = false;
            model.graph.nodes.find((n: any) => n.id === 'readout').params.size = 51;
          },
        }),
      /resized: the weight "memory\/w" has shape \[51, 51\] in model\.json, but node "memory" \(PlasticRecurrent\) needs \[52, 52\]\./,
    ],
    [
      'a weight the graph does not have (and one it lacks)',
      () => broken('renamed', { model: (model) => (model.weightsManifest[0].weights[2].name = 'old/eta') }),
      /renamed: node "memory" \(PlasticRecurrent\) needs the weight "memory\/eta" \[1\], but weights\.bin has none\.\n.*renamed: weights\.bin holds the weight "old\/eta", which no node of the graph has\./,
    ],
    ['a broken graph', () => broken('bad-graph', { model: (model) => (memory(model).kind = 'PlasticRecurent') }), /bad-graph: model\.json graph: .*PlasticRecurent/],
    ['a file that is not a zip', () => (fs.writeFileSync(path.join(work, 'notes.txt'), 'hello'), path.join(work, 'notes.txt')), /notes\.txt: not a zip file/],
    [
      'a damaged zip',
      () => {
        const bytes = fs.readFileSync(zipFile);
        fs.writeFileSync(path.join(work, 'cut.zip'), bytes.subarray(0, bytes.length - 30));
        return path.join(work, 'cut.zip');
      },
      /cut\.zip: the zip file is damaged/,
    ],
    [
      'a zip with one bit flipped in weights.bin',
      () =>
        brokenZip('flipped.zip', (bytes) => {
          const stored = bytes.indexOf(fs.readFileSync(weightsFile(folder)).subarray(4000, 4016)); // stored as is, not deflated
          bytes[stored + 3] ^= 0x10;
        }),
      /flipped\.zip: weights\.bin in the zip is damaged: its content does not match the zip's checksum \(CRC-32\)/,
    ],
    ['a zip whose header understates a size', () => brokenZip('short.zip', (bytes) => declareSize(bytes, 'model.json', 100)), /short\.zip: model\.json in the zip is damaged/],
    [
      'a zip bomb (a size far beyond a bundle’s), refused before inflating',
      () => brokenZip('bomb.zip', (bytes) => declareSize(bytes, 'model.json', 3_000_000_000)),
      /bomb\.zip: model\.json would inflate to 3000000000 bytes, more than a bundle's model\.json may hold/,
    ],
    [
      'a NaN among the weights',
      () => broken('nan', { files: (dir) => fs.writeFileSync(weightsFile(dir), Buffer.concat([Buffer.from(new Float32Array([NaN]).buffer), fs.readFileSync(weightsFile(dir)).subarray(4)])) }),
      /nan: weights\.bin: the weight "memory\/w" holds NaN at index 0 \(of 2,601 values\); trained weights are finite, so the file is damaged\./,
    ],
    ['a device file', () => '/dev/zero', /\/dev\/zero: a device, not a model bundle file/],
    [
      'a pipe (FIFO), which would block the reader',
      () => {
        const fifo = path.join(work, 'pipe.zip');
        if (!fs.existsSync(fifo)) execFileSync('mkfifo', [fifo]);
        return fifo;
      },
      /pipe\.zip: a pipe \(FIFO\), not a model bundle file/,
    ],
  ];

  for (const [what, make, message] of cases) {
    it(`${what}: one clear BundleError`, async () => {
      const where = make();
      const error = await readBundle(where).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BundleError);
      expect((error as BundleError).message).toMatch(message);
      for (const line of (error as BundleError).lines) expect(line.startsWith(`${where}: `)).toBe(true);
      await expect(loadModel(where)).rejects.toThrow(BundleError);
    });
  }
});

describe('writeBundle', () => {
  const bundle = () => loadCheckpoint(path.join(runDir, 'checkpoint')).parameters;
  const manifest = () => readJson(path.join(folder, 'model.json'));

  it('replaces an existing bundle, but refuses to replace a folder that is not one', () => {
    const target = path.join(work, 'replace-me');
    writeBundle({ manifest: manifest(), weights: bundle() }, target);
    writeBundle({ manifest: { ...manifest(), exportedAt: 'again' }, weights: bundle() }, target);
    expect(readJson(path.join(target, 'model.json')).exportedAt).toBe('again');

    const precious = path.join(work, 'precious');
    fs.mkdirSync(precious);
    fs.writeFileSync(path.join(precious, 'thesis.tex'), 'years of work');
    expect(() => writeBundle({ manifest: manifest(), weights: bundle() }, precious)).toThrow(/precious: the folder exists and is not a model bundle/);
    expect(() => writeBundle({ manifest: manifest(), weights: bundle() }, precious, { zip: true })).toThrow(/precious: is a folder/);
    expect(fs.readdirSync(precious)).toEqual(['thesis.tex']);
  });

  it('refuses to replace a bundle folder that holds other files, or a .zip that is not a bundle', () => {
    const target = path.join(work, 'bundle-with-notes');
    writeBundle({ manifest: manifest(), weights: bundle() }, target);
    fs.writeFileSync(path.join(target, 'notes.txt'), 'mine');
    expect(() => writeBundle({ manifest: manifest(), weights: bundle() }, target)).toThrow(/bundle-with-notes: the folder holds a model bundle and other files \(notes\.txt\)/);
    expect(fs.readFileSync(path.join(target, 'notes.txt'), 'utf8')).toBe('mine');

    const archive = path.join(work, 'photos.zip');
    fs.writeFileSync(archive, 'not a bundle');
    expect(() => writeBundle({ manifest: manifest(), weights: bundle() }, archive, { zip: true })).toThrow(/photos\.zip: the file exists and is not a model bundle/);
    expect(fs.readFileSync(archive, 'utf8')).toBe('not a bundle');
    const zipped = path.join(work, 'model.zip');
    writeBundle({ manifest: manifest(), weights: bundle() }, zipped, { zip: true });
    expect(() => writeBundle({ manifest: { ...manifest(), exportedAt: 'again' }, weights: bundle() }, zipped, { zip: true })).not.toThrow();
  });
});
