// Bundles on disk (Node): read a bundle folder or .zip, write one atomically.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { replaceDirectory, writeFileAtomic } from '../util/atomic-write.ts';
import { decodeBundle, encodeBundle } from './bundle-codec.ts';
import { FileRefused, readFileLimited } from '../util/read-limited.ts';
import { BUNDLE_FORMAT, BundleError, bundleFiles, bundleLimits, type Bundle, type BundleFiles } from './bundle-format.ts';
import { unzipBundleFiles, zipBundleFiles } from './bundle-zip.ts';
import { checkWeightsFitGraph } from './model-graph.ts';

const { model: MODEL, weights: WEIGHTS } = bundleFiles;

function readIfPresent(file: string, limitBytes: number): Buffer | undefined {
  try {
    return readFileLimited(file, limitBytes, 'model bundle');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (error instanceof FileRefused) throw new BundleError(error.message);
    throw new BundleError(`${file}: cannot read: ${(error as Error).message}`);
  }
}

/** The two files of the bundle at `bundlePath`: a folder, a .zip, or a folder's model.json. */
export function readBundleFiles(bundlePath: string): BundleFiles {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(bundlePath);
  } catch {
    throw new BundleError(`${bundlePath}: no such file or folder.`);
  }
  if (stat.isDirectory() || path.basename(bundlePath) === MODEL) {
    const folder = stat.isDirectory() ? bundlePath : path.dirname(bundlePath);
    const modelJson = readIfPresent(path.join(folder, MODEL), bundleLimits.modelJsonBytes);
    if (!modelJson) throw new BundleError(`${bundlePath}: ${MODEL} is missing; a model bundle is a folder (or .zip) holding ${MODEL} and ${WEIGHTS}.`);
    return { modelJson: new Uint8Array(modelJson), weights: readIfPresent(path.join(folder, WEIGHTS), bundleLimits.weightsBytes) };
  }
  const zipped = readIfPresent(bundlePath, bundleLimits.modelJsonBytes + bundleLimits.weightsBytes);
  if (!zipped) throw new BundleError(`${bundlePath}: no such file or folder.`);
  return unzipBundleFiles(new Uint8Array(zipped.buffer, zipped.byteOffset, zipped.byteLength), bundlePath);
}

/** Reads and decodes a bundle (format, version, graph, weights.bin's size); no build. */
export function decodeBundleAt(bundlePath: string): Bundle {
  return decodeBundle(readBundleFiles(bundlePath), bundlePath);
}

/**
 * Reads a bundle and checks everything, including that every weight fits the graph: what the app's
 * File → Open needs before it shows the graph with its trained values. Throws BundleError.
 */
export async function readBundle(bundlePath: string): Promise<Bundle> {
  const bundle = decodeBundleAt(bundlePath);
  await tf.ready();
  checkWeightsFitGraph(bundle, bundlePath);
  return bundle;
}

/** Why `writeBundle` may not replace `folder` (null: it is empty, or holds a bundle and nothing else). */
function folderNotReplaceable(folder: string): string | null {
  const entries = fs.readdirSync(folder);
  if (entries.length === 0) return null;
  let bundle = false;
  try {
    bundle = JSON.parse(fs.readFileSync(path.join(folder, MODEL), 'utf8')).format === BUNDLE_FORMAT;
  } catch {
    bundle = false;
  }
  if (!bundle) return 'the folder exists and is not a model bundle';
  const others = entries.filter((name) => name !== MODEL && name !== WEIGHTS);
  return others.length ? `the folder holds a model bundle and other files (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''}), which replacing it would delete` : null;
}

/** True when `file` is a bundle .zip (something `writeBundle` may replace). */
function replaceableZip(file: string): boolean {
  try {
    const { modelJson } = readBundleFiles(file);
    return (JSON.parse(new TextDecoder().decode(modelJson as Uint8Array)) as { format?: unknown }).format === BUNDLE_FORMAT;
  } catch {
    return false;
  }
}

/**
 * Writes a bundle as a folder, or as a .zip when `zip` is set. Atomic: a reader sees the old bundle or the
 * new one, never half of one. An existing bundle is replaced; any other existing file or folder is refused.
 */
export function writeBundle(bundle: Pick<Bundle, 'manifest' | 'weights'>, outPath: string, options: { zip?: boolean } = {}): void {
  const files = encodeBundle(bundle);
  const existing = fs.existsSync(outPath) ? fs.statSync(outPath) : undefined;
  fs.mkdirSync(path.dirname(path.resolve(outPath)), { recursive: true });
  if (options.zip) {
    if (existing?.isDirectory()) throw new BundleError(`${outPath}: is a folder; give a file name for the .zip (or leave out --zip to write a bundle folder).`);
    if (existing && !replaceableZip(outPath)) throw new BundleError(`${outPath}: the file exists and is not a model bundle, so it was left alone; choose another path.`);
    writeFileAtomic(outPath, zipBundleFiles(files));
    return;
  }
  if (existing && !existing.isDirectory()) throw new BundleError(`${outPath}: a file of that name exists; a bundle folder cannot replace it.`);
  const refusal = existing ? folderNotReplaceable(outPath) : null;
  if (refusal) throw new BundleError(`${outPath}: ${refusal}; it was left alone: choose another path.`);
  replaceDirectory(outPath, (temporary) => {
    fs.writeFileSync(path.join(temporary, WEIGHTS), files.weights);
    fs.writeFileSync(path.join(temporary, MODEL), files.modelJson);
  });
}
