// Shared setup of the end-to-end tests: the production renderer served by the browser mode on temporary
// folders, driven by playwright-core in Debian's Chromium. Screenshots go to test-results/.
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { repoRoot } from '../app/main/app-paths.ts';
import { startBrowserApp, type BrowserApp, type BrowserAppOptions } from '../app/server/browser-app.ts';
import { ensureRendererBuilt } from '../app/server/renderer-build.ts';

export const CHROMIUM = process.env.PLASTICITY_CHROMIUM ?? '/usr/bin/chromium';
export const screenshotsDir = path.join(repoRoot, 'test-results');

export interface E2eSession {
  app: BrowserApp;
  browser: Browser;
  page: Page;
  /** Temporary folders the app writes to. */
  dirs: { root: string; data: string; runs: string; documents: string };
  pageErrors: string[];
  close(): Promise<void>;
}

export interface SessionOptions {
  viewport?: { width: number; height: number };
  /** Files to put in the app's settings folder before it starts (name → JSON value). */
  settings?: Record<string, unknown>;
  app?: Pick<BrowserAppOptions, 'datasetSources' | 'datasetMirror'>;
}

export async function startSession(options: SessionOptions = {}): Promise<E2eSession> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The end-to-end tests need Chromium at ${CHROMIUM}, which is missing. Install it with: apt-get install -y chromium`);
  }
  await ensureRendererBuilt({ quiet: true });
  await fs.mkdir(screenshotsDir, { recursive: true });
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'plasticity-e2e-'));
  const dirs = { root, data: path.join(root, 'data'), runs: path.join(root, 'runs'), documents: path.join(root, 'documents') };
  await fs.mkdir(dirs.documents, { recursive: true });
  await fs.mkdir(dirs.data, { recursive: true });
  for (const [name, value] of Object.entries(options.settings ?? {})) await fs.writeFile(path.join(dirs.data, name), JSON.stringify(value));
  const app = await startBrowserApp({ ...options.app, port: 0, dataDir: dirs.data, runsDir: dirs.runs, documentsDir: dirs.documents, build: false, log: () => {} });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1440, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
  await page.goto(app.server.url);
  return {
    app,
    browser,
    page,
    dirs,
    pageErrors,
    async close() {
      await browser.close();
      await app.close();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}

/** For afterEach: a failed step leaves a picture of the page (`failed-<test name>.png`) to see why. */
export async function screenshotIfFailed(page: Page | undefined, task: { name: string; result?: { state?: string } }): Promise<void> {
  if (!page || task.result?.state !== 'fail') return;
  await screenshot(page, `failed-${task.name.replace(/[^\w-]+/g, '-').slice(0, 60)}`).catch(() => {});
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** A mouse drag the way a user does it; the 2 px nudge is because d3-drag ignores the first move. */
export async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 2, from.y + 2);
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

export async function center(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('The element is not visible.');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Clicks the canvas where no node is: its top left (the controls and minimap are at the bottom). */
export async function clickEmptyCanvas(page: Page): Promise<void> {
  const box = (await page.locator('.react-flow__pane').boundingBox())!;
  await page.mouse.click(box.x + 30, box.y + 20);
}

export function nodeOnCanvas(page: Page, id: string): Locator {
  return page.locator(`.react-flow__node[data-id="${id}"]`);
}

export function handle(page: Page, nodeId: string, port: string): Locator {
  return page.locator(`.react-flow__handle[data-nodeid="${nodeId}"][data-handleid="${port}"]`);
}

/** How many distinct colours a canvas shows: a blank or one-colour picture has one. */
export function distinctColours(canvas: Locator): Promise<number> {
  return canvas.evaluate((element: HTMLCanvasElement) => {
    const data = element.getContext('2d')!.getImageData(0, 0, element.width, element.height).data;
    const seen = new Set<number>();
    for (let k = 0; k < data.length; k += 4) seen.add((data[k] << 16) | (data[k + 1] << 8) | data[k + 2]);
    return seen.size;
  });
}
