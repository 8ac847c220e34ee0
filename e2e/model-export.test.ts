// End to end, as a user: a finished run's charts smoothed and raw, its trained model exported as a bundle
// from the run history, and that bundle opened read-only (drags and parameter changes refused) until a
// copy is made. The run is real: the 50-bit template trained on the cpu backend before the page looks.
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../core/compile/backend.ts';
import { readBundle } from '../core/export/bundle-files.ts';
import { parseGraphDocument } from '../core/graph/document.ts';
import { readMetrics } from '../core/train/run-folder.ts';
import { trainGraph } from '../core/train/trainer.ts';
import { repoRoot } from '../app/main/app-paths.ts';
import { formatNumber } from '../app/renderer/format.ts';
import { clickEmptyCanvas as clickEmptyCanvasOf, center, drag, nodeOnCanvas, screenshot, screenshotIfFailed, startSession, type E2eSession } from './harness.ts';

let s: E2eSession;
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });
const mod = process.platform === 'darwin' ? 'Meta' : 'Control';
const RUN = 'patterns-150';
const EPISODES = 150;
let runDir: string;
let graphName: string;

beforeAll(async () => {
  s = await startSession();
  runDir = path.join(s.dirs.runs, RUN);
  const text = await fs.readFile(path.join(repoRoot, 'templates/binary-patterns-50bit-plastic.plastic.json'), 'utf8');
  const parsed = parseGraphDocument(text);
  if (!parsed.ok) throw new Error('the 50-bit template does not parse');
  graphName = parsed.document.meta.name;
  await selectBackend('cpu');
  const result = await trainGraph(parsed.document, { outDir: runDir, episodes: EPISODES, seed: 3, backend: 'cpu' });
  expect(result.status).toBe('finished');
}, 240_000);
afterEach(async ({ task }) => {
  await screenshotIfFailed(s?.page, task);
});
afterAll(async () => {
  await s?.close();
});

const signErrors = () => readMetrics(runDir).map((r) => r.signError as number);
const meanOfLast = (values: number[], n: number) => values.slice(-n).reduce((a, b) => a + b, 0) / Math.min(n, values.length);
const row = () => s.page.locator(`[data-testid="run-history"] tr[data-run="${RUN}"]`);
const smoothedCell = () => row().getByTestId('smoothed-metric');
const lossChart = () => s.page.getByTestId('loss-chart');
const smoothingField = () => s.page.getByLabel('Smoothing (episodes)');
const nodes = () => s.page.locator('.react-flow__node');
const banner = () => s.page.getByTestId('read-only-banner');
const zipPath = () => path.join(s.dirs.documents, `${RUN}-model.zip`);

const clickEmptyCanvas = () => clickEmptyCanvasOf(s.page);

async function setSmoothing(n: number) {
  await smoothingField().fill(String(n));
  await poll(() => s.page.locator('section.charts').getAttribute('data-smoothing')).toBe(String(n));
}

describe('dashboard smoothing', () => {
  it('smooths a long run by default, keeps the raw values faint, and shows the smoothed metric in the history', async () => {
    await s.page.getByRole('dialog').waitFor();
    await s.page.keyboard.press('Escape'); // the start screen's gallery
    await s.page.getByTestId('tab-training').click();
    await s.page.getByRole('button', { name: 'refresh' }).click();
    await row().click();
    await poll(async () => Number(await lossChart().getAttribute('data-points'))).toBe(EPISODES);

    // Over 100 episodes: a moving average over 10, drawn over the faint raw line, and the run's one held-out
    // evaluation (the template evaluates at the end) as a dot: three series, one run.
    expect(await s.page.locator('section.charts').getAttribute('data-smoothing')).toBe('10');
    expect(await smoothingField().inputValue()).toBe('10');
    await poll(() => lossChart().getAttribute('data-held-out')).toBe('1');
    expect(await lossChart().getAttribute('data-series')).toBe('3');
    expect(await lossChart().locator('.u-legend').textContent()).toMatch(/mean of 10/);
    const values = signErrors();
    await poll(async () => Number(await smoothedCell().getAttribute('data-value'))).toBeCloseTo(meanOfLast(values, 10), 9);
    expect(await smoothedCell().getAttribute('data-metric')).toBe('signError');
    expect(await smoothedCell().textContent()).toContain(formatNumber(meanOfLast(values, 10)));
    await screenshot(s.page, 'dashboard-smoothed');
  });

  it('shows the raw curve at 1 and a smoother one at 50; the chart changes each time', async () => {
    const smoothed = await lossChart().locator('canvas').screenshot();
    await setSmoothing(1);
    await poll(() => lossChart().getAttribute('data-series')).toBe('2'); // raw, and the held-out dot
    expect(await lossChart().getAttribute('data-points')).toBe(String(EPISODES)); // the same episodes, drawn raw
    const values = signErrors();
    await poll(async () => Number(await smoothedCell().getAttribute('data-value'))).toBe(values.at(-1));
    expect(await s.page.locator('[data-testid="run-history"] th', { hasText: 'Last episode' }).count()).toBe(1);
    expect(await smoothedCell().textContent()).toContain(`loss ${formatNumber(readMetrics(runDir).at(-1)!.loss)}`);
    const raw = await lossChart().locator('canvas').screenshot();
    expect(raw.equals(smoothed)).toBe(false);
    await screenshot(s.page, 'dashboard-raw');

    await setSmoothing(50);
    await poll(async () => Number(await smoothedCell().getAttribute('data-value'))).toBeCloseTo(meanOfLast(values, 50), 9);
    await poll(async () => (await lossChart().locator('canvas').screenshot()).equals(raw)).toBe(false);
    await screenshot(s.page, 'dashboard-smoothed-50');
  });
});

describe('export', () => {
  it('exports the finished run from the run history as a .zip bundle', async () => {
    await row().getByRole('button', { name: 'Export model…' }).click();
    const dialog = s.page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-label')).toMatch(/Export the model trained by .* \(episode 150\)/);
    expect(await s.page.getByLabel('File name').inputValue()).toBe(`${RUN}-model.zip`);
    expect(await s.page.getByTestId('export-format').textContent()).toMatch(/Writes one \.zip file/);
    await screenshot(s.page, 'export-dialog');
    await dialog.getByRole('button', { name: 'Export' }).click();
    await poll(() => s.page.getByTestId('notice').filter({ hasText: 'Exported the model' }).count()).toBe(1);
    expect(await s.page.getByTestId('notice').filter({ hasText: 'Exported the model' }).textContent()).toContain(zipPath());

    // What was written is a complete bundle: it reads back (checked against its graph) with 150 episodes of training.
    const bundle = await readBundle(zipPath());
    expect(bundle.manifest.training).toMatchObject({ runId: RUN, status: 'finished', episodesDone: EPISODES, seed: 3 });
    expect(bundle.graph.meta.name).toBe(graphName);
  });

  it('asks before replacing a bundle of the same name', async () => {
    const before = (await fs.stat(zipPath())).mtimeMs;
    await row().getByRole('button', { name: 'Export model…' }).click();
    await s.page.getByRole('dialog').getByRole('button', { name: 'Export' }).click();
    await poll(() => s.page.getByRole('alert').filter({ hasText: 'already exists' }).count()).toBe(1);
    expect((await fs.stat(zipPath())).mtimeMs).toBe(before);
    await s.page.getByRole('dialog').getByRole('button', { name: 'Replace' }).click();
    await poll(async () => (await fs.stat(zipPath())).mtimeMs).toBeGreaterThan(before);
    await poll(() => s.page.getByRole('dialog').count()).toBe(0);
  });
});

describe('export from the menu', () => {
  it('File → Export Trained Model… exports the run the dashboard shows, as a folder for a name without .zip', async () => {
    await s.page.locator('.menu-title', { hasText: 'File' }).click();
    await s.page.locator('[data-command="exportModel"]').click();
    const dialog = s.page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-label')).toMatch(/Export the model trained by .* \(episode 150\)/);
    await s.page.getByLabel('File name').fill('menu-model');
    expect(await s.page.getByTestId('export-format').textContent()).toMatch(/Writes a folder/);
    await dialog.getByRole('button', { name: 'Export' }).click();
    const folder = path.join(s.dirs.documents, 'menu-model');
    await poll(() => existsSync(path.join(folder, 'weights.bin'))).toBe(true);
    expect((await fs.readdir(folder)).sort()).toEqual(['model.json', 'weights.bin']);
    expect((await readBundle(folder)).manifest.training.episodesDone).toBe(EPISODES);
  });
});

describe('a trained model, opened', () => {
  const nodePosition = () => nodeOnCanvas(s.page, 'memory').evaluate((el) => (el as HTMLElement).style.transform);
  const sizeInput = () => s.page.locator('[data-testid="inspector"][data-node="memory"] [data-param="size"] input');

  it('opens the bundle from File → Open with its graph, a read-only banner and its training story', async () => {
    await s.page.keyboard.press(`${mod}+o`);
    const zipEntry = s.page.locator('[data-testid="file-list"] button', { hasText: `${RUN}-model.zip` });
    await zipEntry.waitFor();
    expect(await zipEntry.textContent()).toContain('trained model');
    expect(await s.page.locator('[data-testid="file-list"] button.file-bundle', { hasText: 'menu-model' }).count()).toBe(1);
    await screenshot(s.page, 'open-dialog');
    await zipEntry.click();
    await banner().waitFor();
    expect(await banner().textContent()).toContain('Trained model — read-only. Make a copy to edit.');
    await poll(() => nodes().count()).toBe(5);
    expect(await s.page.getByTestId('doc-title').textContent()).toBe(`${RUN}-model.zip`);
    expect(await s.page.getByTestId('dirty-marker').count()).toBe(0);
    // The canvas is a real, sized pane under the banner.
    const canvas = (await s.page.locator('.react-flow').boundingBox())!;
    expect(canvas.height).toBeGreaterThan(300);
    expect(canvas.y).toBeGreaterThanOrEqual((await banner().boundingBox())!.y);

    // With nothing selected, the inspector tells how the model was trained and how well.
    expect(await s.page.getByTestId('trained-episodes').textContent()).toMatch(/^150/);
    const recent = signErrors().slice(-10);
    const metricsRow = s.page.locator('[data-testid="trained-metrics"] tr[data-metric="signError"]');
    expect(await metricsRow.textContent()).toContain(formatNumber(recent.reduce((a, b) => a + b, 0) / recent.length));
    await screenshot(s.page, 'trained-model');
  });

  it('shows the selected node\'s trained values', async () => {
    await nodeOnCanvas(s.page, 'memory').locator('.node-header').click();
    await poll(() => s.page.locator('[data-testid="inspector"]').getAttribute('data-node')).toBe('memory');
    const bundle = await readBundle(zipPath());
    const eta = bundle.weights.values.get('memory/eta')![0];
    const trained = s.page.getByTestId('trained-values');
    expect(await trained.locator('[data-param="eta"] [data-testid="trained-scalar"]').textContent()).toContain(formatNumber(eta));
    expect(await trained.locator('[data-param="w"]').textContent()).toMatch(/\[51 × 51\].*mean.*std.*min.*max/);
    expect(await trained.locator('[data-param="alpha"]').count()).toBe(1);
    await screenshot(s.page, 'trained-model-inspector');
  });

  it('plays an episode of the bundle in the episode inspector', { timeout: 120_000 }, async () => {
    await s.page.getByTestId('inspect-bundle').click();
    const inspector = s.page.getByTestId('episode-inspector');
    await expect.poll(() => inspector.getByTestId('inspector-step').textContent(), { timeout: 90_000 }).toBe('step 1 of 11');
    expect(await inspector.textContent()).toMatch(/parameters after 150 training episodes/);
    expect(await inspector.getByTestId('task-view').getAttribute('data-task')).toBe('patterns');
    await s.page.keyboard.press('Escape');
    await poll(() => inspector.count()).toBe(0);
  });

  it('refuses a drag, a parameter change, a delete and a new node', async () => {
    const before = await nodePosition();
    const header = nodeOnCanvas(s.page, 'memory').locator('.node-header');
    const from = await center(header);
    await drag(s.page, from, { x: from.x + 160, y: from.y + 90 });
    await poll(() => s.page.getByTestId('notice').filter({ hasText: 'read-only' }).count()).toBeGreaterThan(0);
    expect(await nodePosition()).toBe(before);

    expect(await sizeInput().isDisabled()).toBe(true);
    await expect(sizeInput().fill('7', { timeout: 1500 })).rejects.toThrow();
    expect(await sizeInput().inputValue()).toBe('51');

    await s.page.keyboard.press('Delete');
    await s.page.locator('[data-kind="Dense"]').dblclick();
    await s.page.waitForTimeout(300);
    expect(await nodes().count()).toBe(5);
    expect(await s.page.getByTestId('undo').isDisabled()).toBe(true);
    expect(await s.page.getByTestId('dirty-marker').count()).toBe(0);
    await screenshot(s.page, 'trained-model-refused');
  });

  it('makes a copy that is an ordinary, editable, unsaved document', async () => {
    await s.page.getByTestId('make-copy').click();
    await poll(() => banner().count()).toBe(0);
    await poll(() => s.page.getByTestId('doc-title').textContent()).toBe(`${graphName} (copy) ●`);
    expect(await s.page.getByTestId('dirty-marker').isVisible()).toBe(true);

    const before = await nodePosition();
    const from = await center(nodeOnCanvas(s.page, 'memory').locator('.node-header'));
    await drag(s.page, from, { x: from.x + 120, y: from.y + 60 });
    await poll(nodePosition).not.toBe(before);

    await nodeOnCanvas(s.page, 'memory').locator('.node-header').click();
    expect(await sizeInput().isDisabled()).toBe(false);
    await sizeInput().fill('64');
    await sizeInput().press('Enter');
    await poll(() => nodeOnCanvas(s.page, 'memory').getByTestId('node-problems').count()).toBe(1); // 64 ≠ the 51 the patterns need
    await s.page.getByTestId('undo').click();
    await poll(() => nodeOnCanvas(s.page, 'memory').getByTestId('node-problems').count()).toBe(0);
    expect(await s.page.getByTestId('trained-values').count()).toBe(0);
    await screenshot(s.page, 'trained-model-copy');

    // The copy keeps the trained weights to start from (fine-tuning), until the user chooses fresh ones.
    await clickEmptyCanvas();
    await poll(() => s.page.getByTestId('initial-weights').textContent()).toContain(`Starts from the trained weights of ${zipPath()}`);
    await s.page.getByTestId('initial-weights').getByRole('button', { name: /fresh weights/ }).click();
    await poll(() => s.page.getByTestId('initial-weights').count()).toBe(0);
    await s.page.getByTestId('undo').click();
    await poll(() => s.page.getByTestId('initial-weights').count()).toBe(1);

    // The bundle itself is untouched.
    expect(existsSync(zipPath())).toBe(true);
    expect((await readBundle(zipPath())).graph.nodes.find((n) => n.id === 'memory')!.position).toEqual(
      JSON.parse(await fs.readFile(path.join(runDir, 'graph.plastic.json'), 'utf8')).nodes.find((n: { id: string }) => n.id === 'memory').position,
    );
  });

  it('raised no errors in the page', () => {
    expect(s.pageErrors).toEqual([]);
  });
});
