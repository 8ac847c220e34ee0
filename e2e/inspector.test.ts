// The episode inspector on a short-trained run of the 50-bit template (trained before the page looks): opened
// from the run history, it records a held-out episode in a process of its own and shows the Hebbian trace, the
// effective weights and the activity as heatmaps; scrubbing changes the trace. Screenshots: inspector-step-{1,6,11}.png,
// inspector-1001.png; the 1,001-neuron scrub times: inspector-scrub-1001.json.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../core/compile/backend.ts';
import { parseGraphDocument } from '../core/graph/document.ts';
import { trainGraph } from '../core/train/trainer.ts';
import { repoRoot } from '../app/main/app-paths.ts';
import { distinctColours as distinctColoursOf, screenshot, screenshotIfFailed, screenshotsDir, startSession, type E2eSession } from './harness.ts';

let s: E2eSession;
const RUN = 'patterns-inspect';
const LARGE_RUN = 'patterns-1000-inspect';

beforeAll(async () => {
  s = await startSession({ viewport: { width: 1280, height: 800 } });
  const parsed = parseGraphDocument(await fs.readFile(path.join(repoRoot, 'templates/binary-patterns-50bit-plastic.plastic.json'), 'utf8'));
  if (!parsed.ok) throw new Error('the 50-bit template does not parse');
  await selectBackend('cpu');
  const result = await trainGraph(parsed.document, { outDir: path.join(s.dirs.runs, RUN), episodes: 60, seed: 3, backend: 'cpu' });
  expect(result.status).toBe('finished');
  const large = parseGraphDocument(await fs.readFile(path.join(repoRoot, 'templates/binary-patterns.plastic.json'), 'utf8'));
  if (!large.ok) throw new Error('the 1,000-bit template does not parse');
  expect((await trainGraph(large.document, { outDir: path.join(s.dirs.runs, LARGE_RUN), episodes: 2, seed: 3, backend: 'cpu' })).status).toBe('finished');
}, 240_000);
afterEach(async ({ task }) => screenshotIfFailed(s?.page, task));
afterAll(async () => s?.close());

const distinctColours = (testId: string) => distinctColoursOf(s.page.getByTestId(testId));
const traceImage = () => s.page.getByTestId('inspector-trace').evaluate((canvas: HTMLCanvasElement) => canvas.toDataURL());

describe('episode inspector', () => {
  it('plays a held-out episode of a trained run: trace, effective weights and activity per step', { timeout: 120_000 }, async () => {
    await s.page.getByRole('dialog').waitFor();
    await s.page.keyboard.press('Escape'); // the start screen's gallery
    await s.page.getByTestId('tab-training').click();
    await s.page.getByRole('button', { name: 'refresh' }).click();
    await s.page.locator(`[data-testid="run-history"] tr[data-run="${RUN}"]`).getByRole('button', { name: 'Inspect…' }).click();
    const inspector = s.page.getByTestId('episode-inspector');
    await expect.poll(() => inspector.getByTestId('inspector-step').textContent(), { timeout: 60_000 }).toBe('step 1 of 11');
    expect(await inspector.textContent()).toMatch(/Layer “memory”: 51×51 connections, η = [\d.]+; parameters after 60 training episodes/);

    const seen: string[] = [];
    for (const step of [1, 6, 11]) {
      await inspector.getByLabel('Step', { exact: true }).fill(String(step - 1));
      await expect.poll(() => inspector.getByTestId('inspector-step').textContent()).toBe(`step ${step} of 11`);
      seen.push(await traceImage());
      await screenshot(s.page, `inspector-step-${step}`);
    }
    // Step 1's trace is all zero (nothing has happened yet): one colour; later steps show a trace; each differs.
    expect(new Set(seen).size).toBe(3);
    expect(await distinctColours('inspector-trace')).toBeGreaterThan(10);
    expect(await distinctColours('inspector-effective')).toBeGreaterThan(10);
    expect(await distinctColours('inspector-activity')).toBeGreaterThan(10);
    expect(await distinctColours('inspector-w')).toBeGreaterThan(10);
    expect(await distinctColours('inspector-alpha')).toBeGreaterThan(10);

    // Hovering names the connection and its value.
    const box = (await inspector.getByTestId('inspector-trace').boundingBox())!;
    await s.page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.25);
    await expect.poll(() => inspector.locator('.inspector-hover').first().textContent()).toMatch(/^pre 12 → post 25: -?[\d.e-]+$/);
    expect(s.pageErrors).toEqual([]);
    await s.page.keyboard.press('Escape');
  });

  it('scrubs the 1,001-neuron template (its time from scrub to redrawn heatmaps is written to test-results/inspector-scrub-1001.json)', { timeout: 180_000 }, async () => {
    await s.page.getByRole('button', { name: 'refresh' }).click();
    await s.page.locator(`[data-testid="run-history"] tr[data-run="${LARGE_RUN}"]`).getByRole('button', { name: 'Inspect…' }).click();
    const inspector = s.page.getByTestId('episode-inspector');
    await expect.poll(() => inspector.getByTestId('inspector-step').textContent(), { timeout: 120_000 }).toBe('step 1 of 106');
    expect(await inspector.textContent()).toMatch(/1001×1001 connections/);
    // From the scrubber's input event to the end of the redraw (React renders a discrete input synchronously;
    // the next frame's callback runs once the canvases are painted).
    const times: number[] = [];
    for (const position of [3, 8, 15, 1, 12]) {
      times.push(
        await inspector.getByLabel('Step', { exact: true }).evaluate(
          (input: HTMLInputElement, value) =>
            new Promise<number>((resolve) => {
              const started = performance.now();
              Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, String(value));
              input.dispatchEvent(new Event('input', { bubbles: true }));
              requestAnimationFrame(() => resolve(performance.now() - started));
            }),
          position,
        ),
      );
    }
    await screenshot(s.page, 'inspector-1001');
    // Scrolling zooms into a block of connections; hovering then names cells inside it.
    const trace = inspector.getByTestId('inspector-trace');
    const box = (await trace.boundingBox())!;
    await s.page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    for (let k = 0; k < 3; k++) await s.page.mouse.wheel(0, -100);
    await expect.poll(() => inspector.getByTestId('inspector-trace-window').textContent()).toMatch(/rows \d+–\d+, columns \d+–\d+/);
    expect(await trace.evaluate((canvas: HTMLCanvasElement) => [canvas.width, canvas.height])).toEqual([126, 126]); // 1,001 halved three times, rounded
    await s.page.mouse.move(box.x + box.width * 0.5 + 3, box.y + box.height * 0.5 + 3);
    await expect.poll(() => inspector.locator('.inspector-hover').first().textContent()).toMatch(/^pre (4[4-9]\d|5[0-5]\d) → post (4[4-9]\d|5[0-5]\d): /);
    await screenshot(s.page, 'inspector-1001-zoomed');
    // Reported, not asserted: tests never time anything (a loaded CI machine would make a bound flaky).
    const median = [...times].sort((a, b) => a - b)[2];
    await fs.writeFile(path.join(screenshotsDir, 'inspector-scrub-1001.json'), JSON.stringify({ millisecondsPerScrub: times, median }, null, 2));
    expect(times).toHaveLength(5);
    expect(await inspector.getByTestId('inspector-step').textContent()).toBe('step 85 of 106'); // 16 traces of 4 MB fit in 64 MB: every 7th step, the 13th is step 85
  });
});
