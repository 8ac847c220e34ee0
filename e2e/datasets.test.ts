// The Datasets view with an empty data folder: the Omniglot template shows the missing dataset before any
// training; File → Datasets… installs it from a mirror on 127.0.0.1 through the same download code as the
// official hosts (checksums checked; the first attempt breaks off halfway and "Try again" continues from
// there); the problem disappears and training starts. A corrupted archive is refused with a clear message
// and leaves nothing behind. Screenshots: datasets-1280.png, datasets-1920.png.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { officialOmniglotZip } from '../core/tasks/testing/official-omniglot.ts';
import type { DatasetSource } from '../core/tasks/download.ts';
import { screenshot, screenshotIfFailed, startSession, type E2eSession } from './harness.ts';

const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 60_000 });
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

// Enough characters for the training, validation (100) and test (100) classes of the 5-way task.
const served: Record<string, Uint8Array> = {
  'images_background.zip': officialOmniglotZip('background', 130),
  'images_evaluation.zip': officialOmniglotZip('evaluation', 100),
  'cifar-10-binary.tar.gz': new Uint8Array(300_000).fill(7), // not what the catalogue's checksum describes
};
const rangeRequests: string[] = [];
let brokeOnce = false;
let mirror: Server;
let dataFolder: string;
let s: E2eSession;

beforeAll(async () => {
  mirror = createServer((request, response) => {
    const body = served[(request.url ?? '').slice(1)];
    if (!body) return void response.writeHead(404).end();
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (range) rangeRequests.push(`${request.url} ${request.headers.range}`);
    const from = range ? Number(range[1]) : 0;
    response.writeHead(range ? 206 : 200, {
      'content-length': body.length - from,
      ...(range && { 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` }),
    });
    if (request.url === '/images_background.zip' && !brokeOnce) {
      // The first download of the larger file breaks off halfway, like a dropped connection.
      brokeOnce = true;
      response.write(body.subarray(0, body.length >> 1), () => setTimeout(() => response.destroy(), 50));
      return;
    }
    response.end(body.subarray(from));
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
  const file = (fileName: string, checksum: string) => ({ url: `${base}/${fileName}`, fileName, md5: checksum });
  const catalogue: Record<'omniglot' | 'cifar10', DatasetSource> = {
    omniglot: {
      title: 'Omniglot (a small copy for this test)',
      files: [file('images_background.zip', md5(served['images_background.zip'])), file('images_evaluation.zip', md5(served['images_evaluation.zip']))],
    },
    cifar10: { title: 'CIFAR-10 (binary version)', files: [file('cifar-10-binary.tar.gz', md5(new Uint8Array(300_000)))] },
  };
  dataFolder = await fs.mkdtemp(path.join(os.tmpdir(), 'plasticity-empty-data-'));
  s = await startSession({ viewport: { width: 1280, height: 800 }, settings: { 'datasets.json': { folder: dataFolder } }, app: { datasetSources: catalogue } });
}, 240_000);
afterEach(async ({ task }) => screenshotIfFailed(s?.page, task));
afterAll(async () => {
  await s?.close();
  mirror?.close();
  await fs.rm(dataFolder, { recursive: true, force: true });
});

describe('datasets', () => {
  const row = (name: string) => s.page.locator(`[data-dataset="${name}"]`);
  const missingProblem = () => s.page.getByText(/Omniglot is not in the default data folder/).count();

  it('shows a missing dataset as a problem of the node that reads it, before training', async () => {
    await s.page.locator('[data-template="omniglot-laptop"]').click();
    await poll(missingProblem).toBeGreaterThan(0);
    expect(await s.page.getByText(/File → Datasets…/).count()).toBeGreaterThan(0);
  });

  it('downloads Omniglot from the mirror, continuing an interrupted download', async () => {
    await s.page.locator('.menu-title', { hasText: 'File' }).click();
    await s.page.locator('[data-command="datasets"]').click();
    await poll(() => s.page.getByTestId('datasets-folder').textContent()).toBe(dataFolder);
    expect(await row('omniglot').getAttribute('data-present')).toBe('no');
    await row('omniglot').getByRole('button', { name: 'Download' }).click();
    await poll(() => row('omniglot').getByRole('alert').textContent()).toMatch(/images_background\.zip was interrupted after \d+ bytes .*; download again to continue/);
    expect(await fs.readdir(dataFolder)).toEqual(['images_background.zip.part']);

    await row('omniglot').getByRole('button', { name: 'Try again' }).click();
    await poll(() => row('omniglot').getAttribute('data-present')).toBe('yes');
    expect(rangeRequests).toEqual([expect.stringMatching(/^\/images_background\.zip bytes=\d+-$/)]);
    expect((await fs.readdir(dataFolder)).sort()).toEqual(['images_background.zip', 'images_evaluation.zip']);
    for (const name of ['images_background.zip', 'images_evaluation.zip']) expect(md5(await fs.readFile(path.join(dataFolder, name)))).toBe(md5(served[name]));
  });

  it('refuses a corrupted archive with a clear message and leaves nothing half-installed', async () => {
    await row('cifar10').getByRole('button', { name: 'Download' }).click();
    await poll(() => row('cifar10').getByRole('alert').textContent()).toMatch(/cifar-10-binary\.tar\.gz from http:\/\/127\.0\.0\.1:\d+\/cifar-10-binary\.tar\.gz is corrupt or changed: MD5 is [0-9a-f]{32}, expected/);
    expect(await row('cifar10').getAttribute('data-present')).toBe('no');
    expect((await fs.readdir(dataFolder)).sort()).toEqual(['images_background.zip', 'images_evaluation.zip']);
    await screenshot(s.page, 'datasets-1280');
    await s.page.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(s.page, 'datasets-1920');
  });

  it('says what is wrong with a folder that holds no dataset, or one the browser mode may not read', async () => {
    const folderAlert = () => s.page.getByTestId('datasets-folder-error').textContent();
    await s.page.getByLabel('Folder with datasets').fill(os.tmpdir());
    await s.page.getByRole('button', { name: 'Use this folder' }).click();
    await poll(folderAlert).toMatch(/is outside the workspace/);
    await s.page.getByLabel('Folder with datasets').fill(s.dirs.documents);
    await s.page.getByRole('button', { name: 'Use this folder' }).click();
    await poll(folderAlert).toMatch(/holds none of the datasets\. Omniglot .*: .* holds no Omniglot/);
    expect(await s.page.getByTestId('datasets-folder').textContent()).toBe(dataFolder);
  });

  it('then trains the Omniglot template from the downloaded files', async () => {
    await s.page.getByRole('button', { name: 'Close' }).click();
    await poll(missingProblem).toBe(0);
    await s.page.getByTestId('tab-training').click();
    await s.page.getByRole('button', { name: /Train “/ }).click();
    await poll(async () => Number(await s.page.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThan(2);
    await s.page.getByRole('button', { name: /Stop/ }).click();
    await poll(() => s.page.getByTestId('run-status').getAttribute('data-status')).toMatch(/stopped|finished/);
  });
});
