// End to end, as a user: the browser mode in Chromium, from the template gallery to a stopped training run.
// The steps share one browser session and run in order, like one sitting at the app.
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clickEmptyCanvas as clickEmptyCanvasOf, center, drag, handle, nodeOnCanvas, screenshot, screenshotIfFailed, startSession, type E2eSession } from './harness.ts';

let s: E2eSession;
/** expect.poll with room for a busy machine (its default gives up after one second). */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });
const mod = process.platform === 'darwin' ? 'Meta' : 'Control';

beforeAll(async () => {
  s = await startSession();
}, 240_000);
afterEach(async ({ task }) => {
  await screenshotIfFailed(s?.page, task);
});
afterAll(async () => {
  await s?.close();
});

const nodes = () => s.page.locator('.react-flow__node');
const edges = () => s.page.locator('.react-flow__edge');
const memoryProblems = () => nodeOnCanvas(s.page, 'memory').getByTestId('node-problems');
const sizeInput = () => s.page.locator('[data-testid="inspector"][data-node="memory"] [data-param="size"] input');

async function allNodesOnCanvas(): Promise<boolean> {
  const canvas = (await s.page.locator('.react-flow').boundingBox())!;
  for (const node of await nodes().all()) {
    const box = await node.boundingBox();
    if (!box || box.x < canvas.x || box.y < canvas.y || box.x + box.width > canvas.x + canvas.width || box.y + box.height > canvas.y + canvas.height) return false;
  }
  return true;
}

const clickEmptyCanvas = () => clickEmptyCanvasOf(s.page);

describe('editor', () => {
  it('opens the binary-pattern template from the gallery onto a visible canvas', async () => {
    const card = s.page.locator('[data-template="binary-patterns"]');
    await card.waitFor({ timeout: 20_000 });
    await poll(() => card.textContent()).toMatch(/Expected: signError falls below 0\.01/);
    await card.click();
    await poll(() => nodes().count()).toBe(5);
    await poll(() => s.page.getByTestId('doc-title').textContent()).toContain('Binary patterns (1,000 bits)');

    // Not a zero-height pane: the canvas fills the middle of the window and the nodes are inside it.
    const canvas = (await s.page.locator('.react-flow').boundingBox())!;
    expect(canvas.height).toBeGreaterThan(400);
    expect(canvas.width).toBeGreaterThan(600);
    for (const node of await nodes().all()) {
      const box = (await node.boundingBox())!;
      expect(box.width).toBeGreaterThan(100);
      expect(box.x).toBeGreaterThanOrEqual(canvas.x);
      expect(box.y).toBeGreaterThanOrEqual(canvas.y);
      expect(box.x + box.width).toBeLessThanOrEqual(canvas.x + canvas.width);
      expect(box.y + box.height).toBeLessThanOrEqual(canvas.y + canvas.height);
    }
    // The plastic layer's outgoing connection is drawn as plastic, the others are not.
    expect(await s.page.locator('.react-flow__edge.edge-plastic').count()).toBeGreaterThan(0);
    expect(await s.page.locator('.react-flow__edge.edge-plain').count()).toBeGreaterThan(0);
    await screenshot(s.page, 'editor-template');
  });

  it('adds a node by dragging it from the palette', async () => {
    const canvas = (await s.page.locator('.react-flow__pane').boundingBox())!;
    await s.page.locator('[data-kind="SignErrorMetric"]').dragTo(s.page.locator('.react-flow__pane'), {
      targetPosition: { x: canvas.width * 0.72, y: canvas.height * 0.5 },
    });
    await poll(() => nodes().count()).toBe(6);
    await poll(() => s.page.locator('.react-flow__node.selected').getAttribute('data-id')).toBe('signErrorMetric');
    expect(await s.page.getByTestId('dirty-marker').isVisible()).toBe(true);
    await poll(() => s.page.title()).toMatch(/^● /);
  });

  it('connects two ports by dragging between them', async () => {
    // Zoomed out one step, no handle is near the canvas's edge, where a connection drag pans the view
    // (on a busy machine it pans further before the pointer arrives, and the drop misses).
    await s.page.locator('.react-flow__controls-zoomout').click();
    await s.page.waitForTimeout(400);
    const before = await edges().count();
    await drag(s.page, await center(handle(s.page, 'readout', 'output')), await center(handle(s.page, 'signErrorMetric', 'prediction')));
    await poll(() => edges().count()).toBe(before + 1);
  });

  it('refuses an incompatible connection while dragging, and says why', async () => {
    const before = await edges().count();
    // The plastic layer's output is 1001 wide (with the bias neuron): it cannot be compared with the 1000-bit prediction.
    const from = await center(handle(s.page, 'memory', 'output'));
    const to = await center(handle(s.page, 'signErrorMetric', 'target'));
    await s.page.mouse.move(from.x, from.y);
    await s.page.mouse.down();
    await s.page.mouse.move(from.x + 2, from.y + 2);
    await s.page.mouse.move(to.x, to.y, { steps: 15 });
    const hint = s.page.getByTestId('connection-hint');
    await hint.waitFor({ timeout: 5000 });
    expect(await hint.textContent()).toMatch(/Cannot connect: .*1001/);
    await screenshot(s.page, 'editor-connection-refused');
    await s.page.mouse.up();
    await poll(() => s.page.getByTestId('notice').filter({ hasText: 'Cannot connect' }).count()).toBeGreaterThan(0);
    expect(await edges().count()).toBe(before);

    // The right source is accepted.
    await drag(s.page, await center(handle(s.page, 'patterns', 'target')), to);
    await poll(() => edges().count()).toBe(before + 1);
  });

  it('shows a bad parameter on the node and in the problems panel, and clears it when fixed', async () => {
    await nodeOnCanvas(s.page, 'memory').locator('.node-header').click();
    await sizeInput().fill('-5');
    await sizeInput().press('Enter');
    await poll(() => memoryProblems().textContent()).toMatch(/size/);
    expect(await s.page.locator('[data-testid="inspector"] [data-param="size"] .field-problem').isVisible()).toBe(true);
    await poll(() => s.page.locator('[data-testid="problems"] .problem-error').count()).toBeGreaterThan(0);
    await screenshot(s.page, 'editor-parameter-error');

    // Clicking the problem selects the offending node.
    await clickEmptyCanvas();
    await poll(() => s.page.locator('[data-testid="inspector"]').getAttribute('data-node')).toBe('');
    await s.page.locator('[data-testid="problems"] button.problem-error[data-node="memory"]').first().click();
    await poll(() => s.page.locator('[data-testid="inspector"]').getAttribute('data-node')).toBe('memory');

    await sizeInput().fill('1001');
    await sizeInput().press('Enter');
    await poll(() => memoryProblems().count()).toBe(0);
    await poll(() => s.page.locator('[data-testid="problems"] .problem-error').count()).toBe(0);

    // Picking the problem zoomed in on its node; Fit View (Shift+1) brings every node back on screen, so later
    // clicks land on the canvas as they are, without the browser scrolling the canvas to reach a node.
    await clickEmptyCanvas();
    await s.page.keyboard.press('Shift+Digit1');
    await poll(allNodesOnCanvas).toBe(true);
  });

  it('undoes and redoes each action', async () => {
    const edgeCount = await edges().count();
    await clickEmptyCanvas();
    await s.page.keyboard.press(`${mod}+z`); // size 1001 → -5
    await poll(() => memoryProblems().count()).toBe(1);
    await s.page.keyboard.press(`${mod}+z`); // -5 → the template's value
    await poll(() => memoryProblems().count()).toBe(0);
    await s.page.keyboard.press(`${mod}+z`); // the second connection
    await poll(() => edges().count()).toBe(edgeCount - 1);
    await s.page.getByTestId('redo').click();
    await poll(() => edges().count()).toBe(edgeCount);
    await s.page.keyboard.press(`${mod}+Shift+z`);
    await poll(() => memoryProblems().count()).toBe(1);
    await s.page.keyboard.press(`${mod}+y`);
    await poll(() => memoryProblems().count()).toBe(0);
    expect(await nodes().count()).toBe(6);
  });

  it('sets a cosine learning-rate schedule in the graph settings, flags a bad length on its field, and undoes both', async () => {
    await clickEmptyCanvas();
    const schedule = s.page.getByLabel('Learning-rate schedule');
    const annealOver = s.page.getByLabel('Anneal over (steps)');
    const problem = s.page.locator('[data-testid="inspector"] .field-error .field-problem');
    expect(await schedule.inputValue()).toBe('constant');
    await schedule.selectOption('cosine');
    await poll(() => annealOver.inputValue()).toMatch(/^[1-9]\d*$/); // the run's length
    await annealOver.fill('-3');
    await annealOver.press('Enter');
    await poll(() => problem.textContent()).toMatch(/overEpisodes/);

    await clickEmptyCanvas();
    await s.page.keyboard.press(`${mod}+z`);
    await poll(() => problem.count()).toBe(0);
    await s.page.keyboard.press(`${mod}+z`);
    await poll(() => schedule.inputValue()).toBe('constant');
    expect(await annealOver.count()).toBe(0);
  });

  it('gives a run a time limit and anneals over it, and clears the limit again', async () => {
    await clickEmptyCanvas();
    const limit = s.page.getByLabel('Time limit (minutes)');
    expect(await limit.inputValue()).toBe('');
    await limit.fill('45');
    await limit.press('Enter');
    await s.page.getByLabel('Learning-rate schedule').selectOption('cosine');
    await s.page.getByLabel('Anneal over', { exact: true }).selectOption('minutes');
    const overMinutes = s.page.getByLabel('Anneal over (minutes)');
    await poll(() => overMinutes.inputValue()).toBe('45'); // the time limit
    expect(await s.page.getByLabel('Anneal over (steps)').count()).toBe(0);

    await limit.fill('');
    await limit.press('Enter');
    await poll(() => limit.inputValue()).toBe('');
    await s.page.getByLabel('Anneal over', { exact: true }).selectOption('steps');
    await poll(() => s.page.getByLabel('Anneal over (steps)').inputValue()).toMatch(/^[1-9]\d*$/);
    await clickEmptyCanvas();
    for (let i = 0; i < 2; i++) await s.page.keyboard.press(`${mod}+z`);
    await poll(() => limit.inputValue()).toBe('45');
    await poll(() => overMinutes.inputValue()).toBe('45');
    for (let i = 0; i < 3; i++) await s.page.keyboard.press(`${mod}+z`);
    await poll(() => s.page.getByLabel('Learning-rate schedule').inputValue()).toBe('constant');
    await poll(() => limit.inputValue()).toBe('');
  });

  it('saves to a file, autosaves later edits, and reopens the file', async () => {
    await s.page.keyboard.press(`${mod}+s`);
    const nameField = s.page.getByLabel('File name');
    await nameField.waitFor();
    await nameField.fill('my-network');
    await s.page.locator('.file-name button[type="submit"]').click();
    const file = path.join(s.dirs.documents, 'my-network.plastic.json');
    await poll(() => existsSync(file)).toBe(true);
    await poll(() => s.page.getByTestId('doc-title').textContent()).toBe('my-network.plastic.json');
    expect(await s.page.getByTestId('dirty-marker').count()).toBe(0);
    const saved = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(saved.nodes.map((n: { id: string }) => n.id)).toContain('signErrorMetric');
    expect(saved.nodes.find((n: { id: string }) => n.id === 'memory').params.size).toBe(1001);

    // An unsaved edit is autosaved for crash recovery.
    await nodeOnCanvas(s.page, 'signErrorMetric').locator('.node-header').click();
    // Delete acts on the selection the app has: on a busy machine the key can arrive before the click's render.
    await poll(() => s.page.locator('[data-testid="inspector"]').getAttribute('data-node')).toBe('signErrorMetric');
    await s.page.keyboard.press('Delete');
    await poll(() => nodes().count()).toBe(5);
    const autosaveDir = path.join(s.dirs.data, 'autosave');
    // Only finished records: an atomic write's temporary file (".<name>.<pid>-<id>.tmp") can be there for a moment.
    const records = async () => (existsSync(autosaveDir) ? (await fs.readdir(autosaveDir)).filter((name) => !name.startsWith('.')) : []);
    await expect.poll(async () => (await records()).length, { timeout: 10_000 }).toBe(1);
    const [record] = await records();
    expect(JSON.parse(await fs.readFile(path.join(autosaveDir, record), 'utf8')).document.nodes).toHaveLength(5);

    // Opening asks about the unsaved edit first.
    await s.page.keyboard.press(`${mod}+o`);
    await s.page.getByRole('button', { name: 'Don’t save' }).click();
    await s.page.locator('[data-testid="file-list"] button', { hasText: 'my-network.plastic.json' }).click();
    await poll(() => nodes().count()).toBe(6);
    expect(await s.page.getByTestId('dirty-marker').count()).toBe(0);
    await poll(async () => (await fs.readdir(autosaveDir)).length).toBe(0);
    await screenshot(s.page, 'editor');
  });
});

describe('training dashboard', () => {
  const status = () => s.page.getByTestId('run-status').getAttribute('data-status');
  const episodeText = () => s.page.getByTestId('episode').textContent();
  const chartPoints = async () => Number(await s.page.getByTestId('loss-chart').getAttribute('data-points'));

  it('trains a template, streams the loss, pauses, resumes and stops with a checkpoint', async () => {
    await s.page.locator('.menu-title', { hasText: 'File' }).click();
    await s.page.locator('[data-command="newFromTemplate"]').click();
    await s.page.locator('[data-template="binary-patterns-50bit-plastic"]').click();
    await poll(() => s.page.getByTestId('doc-title').textContent()).toMatch(/50 bits: plastic/);

    await s.page.getByTestId('tab-training').click();
    await s.page.getByLabel('Episodes to train').fill('1500');
    await s.page.getByRole('button', { name: /Train “/ }).click();
    await expect.poll(chartPoints, { timeout: 90_000 }).toBeGreaterThan(10);
    expect(await status()).toBe('running');
    await poll(() => s.page.getByTestId('backend').textContent()).toMatch(/^(wasm|cpu|tensorflow)$/);

    await s.page.getByRole('button', { name: /Pause/ }).click();
    await poll(status).toBe('paused');
    // An edit during the run: the run goes on with its snapshot, and says so.
    expect(await s.page.getByTestId('run-uses-snapshot').count()).toBe(0);
    await s.page.getByRole('tab', { name: 'Editor' }).click();
    await s.page.getByRole('button', { name: /Layout/ }).click();
    await s.page.getByTestId('tab-training').click();
    await poll(() => s.page.getByTestId('run-uses-snapshot').textContent()).toMatch(/goes on with the graph as it was then/);
    await s.page.waitForTimeout(800); // the episode in flight finishes
    const pausedAt = await episodeText();
    await s.page.waitForTimeout(1500);
    expect(await episodeText()).toBe(pausedAt);
    await s.page.getByRole('button', { name: /Resume/ }).click();
    await expect.poll(episodeText, { timeout: 20_000 }).not.toBe(pausedAt);

    await s.page.getByRole('button', { name: /Stop/ }).click();
    await expect.poll(status, { timeout: 30_000 }).toBe('stopped');
    await screenshot(s.page, 'dashboard');

    // The run folder is the CLI's: run.json, metrics.jsonl with real numbers, and the checkpoint.
    const [runId] = await fs.readdir(s.dirs.runs);
    const runDir = path.join(s.dirs.runs, runId);
    const info = JSON.parse(await fs.readFile(path.join(runDir, 'run.json'), 'utf8'));
    expect(info.status).toBe('stopped');
    expect(existsSync(path.join(runDir, 'checkpoint'))).toBe(true);
    const losses = (await fs.readFile(path.join(runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).loss);
    expect(losses.length).toBe(info.episodesDone);
    expect(losses.every((l: number) => Number.isFinite(l) && l > 0)).toBe(true);
    expect(await chartPoints()).toBe(losses.length);

    await poll(() => s.page.locator(`[data-testid="run-history"] tr[data-run="${runId}"] .status`).textContent()).toBe('stopped');
  });

  it('overlays an earlier run on the charts', async () => {
    await s.page.getByLabel('Episodes to train').fill('12');
    await s.page.getByRole('button', { name: /Train “/ }).click();
    await expect.poll(() => s.page.getByTestId('run-status').getAttribute('data-status'), { timeout: 90_000 }).toBe('finished');
    const rows = s.page.locator('[data-testid="run-history"] tbody tr[data-run]');
    await poll(() => rows.count()).toBe(2);
    const single = await chartPoints();
    await rows.nth(1).locator('input[type="checkbox"]').check();
    await poll(chartPoints).toBeGreaterThan(single);
    // episode + two runs, each drawn raw, or faint raw + smoothed when the shown run is long enough to smooth;
    // plus, per run that was evaluated, its held-out evaluations (the template evaluates every 1,000 episodes and at the end).
    const perRun = (await s.page.locator('section.charts').getAttribute('data-smoothing')) === '1' ? 1 : 2;
    const legend = s.page.locator('[data-testid="metric-chart-signError"] .u-legend .u-series');
    const heldOut = legend.filter({ hasText: 'held-out (test)' });
    await poll(() => heldOut.count()).toBeGreaterThanOrEqual(1);
    // … and the shown run's expected result (the template: signError below 0.01) as a dashed target line.
    await poll(() => legend.filter({ hasText: 'target: below 0.01' }).count()).toBe(1);
    expect((await legend.count()) - (await heldOut.count())).toBe(1 + 2 * perRun + 1);
    // The finished run's final evaluation: in the status line and in the run history, with its 95% interval.
    await poll(() => s.page.getByTestId('run-held-out').textContent()).toMatch(/Held-out signError 0\.\d+ \[0\.\d+, 0\.\d+\] \(test, 500 episodes, after episode 12\)/);
    await poll(() => rows.first().getByTestId('held-out').textContent()).toMatch(/held-out 0\.\d+ \[/);
    await screenshot(s.page, 'dashboard-overlay');
  });

  it('continues the stopped run from its checkpoint, in its own folder, to its planned episodes', async () => {
    const runDirs = (await fs.readdir(s.dirs.runs)).map((name) => path.join(s.dirs.runs, name));
    const infos = await Promise.all(runDirs.map(async (dir) => ({ dir, ...JSON.parse(await fs.readFile(path.join(dir, 'run.json'), 'utf8')) })));
    const stopped = infos.find((i) => i.status === 'stopped')!;
    const row = s.page.locator(`[data-testid="run-history"] tr[data-run="${stopped.runId}"]`);
    await row.getByTestId('continue-run').click();
    await expect.poll(() => row.locator('.status').textContent(), { timeout: 120_000 }).toBe('finished');
    const info = JSON.parse(await fs.readFile(path.join(stopped.dir, 'run.json'), 'utf8'));
    expect(info).toMatchObject({ status: 'finished', episodesDone: 1500, runId: stopped.runId });
    const episodes = (await fs.readFile(path.join(stopped.dir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).episode);
    expect(episodes).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1));
    expect(await s.page.locator(`[data-testid="run-history"] tr[data-run="${stopped.runId}"]`).count()).toBe(1);
    // The status line shows the metric as the charts do: the mean of the recent episodes, not one episode's value.
    await poll(() => s.page.getByTestId('recent-signError').textContent()).toMatch(/^0\.\d+ \(mean of 10\)$/);
  });

  it('lists the keyboard shortcuts from Help (Ctrl+/), and shows what training a graph will cost', async () => {
    await s.page.keyboard.press('Escape');
    await s.page.keyboard.press(`${mod}+Slash`);
    const list = s.page.getByTestId('shortcuts');
    await list.waitFor({ timeout: 5000 });
    expect(await list.textContent()).toMatch(/Save As.*S.*Undo.*Z.*Fit View/s);
    await screenshot(s.page, 'help-shortcuts');
    await s.page.keyboard.press('Escape');
    await poll(() => list.count()).toBe(0);
    // Help → Report a Problem: what to attach, and this installation's version to copy.
    await s.page.locator('.menu-title', { hasText: 'Help' }).click();
    await s.page.locator('[data-command="reportProblem"]').click();
    await poll(() => s.page.getByTestId('report-details').textContent()).toMatch(/^Plasticity Studio \d+\.\d+\.\d+.* \(browser mode\)/);
    await s.page.keyboard.press('Escape');
    // Help → Guide to the Paper's Experiments: the project's own guide, rendered in the app.
    await s.page.locator('.menu-title', { hasText: 'Help' }).click();
    await s.page.locator('[data-command="guide"]').click();
    await poll(() => s.page.getByTestId('document').locator('h2').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^Maze exploration/)]));
    await screenshot(s.page, 'help-guide');
    await s.page.keyboard.press('Escape');
    await poll(() => s.page.getByTestId('document').count()).toBe(0);
    await s.page.getByRole('tab', { name: 'Editor' }).click();
    await clickEmptyCanvas();
    await poll(() => s.page.getByTestId('training-cost').textContent()).toMatch(/Trainable parameters[\d,]+.*Memory for trainingabout \d+ (KB|MB)/s);
  });

  it('reports a dataset missing from where a node reads it, on the node, before training', async () => {
    await s.page.locator('.menu-title', { hasText: 'File' }).click();
    await s.page.locator('[data-command="newFromTemplate"]').click();
    await s.page.locator('[data-template="omniglot-laptop"]').click();
    // The open graph was edited (the layout, during the run above): the app asks first.
    await s.page.getByRole('button', { name: /Don.t save|Discard/ }).click();
    await poll(() => s.page.getByTestId('doc-title').textContent()).toMatch(/Omniglot/);
    await nodeOnCanvas(s.page, 'omniglot').locator('.node-header').click();
    await poll(() => s.page.locator('[data-testid="inspector"]').getAttribute('data-node')).toBe('omniglot');
    const folder = s.page.locator('[data-testid="inspector"] [data-param="dataFolder"] input');
    await folder.fill('/nonexistent-datasets');
    await folder.press('Enter');
    await poll(() => s.page.getByTestId('problems').textContent()).toMatch(/Omniglot is not in the folder "dataFolder" names: the folder \/nonexistent-datasets does not exist/);
    await s.page.getByTestId('tab-training').click();
    expect(await s.page.getByRole('button', { name: /Train “/ }).isDisabled()).toBe(true);
    await s.page.getByRole('tab', { name: 'Editor' }).click();
  });

  it('raised no errors in the page', () => {
    expect(s.pageErrors).toEqual([]);
  });
});
