// The single-file form of a bundle: a .zip with model.json and weights.bin at its root (fflate, no Node
// imports). On reading, a zip whose two files sit in one top-level folder (a zipped bundle folder) is accepted too.
import { unzipSync, zipSync } from 'fflate';
import { BundleError, bundleFiles, type BundleFiles } from './bundle-format.ts';

const { model: MODEL, weights: WEIGHTS } = bundleFiles;

/** Zip bytes starting with the local-file-header signature "PK\x03\x04" (an empty zip starts "PK\x05\x06"). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05);
}

export function zipBundleFiles(files: { modelJson: string; weights: Uint8Array }): Uint8Array {
  // Float weights barely compress, so they are stored as they are; the JSON is deflated.
  return zipSync({
    [MODEL]: [new TextEncoder().encode(files.modelJson), { level: 6 }],
    [WEIGHTS]: [files.weights, { level: 0 }],
  });
}

export function unzipBundleFiles(bytes: Uint8Array, where: string): BundleFiles {
  if (!looksLikeZip(bytes)) throw new BundleError(`${where}: not a zip file, so not a model bundle (a bundle is a folder or a .zip holding ${MODEL} and ${WEIGHTS}).`);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (file) => ([MODEL, WEIGHTS] as string[]).includes(file.name.split('/').pop()!) });
  } catch (error) {
    throw new BundleError(`${where}: the zip file is damaged (${(error as Error).message}).`);
  }
  const modelEntry = entries[MODEL] !== undefined ? MODEL : Object.keys(entries).find((name) => /^[^/]+\/model\.json$/.test(name));
  if (modelEntry === undefined) throw new BundleError(`${where}: ${MODEL} is missing from the zip; a model bundle holds ${MODEL} and ${WEIGHTS} at its root.`);
  const folder = modelEntry.slice(0, modelEntry.length - MODEL.length);
  return { modelJson: entries[modelEntry], weights: entries[folder + WEIGHTS] };
}
