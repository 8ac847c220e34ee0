// What a newcomer sees first, at a laptop's and a desktop's width: the template gallery, the Help menu, the time
// a training step takes (measured on this machine), and a graph too large to train refused before it starts,
// with the memory it would need (a problem on the node and the cost in the graph panel).
// Screenshots: first-hour-{gallery,help-menu,too-large}-<width>.png, first-hour-speed.png.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clickEmptyCanvas, screenshot, screenshotIfFailed, startSession, type E2eSession } from './harness.ts';

const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 30_000 });

for (const width of [1280, 1920]) {
  describe(`the first hour at ${width} px`, () => {
    let s: E2eSession;
    beforeAll(async () => {
      s = await startSession({ viewport: { width, height: width === 1280 ? 800 : 1080 } });
    }, 240_000);
    afterEach(async ({ task }) => screenshotIfFailed(s?.page, task));
    afterAll(async () => s?.close());

    it('opens on the template gallery, every card within the window', async () => {
      const gallery = s.page.getByTestId('template-gallery');
      await gallery.waitFor({ timeout: 30_000 });
      const box = (await s.page.getByRole('dialog').boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      expect(await s.page.locator('[data-template]').count()).toBeGreaterThan(10);
      await screenshot(s.page, `first-hour-gallery-${width}`);
    });

    it('has a Help menu with the guide, the README, the shortcuts and a way to report a problem', async () => {
      await s.page.locator('[data-template="binary-patterns-50bit-plastic"]').click();
      await s.page.locator('.menu-title', { hasText: 'Help' }).click();
      const commands = await s.page.locator('.menu-items [data-command]').evaluateAll((items) => items.map((i) => i.getAttribute('data-command')));
      expect(commands).toEqual(['guide', 'readme', 'shortcuts', 'reportProblem', 'about']);
      await screenshot(s.page, `first-hour-help-menu-${width}`);
      await s.page.keyboard.press('Escape');
      await poll(() => s.page.locator('.menu-items').count()).toBe(0);
    });

    it('measures how long a training step takes on this machine, and the whole run', async () => {
      await clickEmptyCanvas(s.page);
      await s.page.getByRole('button', { name: 'measure on this machine' }).click();
      await expect.poll(() => s.page.getByTestId('speed-estimate').textContent(), { timeout: 90_000 }).toMatch(/^\d+(\.\d+)? (ms|s); 20,000 steps ≈ (\d+h \d+m|\d+m \d+s|\d+s)$/);
      if (width === 1280) await screenshot(s.page, 'first-hour-speed');
    });

    it('refuses a graph too large to train, naming the node and the memory it would need', async () => {
      // The 1,000-bit template (1,001 plastic neurons) with 100 episodes per optimizer step.
      await s.page.locator('.menu-title', { hasText: 'File' }).click();
      await s.page.locator('[data-command="newFromTemplate"]').click();
      await s.page.locator('[data-template="binary-patterns"]').click();
      await poll(() => s.page.getByTestId('doc-title').textContent()).toMatch(/1,?000/);
      await clickEmptyCanvas(s.page);
      const batch = s.page.getByLabel('Batch size');
      await batch.fill('100');
      await batch.press('Enter');
      await poll(() => s.page.getByTestId('problems').textContent()).toMatch(/training this graph for batches of 100 episodes would need about \d+(\.\d+)? GB of memory, more than the 3\.5 GB it can use/);
      await poll(async () => Number(await s.page.getByTestId('training-cost').locator('dd[data-bytes]').getAttribute('data-bytes'))).toBeGreaterThan(3.5 * 1024 ** 3);
      await screenshot(s.page, `first-hour-too-large-${width}`);
      // The node's own share, in its inspector.
      await s.page.locator('.react-flow__node[data-id="memory"] .node-header').click();
      await poll(() => s.page.getByTestId('node-cost').textContent()).toMatch(/^2,004,003 trainable parameters, 1,002,001 plastic \(Hebbian trace values\); about 4\.\d GB for training$/);
      await s.page.getByTestId('tab-training').click();
      expect(await s.page.getByRole('button', { name: /Train “/ }).isDisabled()).toBe(true);
    });

    it('raised no errors in the page', () => {
      expect(s.pageErrors).toEqual([]);
    });
  });
}
