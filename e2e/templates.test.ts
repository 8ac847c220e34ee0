// Every template, freshly opened from the gallery at a small and a large window: all its nodes on screen, none
// overlapping another, and legible (opened at a zoom of at least 0.7, so 12 px node text shows at 8 px or more).
// Screenshots of each go to test-results/ (template-<id>-<width>.png).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, screenshotIfFailed, startSession, type E2eSession } from './harness.ts';
import fs from 'node:fs';
import path from 'node:path';

const templates = fs
  .readdirSync(path.resolve(import.meta.dirname, '../templates'))
  .filter((f) => f.endsWith('.plastic.json'))
  .map((f) => f.replace(/\.plastic\.json$/, ''));

for (const width of [1280, 1920]) {
  describe(`templates at ${width} px`, () => {
    let s: E2eSession;
    beforeAll(async () => {
      s = await startSession({ viewport: { width, height: width === 1280 ? 800 : 1080 } });
      await s.page.getByRole('dialog').waitFor();
    }, 240_000);
    afterEach(async ({ task }) => screenshotIfFailed(s?.page, task));
    afterAll(async () => s?.close());

    it.each(templates)('%s opens with every node on screen and none overlapping', async (id) => {
      if ((await s.page.getByTestId('template-gallery').count()) === 0) {
        await s.page.locator('.menu-title', { hasText: 'File' }).click();
        await s.page.locator('[data-command="newFromTemplate"]').click();
      }
      const card = s.page.locator(`[data-template="${id}"]`);
      await card.waitFor({ timeout: 20_000 });
      await card.click();
      await s.page.locator('[data-template]').first().waitFor({ state: 'detached' });
      // The canvas is measured with its nodes each time: panels settling after the gallery closes can resize it.
      const layout = async () => ({
        canvas: (await s.page.locator('.react-flow').boundingBox())!,
        boxes: await Promise.all((await s.page.locator('.react-flow__node').all()).map((n) => n.boundingBox())),
      });
      type Box = NonNullable<Awaited<ReturnType<typeof layout>>['boxes'][number]>;
      const onScreen = (canvas: Box, box: Box | null) =>
        box !== null && box.x >= canvas.x && box.y >= canvas.y && box.x + box.width <= canvas.x + canvas.width + 1 && box.y + box.height <= canvas.y + canvas.height + 1;
      // The fit-view animation takes a moment, several seconds on a machine loaded by the rest of the suite: wait until it has settled.
      const allOnScreen = async () => {
        const { canvas, boxes } = await layout();
        return boxes.every((box) => onScreen(canvas, box));
      };
      await expect.poll(allOnScreen, { timeout: 30_000 }).toBe(true);
      const { canvas, boxes } = await layout();
      expect(boxes.length).toBeGreaterThan(2);
      for (const box of boxes) expect(onScreen(canvas, box), `${id}: a node is off screen`).toBe(true);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i]!, boxes[j]!];
          const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
          expect(overlap, `${id}: nodes ${i} and ${j} overlap`).toBe(false);
        }
      }
      const zoom = await s.page.locator('.react-flow__viewport').evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);
      expect(zoom, `${id}: opens at zoom ${zoom.toFixed(2)}`).toBeGreaterThanOrEqual(0.7);
      await screenshot(s.page, `template-${id}-${width}`);
    });
  });
}
