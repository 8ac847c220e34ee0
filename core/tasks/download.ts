// Downloads the official dataset archives into a folder, with progress and a checksum check. The loaders
// read the archives as they are (cifar.ts reads the .tar.gz, omniglot.ts the zips), so nothing is unpacked.
// Node-only (fs, crypto, fetch).
//
// Each file streams to `<name>.part` while it is hashed, and is renamed only once its checksum matches,
// so an interrupted or corrupted download never looks like a finished one. An interrupted download keeps its
// `.part` and the next attempt asks for the rest (an HTTP range request; a server that ignores it sends the
// whole file again). A file already present with the right checksum is not fetched again.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';

export interface DatasetFile {
  url: string;
  fileName: string;
  /** Expected size, when known (used for progress if the server sends no length). */
  bytes?: number;
  /** At least one checksum; every one given is checked. */
  sha256?: string;
  md5?: string;
}

export interface DatasetSource {
  title: string;
  files: DatasetFile[];
}

/**
 * The official archives. CIFAR-10: the authors' page lists the MD5; the SHA-256 and size are the values
 * other projects record for the same file. Omniglot: the authors publish no checksum; the MD5s are the
 * ones torchvision and others check (no SHA-256 is published for these zips).
 */
export const datasetSources = {
  cifar10: {
    title: 'CIFAR-10 (binary version, 162 MB)',
    files: [
      {
        url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
        fileName: 'cifar-10-binary.tar.gz',
        bytes: 170_052_171,
        sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
        md5: 'c32a1d4ab5d03f1284b67883e8d87530',
      },
    ],
  },
  omniglot: {
    title: 'Omniglot (images_background + images_evaluation, about 15 MB)',
    files: [
      {
        url: 'https://github.com/brendenlake/omniglot/raw/master/python/images_background.zip',
        fileName: 'images_background.zip',
        md5: '68d2efa1b9178cc56df9314c21c6e718',
      },
      {
        url: 'https://github.com/brendenlake/omniglot/raw/master/python/images_evaluation.zip',
        fileName: 'images_evaluation.zip',
        md5: '6b91aef0f799c5bb55b94e3f2daec811',
      },
    ],
  },
} satisfies Record<string, DatasetSource>;

export type DatasetName = keyof typeof datasetSources;

export interface DownloadProgress {
  fileName: string;
  /** 0-based index of the file among `fileCount`. */
  fileIndex: number;
  fileCount: number;
  receivedBytes: number;
  /** From the server's Content-Length or the catalogue; undefined when unknown. */
  totalBytes?: number;
  /** True when the file was already there with the right checksum. */
  alreadyPresent?: boolean;
}

export interface DownloadOptions {
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Replaces the built-in catalogue entry (tests point it at a local server). */
  source?: DatasetSource;
}

function checkUrl(url: string): void {
  const parsed = new URL(url);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new Error(`download: ${url} is not an https address (plain http is only allowed on this machine)`);
  }
}

function newHashes(file: DatasetFile) {
  if (!file.sha256 && !file.md5) throw new Error(`download: ${file.fileName} has no checksum to verify against`);
  return { sha256: file.sha256 ? createHash('sha256') : undefined, md5: file.md5 ? createHash('md5') : undefined };
}

/** null when every given checksum matches, else the first mismatch described. */
function mismatch(file: DatasetFile, hashes: ReturnType<typeof newHashes>): string | null {
  for (const algorithm of ['sha256', 'md5'] as const) {
    const expected = file[algorithm];
    const actual = hashes[algorithm]?.digest('hex');
    if (expected && actual !== expected.toLowerCase()) return `${algorithm.toUpperCase()} is ${actual}, expected ${expected.toLowerCase()}`;
  }
  return null;
}

/** Why a file on disk does not match the catalogue (its checksum), or null when it does. */
async function checksumProblem(target: string, file: DatasetFile): Promise<string | null> {
  const hashes = newHashes(file);
  await hashExisting(target, hashes);
  return mismatch(file, hashes);
}

async function alreadyValid(target: string, file: DatasetFile): Promise<boolean> {
  return existsSync(target) && (await checksumProblem(target, file)) === null;
}

export interface FileCheck {
  fileName: string;
  state: 'ok' | 'corrupt' | 'absent';
  /** The checksum mismatch of a corrupt file. */
  problem?: string;
}

/** Checks each of a dataset's official files in `folder` against the catalogue's checksums. */
export async function verifyDataset(name: DatasetName, folder: string, source: DatasetSource = datasetSources[name]): Promise<FileCheck[]> {
  const checks: FileCheck[] = [];
  for (const file of source.files) {
    const target = path.join(folder, file.fileName);
    if (!existsSync(target)) checks.push({ fileName: file.fileName, state: 'absent' });
    else {
      const problem = await checksumProblem(target, file);
      checks.push(problem ? { fileName: file.fileName, state: 'corrupt', problem } : { fileName: file.fileName, state: 'ok' });
    }
  }
  return checks;
}

/** Feeds a file already on disk (a partial download) to the hashes; resolves to its size. */
async function hashExisting(file: string, hashes: ReturnType<typeof newHashes>): Promise<number> {
  let size = 0;
  const stream = createReadStream(file);
  stream.on('data', (chunk) => {
    const bytes = chunk as Buffer;
    hashes.sha256?.update(bytes);
    hashes.md5?.update(bytes);
    size += bytes.length;
  });
  await finished(stream);
  return size;
}

/** The byte where a 206 answer starts, from its Content-Range ("bytes 1000-1999/2000"); NaN when absent. */
function rangeStart(response: Response): number {
  const match = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
  return match ? Number(match[1]) : Number.NaN;
}

async function downloadFile(file: DatasetFile, destDir: string, report: (received: number, total?: number) => void, signal?: AbortSignal) {
  checkUrl(file.url);
  const target = path.join(destDir, file.fileName);
  const partial = `${target}.part`;
  // A partial file from an interrupted attempt is continued with a range request where the server allows it.
  let hashes = newHashes(file);
  const resumeFrom = existsSync(partial) ? await hashExisting(partial, hashes) : 0;
  let response: Response;
  try {
    response = await fetch(file.url, { signal, redirect: 'follow', headers: resumeFrom > 0 ? { range: `bytes=${resumeFrom}-` } : {} });
  } catch (error) {
    throw new Error(`download: could not reach ${file.url} (${(error as Error).message})`);
  }
  if (response.status === 416) {
    // The partial file is not a prefix the server recognises: start over.
    rmSync(partial, { force: true });
    return downloadFile(file, destDir, report, signal);
  }
  if (!response.ok || !response.body) throw new Error(`download: ${file.url} answered HTTP ${response.status} ${response.statusText}`);
  const resumed = resumeFrom > 0 && response.status === 206 && rangeStart(response) === resumeFrom;
  if (!resumed) hashes = newHashes(file); // the server sent the whole file: hash it from the start
  let received = resumed ? resumeFrom : 0;
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? received + length : file.bytes;
  const out = createWriteStream(partial, { flags: resumed ? 'a' : 'w' });
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hashes.sha256?.update(chunk);
      hashes.md5?.update(chunk);
      received += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      report(received, total);
    }
    out.end();
    await finished(out);
  } catch (error) {
    // Keep what arrived: the next attempt continues from there.
    out.end();
    await finished(out).catch(() => {});
    throw new Error(`download: ${file.url} was interrupted after ${received} bytes (${(error as Error).message}); download again to continue from there`);
  }
  const problem = mismatch(file, hashes);
  if (problem) {
    rmSync(partial, { force: true });
    throw new Error(`download: ${file.fileName} from ${file.url} is corrupt or changed: ${problem}`);
  }
  renameSync(partial, target);
  return target;
}

/** Downloads every file of the dataset into `destDir` (created if needed); resolves to their paths. */
export async function downloadDataset(name: DatasetName | string, destDir: string, options: DownloadOptions = {}): Promise<string[]> {
  const source = options.source ?? (datasetSources as Record<string, DatasetSource>)[name];
  if (!source) throw new Error(`download: unknown dataset "${name}" (known: ${Object.keys(datasetSources).join(', ')})`);
  mkdirSync(destDir, { recursive: true });
  const paths: string[] = [];
  for (const [fileIndex, file] of source.files.entries()) {
    const base = { fileName: file.fileName, fileIndex, fileCount: source.files.length };
    const target = path.join(destDir, file.fileName);
    if (await alreadyValid(target, file)) {
      const size = statSync(target).size;
      options.onProgress?.({ ...base, receivedBytes: size, totalBytes: size, alreadyPresent: true });
      paths.push(target);
      continue;
    }
    const report = (receivedBytes: number, totalBytes?: number) => options.onProgress?.({ ...base, receivedBytes, totalBytes });
    paths.push(await downloadFile(file, destDir, report, options.signal));
  }
  return paths;
}
