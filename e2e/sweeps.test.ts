// File → Sweeps…: a sweep made from the open graph and a template (the paper's 50-bit comparison, plastic vs
// non-plastic RNN) over three seeds runs with a progress bar per run and ends with the final values, their
// rank-sum test and the curves with inter-quartile bands. Screenshot: sweeps-1280.png.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, screenshotIfFailed, startSession, type E2eSession } from './harness.ts';

let s: E2eSession;
beforeAll(async () => {
  s = await startSession({ viewport: { width: 1280, height: 800 } });
}, 240_000);
afterEach(async ({ task }) => screenshotIfFailed(s?.page, task));
afterAll(async () => s?.close());

describe('sweeps', () => {
  it('runs the open graph against a template over seeds and shows medians, bands and p-values', { timeout: 300_000 }, async () => {
    await s.page.locator('[data-template="binary-patterns-50bit-plastic"]').click();
    await s.page.locator('.menu-title', { hasText: 'File' }).click();
    await s.page.locator('[data-command="sweeps"]').click();
    const form = s.page.getByTestId('sweep-form');
    await form.getByLabel('Template Binary patterns, 50 bits: non-plastic RNN (2,051 neurons)').check();
    await form.getByLabel('Seeds').fill('1-3');
    await form.getByLabel('Episodes per run').fill('12');
    await expect.poll(() => form.textContent()).toMatch(/2 variants × 3 seeds = 6 runs/);
    // A grid of settings multiplies the runs; a line that cannot be read says which and blocks the start.
    const grid = form.getByLabel('Settings to vary');
    await grid.fill('training.optimizer.learningRate = 0.001, 0.0003');
    await expect.poll(() => form.textContent()).toMatch(/2 variants × 2 settings × 3 seeds = 12 runs/);
    await grid.fill('learningRate 0.001');
    await expect.poll(() => form.textContent()).toMatch(/line 1: write "training\.<field> = value, value"/);
    expect(await form.getByRole('button', { name: 'Start sweep' }).isDisabled()).toBe(true);
    await grid.fill('');
    // A graph file that is not there is named in the error, and nothing is started.
    await form.getByLabel('Graph file to add').fill(`${s.dirs.documents}/missing.plastic.json`);
    await form.getByRole('button', { name: 'Add graph file' }).click();
    await form.getByRole('button', { name: 'Start sweep' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toMatch(/missing\.plastic\.json/);
    await form.locator('label', { hasText: 'missing.plastic.json' }).locator('input').click(); // unticking removes it
    await expect.poll(() => form.textContent()).toMatch(/2 variants × 3 seeds = 6 runs/);
    await form.getByRole('button', { name: 'Start sweep' }).click();

    const view = s.page.getByTestId('sweep-view');
    await expect.poll(() => view.locator('[data-job]').count(), { timeout: 30_000 }).toBe(6);
    await expect.poll(() => view.textContent(), { timeout: 240_000 }).toMatch(/6 of 6 runs finished/);
    const final = view.getByTestId('sweep-final');
    await expect.poll(() => final.textContent(), { timeout: 60_000 }).toMatch(/training signError, last 10%/);
    // Three runs against three, and a two-sided p-value in (0, 1].
    const row = (await final.locator('tr', { hasText: 'training signError, last 10%' }).textContent()) ?? '';
    expect(row).toMatch(/\(3\).*\(3\)/);
    const p = Number(/([\d.e-]+)$/.exec(row)?.[1]);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThanOrEqual(1);
    expect(await view.locator('[data-chart="training-signError.svg"] svg').count()).toBe(1);
    expect(await view.locator('[data-chart="p-values.svg"] svg').count()).toBe(1);
    // The inter-quartile bands are drawn: Vega's area marks.
    expect(await view.locator('[data-chart="training-signError.svg"] path').count()).toBeGreaterThan(2);
    await final.scrollIntoViewIfNeeded();
    await screenshot(s.page, 'sweeps-1280');
    expect(s.pageErrors).toEqual([]);
  });
});
