import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cifarRecordBytes, loadCifarTraining } from './cifar.ts';
import { defaultDataDir } from './data-dir.ts';
import { type DatasetSource, type DownloadProgress, downloadDataset } from './download.ts';
import { makeTar } from './testing/make-tar.ts';

// A small archive shaped like the official cifar-10-binary.tar.gz, served from 127.0.0.1.
const subset = readFileSync(path.join(defaultDataDir(), 'cifar10', 'data_batch_1_first4000.bin'));
const files: Record<string, Uint8Array> = {};
for (let n = 1; n <= 4; n++) files[`cifar-10-batches-bin/data_batch_${n}.bin`] = subset.subarray((n - 1) * 100 * cifarRecordBytes, n * 100 * cifarRecordBytes);
const archive = gzipSync(makeTar(files));
const sha256 = createHash('sha256').update(archive).digest('hex');
const md5 = createHash('md5').update(archive).digest('hex');

let server: Server;
let base: string;
const requests: string[] = [];
const ranges: string[] = [];
let brokeOnce = false;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'download-test-'));
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.url === '/cifar-10-binary.tar.gz') {
      response.writeHead(200, { 'content-length': archive.length });
      // Several chunks, so progress is reported more than once.
      for (let at = 0; at < archive.length; at += 64 * 1024) response.write(archive.subarray(at, at + 64 * 1024));
      response.end();
    } else if (request.url === '/flaky.tar.gz') {
      // Honours range requests; the first whole-file request breaks off after about half the archive.
      const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
      const from = range ? Number(range[1]) : 0;
      ranges.push(request.headers.range ?? '');
      const body = archive.subarray(from);
      response.writeHead(range ? 206 : 200, {
        'content-length': body.length,
        ...(range ? { 'content-range': `bytes ${from}-${archive.length - 1}/${archive.length}` } : {}),
      });
      if (!range && !brokeOnce) {
        brokeOnce = true;
        response.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => response.destroy(), 20));
        return;
      }
      response.end(body);
    } else if (request.url === '/moved') {
      response.writeHead(302, { location: '/cifar-10-binary.tar.gz' });
      response.end();
    } else {
      response.writeHead(404);
      response.end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  rmSync(scratch, { recursive: true, force: true });
});

const source = (overrides: Partial<DatasetSource['files'][0]> = {}): DatasetSource => ({
  title: 'fixture',
  files: [{ url: `${base}/cifar-10-binary.tar.gz`, fileName: 'cifar-10-binary.tar.gz', sha256, md5, ...overrides }],
});

describe('downloadDataset', () => {
  it('downloads with progress, checks the checksum, and the loader reads the result', async () => {
    const dest = path.join(scratch, 'ok');
    const progress: DownloadProgress[] = [];
    const paths = await downloadDataset('cifar10', dest, { source: source(), onProgress: (p) => progress.push(p) });
    expect(paths).toEqual([path.join(dest, 'cifar-10-binary.tar.gz')]);
    expect(readFileSync(paths[0]).equals(archive)).toBe(true);
    expect(progress.length).toBeGreaterThan(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i].receivedBytes).toBeGreaterThan(progress[i - 1].receivedBytes);
    expect(progress.at(-1)).toMatchObject({ receivedBytes: archive.length, totalBytes: archive.length, fileIndex: 0, fileCount: 1 });
    expect(loadCifarTraining(dest).count).toBe(400);

    // A second call finds the file valid and does not fetch it again.
    const before = requests.length;
    const again: DownloadProgress[] = [];
    await downloadDataset('cifar10', dest, { source: source(), onProgress: (p) => again.push(p) });
    expect(requests.length).toBe(before);
    expect(again).toEqual([{ fileName: 'cifar-10-binary.tar.gz', fileIndex: 0, fileCount: 1, receivedBytes: archive.length, totalBytes: archive.length, alreadyPresent: true }]);
  });

  it('follows redirects and replaces a corrupt earlier copy', async () => {
    const dest = path.join(scratch, 'redirect');
    await downloadDataset('cifar10', dest, { source: source() });
    writeFileSync(path.join(dest, 'cifar-10-binary.tar.gz'), 'damaged');
    await downloadDataset('cifar10', dest, { source: source({ url: `${base}/moved` }) });
    expect(readFileSync(path.join(dest, 'cifar-10-binary.tar.gz')).equals(archive)).toBe(true);
  });

  it('rejects a wrong checksum and leaves no file behind', async () => {
    const dest = path.join(scratch, 'bad');
    const wrong = '0'.repeat(64);
    await expect(downloadDataset('cifar10', dest, { source: source({ sha256: wrong }) })).rejects.toThrow(
      new RegExp(`cifar-10-binary\\.tar\\.gz .* corrupt or changed: SHA256 is ${sha256}, expected ${wrong}`),
    );
    expect(readdirSync(dest)).toEqual([]);
    await expect(downloadDataset('cifar10', dest, { source: source({ sha256: undefined, md5: 'f'.repeat(32) }) })).rejects.toThrow(/MD5 is/);
  });

  it('continues an interrupted download where it stopped (a range request), then checks the whole file', async () => {
    const dest = path.join(scratch, 'resume');
    const flaky = source({ url: `${base}/flaky.tar.gz` });
    await expect(downloadDataset('cifar10', dest, { source: flaky })).rejects.toThrow(/flaky\.tar\.gz was interrupted after \d+ bytes/);
    const partial = path.join(dest, 'cifar-10-binary.tar.gz.part');
    const kept = readFileSync(partial).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(archive.length);
    expect(existsSync(path.join(dest, 'cifar-10-binary.tar.gz'))).toBe(false);
    const progress: DownloadProgress[] = [];
    await downloadDataset('cifar10', dest, { source: flaky, onProgress: (p) => progress.push(p) });
    expect(ranges).toEqual(['', `bytes=${kept}-`]);
    expect(progress[0].receivedBytes).toBeGreaterThan(kept);
    expect(progress.at(-1)).toMatchObject({ receivedBytes: archive.length, totalBytes: archive.length });
    expect(readFileSync(path.join(dest, 'cifar-10-binary.tar.gz')).equals(archive)).toBe(true);
    expect(readdirSync(dest)).toEqual(['cifar-10-binary.tar.gz']);
  });

  it('names the address on HTTP errors and refuses plain http elsewhere', async () => {
    const dest = path.join(scratch, 'errors');
    await expect(downloadDataset('cifar10', dest, { source: source({ url: `${base}/missing.tar.gz` }) })).rejects.toThrow(
      /missing\.tar\.gz answered HTTP 404/,
    );
    await expect(downloadDataset('cifar10', dest, { source: source({ url: 'http://example.com/x.tar.gz' }) })).rejects.toThrow(/not an https address/);
    await expect(downloadDataset('imagenet', dest)).rejects.toThrow(/unknown dataset "imagenet" \(known: cifar10, omniglot\)/);
    expect(existsSync(path.join(dest, 'cifar-10-binary.tar.gz'))).toBe(false);
  });
});
