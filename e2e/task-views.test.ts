// The episode inspector's task views on a short-trained run of each of the paper's tasks (trained here before
// the page looks): binary patterns, natural images, Omniglot and the maze. Each is scrubbed to three steps;
// screenshots test-results/task-<task>-step-<n>.png show the task view beside the plastic layer's trace.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../core/compile/backend.ts';
import { parseGraphDocument } from '../core/graph/document.ts';
import { trainGraph } from '../core/train/trainer.ts';
import { repoRoot } from '../app/main/app-paths.ts';
import { distinctColours, screenshot, screenshotIfFailed, startSession, type E2eSession } from './harness.ts';

let s: E2eSession;

const tasks = [
  { task: 'patterns', template: 'binary-patterns-50bit-plastic.plastic.json', episodes: 30, steps: 11, scrub: [1, 6, 11] },
  { task: 'images', template: 'natural-images-laptop.plastic.json', episodes: 1, steps: 0, scrub: [1, 4, 0] },
  { task: 'omniglot', template: 'omniglot-laptop.plastic.json', episodes: 2, steps: 6, scrub: [1, 3, 6] },
  { task: 'maze', template: 'maze-laptop-plastic.plastic.json', episodes: 2, steps: 0, scrub: [1, 40, 0] },
] as const;

beforeAll(async () => {
  s = await startSession({ viewport: { width: 1280, height: 900 } });
  await selectBackend('cpu');
  for (const { task, template, episodes } of tasks) {
    const parsed = parseGraphDocument(await fs.readFile(path.join(repoRoot, 'templates', template), 'utf8'));
    if (!parsed.ok) throw new Error(`${template} does not parse`);
    // No held-out evaluation: these runs only need trained parameters to record.
    const { evaluation: _skipped, ...training } = parsed.document.training;
    const result = await trainGraph({ ...parsed.document, training }, { outDir: path.join(s.dirs.runs, `task-${task}`), episodes, seed: 3, backend: 'cpu', threads: 1 });
    expect(result.status).toBe('finished');
  }
}, 600_000);
afterEach(async ({ task }) => screenshotIfFailed(s?.page, task));
afterAll(async () => s?.close());

describe('task views in the episode inspector', () => {
  it('opens the history', async () => {
    await s.page.getByRole('dialog').waitFor();
    await s.page.keyboard.press('Escape'); // the start screen's gallery
    await s.page.getByTestId('tab-training').click();
    await s.page.getByRole('button', { name: 'refresh' }).click();
  });

  for (const { task, scrub } of tasks) {
    it(`${task}: the task view and the trace at three steps`, { timeout: 240_000 }, async () => {
      await s.page.locator(`[data-testid="run-history"] tr[data-run="task-${task}"]`).getByRole('button', { name: 'Inspect…' }).click();
      const inspector = s.page.getByTestId('episode-inspector');
      await expect.poll(() => inspector.getByTestId('inspector-step').textContent(), { timeout: 180_000 }).toMatch(/^step 1 of \d+$/);
      const total = Number((await inspector.getByTestId('inspector-step').textContent())!.match(/of (\d+)/)![1]);
      const view = inspector.getByTestId('task-view');
      expect(await view.getAttribute('data-task')).toBe(task);
      const slider = inspector.getByLabel('Step', { exact: true });
      const positions = Number(await slider.getAttribute('max')) + 1;
      // Steps as positions of the scrubber (the last one when 0); a layer with sparse traces has fewer positions than steps.
      for (const step of scrub.map((k) => (k === 0 ? positions : Math.min(k, positions)))) {
        await slider.fill(String(step - 1));
        await expect.poll(async () => Number((await inspector.getByTestId('inspector-step').textContent())!.match(/step (\d+)/)![1])).toBeGreaterThanOrEqual(step);
        await screenshot(s.page, `task-${task}-step-${step}`);
      }
      // At the last position: a visible trace, a drawn task view.
      expect(await distinctColours(inspector.getByTestId('inspector-trace'))).toBeGreaterThan(10);
      for (const canvas of await view.locator('canvas').all()) expect(await distinctColours(canvas)).toBeGreaterThan(1);
      expect(total).toBeGreaterThan(1);
      if (task === 'omniglot') {
        const cells = await inspector.getByTestId('task-probabilities').locator('tr td:last-child').allTextContents();
        expect(cells).toHaveLength(5);
        expect(cells.map(Number).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
      }
      if (task === 'patterns') expect(await view.textContent()).toMatch(/wrong bits in red: \d+ of 50/);
      if (task === 'maze') expect(await view.textContent()).toMatch(/Rewards so far: -?[\d.]+ \(\d+ found\)/);
      expect(s.pageErrors).toEqual([]);
      await s.page.keyboard.press('Escape');
    });
  }
});

describe('the pattern sandbox', () => {
  it('completes a probe edited bit by bit', { timeout: 240_000 }, async () => {
    await s.page.locator('[data-testid="run-history"] tr[data-run="task-patterns"]').getByRole('button', { name: 'Inspect…' }).click();
    const inspector = s.page.getByTestId('episode-inspector');
    const sandbox = inspector.getByTestId('pattern-sandbox');
    await sandbox.waitFor({ timeout: 180_000 });
    const probe = sandbox.locator('tr', { hasText: 'probe' });
    const first = probe.getByRole('button', { name: /^probe bit 1: / });
    const before = await first.getAttribute('aria-label');
    await first.click();
    expect(await first.getAttribute('aria-label')).not.toBe(before);
    await sandbox.getByRole('button', { name: 'Complete my probe' }).click();
    await expect.poll(() => inspector.textContent(), { timeout: 180_000 }).toMatch(/Your own episode/);
    await expect.poll(() => inspector.getByTestId('inspector-step').textContent(), { timeout: 60_000 }).toBe('step 11 of 11');
    expect(await inspector.getByTestId('task-view').textContent()).toMatch(/wrong bits in red: \d+ of 50/);
    // The edit reached the network: the first bit of the inputs' last row (the probe) is drawn with its new value.
    const edited = Number((await first.getAttribute('aria-label'))!.split(': ')[1]);
    const pixel = await inspector
      .getByTestId('task-view')
      .locator('canvas')
      .first()
      .evaluate((canvas: HTMLCanvasElement) => canvas.getContext('2d')!.getImageData(0, canvas.height - 1, 1, 1).data[0]);
    expect(pixel).toBe(Math.round(127.5 + 127.5 * edited));
    await screenshot(s.page, 'task-patterns-sandbox');
    expect(s.pageErrors).toEqual([]);
    await s.page.keyboard.press('Escape');
  });
});

describe('the maze sandbox', () => {
  it('plays an episode with the reward where the user put it', { timeout: 240_000 }, async () => {
    await s.page.locator('[data-testid="run-history"] tr[data-run="task-maze"]').getByRole('button', { name: 'Inspect…' }).click();
    const inspector = s.page.getByTestId('episode-inspector');
    const grid = inspector.getByTestId('maze-sandbox-grid');
    await grid.waitFor({ timeout: 180_000 });
    const side = await grid.evaluate((canvas: HTMLCanvasElement) => canvas.width);
    // The sandbox sits below the heatmaps: bring it into the viewport before clicking by coordinates.
    await grid.scrollIntoViewIfNeeded();
    const box = (await grid.boundingBox())!;
    // Row 1, column 3: a free cell (walls are the border and the even rows and columns' crossings).
    await s.page.mouse.click(box.x + ((3 + 0.5) / side) * box.width, box.y + ((1 + 0.5) / side) * box.height);
    await inspector.getByRole('button', { name: 'Play with the reward at row 1, column 3' }).click();
    await expect.poll(() => inspector.textContent(), { timeout: 180_000 }).toMatch(/Your own episode/);
    const rewardPixel = await inspector
      .getByTestId('task-maze')
      .evaluate((canvas: HTMLCanvasElement) => Array.from(canvas.getContext('2d')!.getImageData(3, 1, 1, 1).data.slice(0, 3)));
    expect(rewardPixel).toEqual([40, 170, 60]);
    await screenshot(s.page, 'task-maze-sandbox');
    expect(s.pageErrors).toEqual([]);
    await s.page.keyboard.press('Escape');
  });
});

describe('the dashboard\'s preview', () => {
  it('shows the shown run\'s task at the last step of a held-out episode', { timeout: 240_000 }, async () => {
    await s.page.locator('[data-testid="run-history"] tr[data-run="task-maze"] td.run-name').click();
    const preview = s.page.getByTestId('episode-preview');
    await expect.poll(() => preview.getByTestId('task-view').getAttribute('data-task'), { timeout: 180_000 }).toBe('maze');
    expect(await preview.textContent()).toMatch(/with the parameters after 2 episodes/);
    await screenshot(s.page, 'task-preview-maze');
  });
});

describe('the Omniglot sandbox', () => {
  it('classifies characters drawn with the mouse: five probabilities that sum to 1', { timeout: 240_000 }, async () => {
    await s.page.locator('[data-testid="run-history"] tr[data-run="task-omniglot"]').getByRole('button', { name: 'Inspect…' }).click();
    const inspector = s.page.getByTestId('episode-inspector');
    const sandbox = inspector.getByTestId('omniglot-sandbox');
    await sandbox.waitFor({ timeout: 180_000 });
    // The first character dropped as an image file (a dark cross on white, made in the page), the other five drawn.
    const dropped = await s.page.evaluateHandle(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 105;
      canvas.height = 105;
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#fff';
      context.fillRect(0, 0, 105, 105);
      context.fillStyle = '#000';
      context.fillRect(45, 10, 15, 85);
      context.fillRect(10, 45, 85, 15);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
      const transfer = new DataTransfer();
      transfer.items.add(new File([blob], 'cross.png', { type: 'image/png' }));
      return transfer;
    });
    await sandbox.getByTestId('sandbox-pad-0').dispatchEvent('drop', { dataTransfer: dropped });
    // The pad keeps ink in its alpha channel: the cross covers about a quarter of it.
    const inked = () =>
      sandbox.getByTestId('sandbox-pad-0').evaluate((canvas: HTMLCanvasElement) => {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let k = 3; k < data.length; k += 4) if (data[k] > 128) count++;
        return count / (canvas.width * canvas.height);
      });
    await expect.poll(inked).toBeGreaterThan(0.15);
    expect(await inked()).toBeLessThan(0.4);
    // Five different characters: a few strokes each, in different places.
    for (let k = 1; k < 6; k++) {
      await sandbox.getByTestId(`sandbox-pad-${k}`).scrollIntoViewIfNeeded();
      const box = (await sandbox.getByTestId(`sandbox-pad-${k}`).boundingBox())!;
      const at = (fx: number, fy: number) => ({ x: box.x + box.width * fx, y: box.y + box.height * fy });
      const strokes = [
        [at(0.2 + 0.1 * (k % 3), 0.2), at(0.8, 0.3 + 0.1 * k)],
        [at(0.5, 0.15), at(0.3 + 0.08 * k, 0.85)],
        [at(0.15, 0.7 - 0.05 * k), at(0.85 - 0.05 * k, 0.75)],
      ].slice(0, 1 + (k % 3));
      for (const [from, to] of strokes) {
        await s.page.mouse.move(from.x, from.y);
        await s.page.mouse.down();
        for (let i = 1; i <= 8; i++) await s.page.mouse.move(from.x + ((to.x - from.x) * i) / 8, from.y + ((to.y - from.y) * i) / 8);
        await s.page.mouse.up();
      }
    }
    await sandbox.getByRole('button', { name: 'Classify the query' }).click();
    await expect.poll(() => inspector.textContent(), { timeout: 180_000 }).toMatch(/Your own episode/);
    await expect.poll(() => inspector.getByTestId('inspector-step').textContent(), { timeout: 180_000 }).toBe('step 6 of 6');
    const view = inspector.getByTestId('task-view');
    expect(await view.locator('figcaption').allTextContents()).toEqual(['class 1', 'class 2', 'class 3', 'class 4', 'class 5', 'query']);
    const cells = await inspector.getByTestId('task-probabilities').locator('tr td:last-child').allTextContents();
    expect(cells).toHaveLength(5);
    expect(cells.map(Number).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    // The drawings reached the network: the query shown is the one drawn (ink on paper).
    expect(await distinctColours(view.locator('canvas').last())).toBeGreaterThan(2);
    await screenshot(s.page, 'task-omniglot-sandbox');
    expect(s.pageErrors).toEqual([]);
  });
});
