// The single-file form of a bundle: a .zip with model.json and weights.bin at its root (fflate, no Node
// imports). On reading, a zip whose two files sit in one top-level folder (a zipped bundle folder) is accepted too.
import CRC32 from 'crc-32';
import { unzipSync, zipSync } from 'fflate';
import { BundleError, bundleFiles, bundleLimits, type BundleFiles } from './bundle-format.ts';

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

/**
 * The CRC-32 of each file, from the zip's central directory (fflate inflates without checking it). The layout is
 * APPNOTE's: an end record (signature 0x06054b50, within the last 64 KiB) points at one entry per file
 * (signature 0x02014b50: CRC at +16, name length at +28, extra and comment lengths at +30 and +32, name at +46).
 */
function centralDirectoryChecksums(bytes: Uint8Array, where: string): Map<string, number> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new BundleError(`${where}: the zip file is damaged (its central directory is missing; the file may be truncated).`);
  const checksums = new Map<string, number>();
  let offset = view.getUint32(end + 16, true);
  for (let entry = 0, count = view.getUint16(end + 10, true); entry < count; entry++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) throw new BundleError(`${where}: the zip file is damaged (entry ${entry + 1} of its central directory).`);
    const nameLength = view.getUint16(offset + 28, true);
    const name = new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    checksums.set(name, view.getUint32(offset + 16, true));
    offset += 46 + nameLength + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
  }
  return checksums;
}

export function unzipBundleFiles(bytes: Uint8Array, where: string): BundleFiles {
  if (!looksLikeZip(bytes)) throw new BundleError(`${where}: not a zip file, so not a model bundle (a bundle is a folder or a .zip holding ${MODEL} and ${WEIGHTS}).`);
  const limits: Record<string, number> = { [MODEL]: bundleLimits.modelJsonBytes, [WEIGHTS]: bundleLimits.weightsBytes };
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (file) => {
        const limit = limits[file.name.split('/').pop()!];
        if (limit === undefined) return false;
        // Refused before inflating: a zip bomb declares its size, and one that lies is cut to it and fails its CRC.
        if (file.originalSize > limit) throw new BundleError(`${where}: ${file.name} would inflate to ${file.originalSize} bytes, more than a bundle's ${file.name.split('/').pop()} may hold (${limit}).`);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof BundleError) throw error;
    throw new BundleError(`${where}: the zip file is damaged (${(error as Error).message}).`);
  }
  const checksums = centralDirectoryChecksums(bytes, where);
  for (const [name, data] of Object.entries(entries)) {
    if (CRC32.buf(data) >>> 0 !== checksums.get(name)) throw new BundleError(`${where}: ${name} in the zip is damaged: its content does not match the zip's checksum (CRC-32).`);
  }
  const modelEntry = entries[MODEL] !== undefined ? MODEL : Object.keys(entries).find((name) => /^[^/]+\/model\.json$/.test(name));
  if (modelEntry === undefined) throw new BundleError(`${where}: ${MODEL} is missing from the zip; a model bundle holds ${MODEL} and ${WEIGHTS} at its root.`);
  const folder = modelEntry.slice(0, modelEntry.length - MODEL.length);
  return { modelJson: entries[modelEntry], weights: entries[folder + WEIGHTS] };
}
