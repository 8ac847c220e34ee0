// `npm start` where Electron's binary is missing: it says so, starts the browser mode, and prints a working URL.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('npm start without Electron', () => {
  it('falls back to the browser mode and prints the URL with its token', async () => {
    const child = spawn(process.execPath, [path.join(root, 'bin/start.js'), '--port', '0', '--data-dir', path.join(root, 'node_modules/.cache/start-test')], {
      cwd: root,
      env: { ...process.env, PLASTICITY_ELECTRON: path.join(root, 'no-such-electron') },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    try {
      await expect.poll(() => output, { timeout: 120_000, interval: 200 }).toMatch(/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/);
      expect(output).toMatch(/Electron's binary is not installed/);
      expect(output).toMatch(/browser mode/);
      const url = output.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/)![0];
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 150_000);
});
