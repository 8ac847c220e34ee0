// The README's first command on a machine that reaches the npm registry but not Electron's download host:
// a clone of this repository in a temporary folder, `npm ci` with no ELECTRON_SKIP_BINARY_DOWNLOAD (packages
// from npm's cache, the way a machine installs them a second time; Electron's host made unreachable through a
// dead proxy), then `npm start` there, which must fall back to the browser mode and serve the app.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '..');
const clone = mkdtempSync(path.join(os.tmpdir(), 'plasticity-fresh-install-'));
afterAll(() => rmSync(clone, { recursive: true, force: true }));

/** The environment of a user's shell: none of the variables CI or the test runner set for Electron or the data. */
function userEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(ELECTRON_|PLASTICITY_|npm_|VITEST)/i.test(key)) delete env[key];
  // Where Electron's downloader would go, nothing answers.
  return { ...env, ELECTRON_GET_USE_PROXY: '1', GLOBAL_AGENT_HTTPS_PROXY: 'http://127.0.0.1:9', ELECTRON_MIRROR: 'https://127.0.0.1:9/' };
}

describe('a fresh clone', () => {
  it('installs with npm ci although Electron’s binary cannot be downloaded', () => {
    execFileSync('git', ['clone', '--quiet', '--depth', '1', `file://${repoRoot}`, clone], { stdio: 'pipe' });
    const output = execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: clone, env: userEnvironment(), encoding: 'utf8', stdio: 'pipe' });
    expect(output).toMatch(/added \d+ packages/);
  }, 600_000);

  it('starts with npm start, falling back to the browser mode with one line saying why', async () => {
    const child = spawn('npm', ['start', '--', '--port', '0', '--data-dir', path.join(clone, '.app-data')], { cwd: clone, env: userEnvironment() });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    try {
      await expect.poll(() => output, { timeout: 240_000, interval: 250 }).toMatch(/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/);
      expect(output).toMatch(/Electron.*\n?.*browser mode/);
      const page = await fetch(output.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/)![0]);
      expect(page.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      // npm runs the app as a grandchild: end whatever still runs from the clone.
      try {
        execFileSync('pkill', ['-f', `${clone}/`], { stdio: 'ignore' });
      } catch {
        // nothing left running
      }
    }
  }, 300_000);
});
