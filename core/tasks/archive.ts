// Reading the archives the datasets are distributed in: gzip (Node's zlib), tar (the ustar layout, a
// 512-byte header per file; enough for the CIFAR-10 archive) and zip (fflate). Node-only.
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';

const block = 512;

function cString(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
}

/**
 * Regular files of a tar archive whose path passes `wanted`, as views into `tar` (no copies).
 * `archiveName` names the archive in errors.
 */
export function readTarEntries(tar: Uint8Array, archiveName: string, wanted: (path: string) => boolean = () => true): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let offset = 0;
  while (offset + block <= tar.length) {
    const header = tar.subarray(offset, offset + block);
    if (header.every((byte) => byte === 0)) break; // end-of-archive marker
    const name = cString(header, 0, 100);
    const prefix = cString(header, 345, 155);
    // POSIX ustar ("ustar\0") keeps a path prefix at 345; old GNU headers ("ustar  ") keep times there instead.
    const posix = cString(header, 257, 6) === 'ustar' && header[262] === 0;
    const path = posix && prefix ? `${prefix}/${name}` : name;
    const size = parseInt(cString(header, 124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new Error(`${archiveName}: bad size field in the tar header of "${path}"`);
    const type = String.fromCharCode(header[156]);
    const start = offset + block;
    if (start + size > tar.length) throw new Error(`${archiveName}: "${path}" is cut short (the archive is truncated)`);
    if ((type === '0' || type === '\0') && wanted(path)) files.set(path, tar.subarray(start, start + size));
    offset = start + Math.ceil(size / block) * block;
  }
  return files;
}

/** Files of a `.tar.gz` whose path passes `wanted`. */
export function readTarGzEntries(bytes: Uint8Array, archiveName: string, wanted?: (path: string) => boolean): Map<string, Uint8Array> {
  return readTarEntries(gunzipNamed(bytes, archiveName), archiveName, wanted);
}

/** Files of a zip archive whose path passes `wanted` (fflate decompresses only those). */
export function readZipEntries(bytes: Uint8Array, archiveName: string, wanted: (path: string) => boolean = () => true): Map<string, Uint8Array> {
  try {
    return new Map(Object.entries(unzipSync(bytes, { filter: (file) => wanted(file.name) })));
  } catch (error) {
    throw new Error(`${archiveName}: not a readable zip file (${(error as Error).message})`);
  }
}

/** gunzip with an error that names the file. */
export function gunzipNamed(bytes: Uint8Array, fileName: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new Error(`${fileName}: not a readable gzip file (${(error as Error).message})`);
  }
}
