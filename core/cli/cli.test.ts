// The CLI as a user meets it: real processes, real files, exit codes and one line per problem.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { cliIn, plasticityCli } from './testing/run-cli.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunInfo } from '../train/run-folder.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const template = path.join(repoRoot, 'templates/binary-patterns.plastic.json');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-cli-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const plasticity = cliIn(work);

function graphFile(name: string, edit: (doc: any) => void): string {
  const doc = JSON.parse(fs.readFileSync(template, 'utf8'));
  edit(doc);
  const file = path.join(work, name);
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}

describe('plasticity validate', () => {
  it('accepts the template', async () => {
    const result = await plasticity('validate', template);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/valid \(5 nodes, 6 connections\)/);
  });

  it('reports bad JSON with its line and column, without a stack trace', async () => {
    const file = path.join(work, 'broken.plastic.json');
    fs.writeFileSync(file, '{\n  "format": "plasticity-graph",\n  "version": 1,\n  "nodes": [ ,\n}');
    const result = await plasticity('validate', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not valid JSON at line 4/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports every problem of a broken graph, one line each, naming the node', async () => {
    const file = graphFile('many-problems.plastic.json', (doc) => {
      doc.nodes.find((n: any) => n.id === 'memory').kind = 'PlasticRecurent';
      doc.nodes.find((n: any) => n.id === 'readout').params.size = 2000;
      doc.nodes.find((n: any) => n.id === 'patterns').params.zeroFraction = 3;
    });
    const result = await plasticity('validate', file);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    const errorLines = lines.filter((l) => l.includes(': error: '));
    expect(errorLines.length).toBeGreaterThanOrEqual(2);
    expect(result.stdout).toMatch(/memory.*PlasticRecurent.*PlasticRecurrent/);
    expect(result.stdout).toMatch(/\[node patterns, param zeroFraction\]/);
    expect(result.stdout).not.toMatch(/\n\s+at /);
  });

  it('reports a shape mismatch naming the node and port', async () => {
    const file = graphFile('shape.plastic.json', (doc) => {
      doc.nodes.find((n: any) => n.id === 'memory').params.size = 500;
    });
    const result = await plasticity('validate', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\[node memory, port drive\]/);
  });

  it('reports a cycle that passes through no stateful node', async () => {
    const file = graphFile('cycle.plastic.json', (doc) => {
      doc.nodes.push({ id: 'loopA', kind: 'Dense', position: { x: 0, y: 0 }, params: { units: 4 } });
      doc.nodes.push({ id: 'loopB', kind: 'Dense', position: { x: 0, y: 0 }, params: { units: 4 } });
      doc.edges.push({ id: 'c1', from: { node: 'loopA', port: 'output' }, to: { node: 'loopB', port: 'input' } });
      doc.edges.push({ id: 'c2', from: { node: 'loopB', port: 'output' }, to: { node: 'loopA', port: 'input' } });
    });
    const result = await plasticity('validate', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/cycle/i);
    expect(result.stdout).toMatch(/loopA/);
  });

  it('refuses a file from a newer version', async () => {
    const file = graphFile('newer.plastic.json', (doc) => {
      doc.version = 7;
    });
    const result = await plasticity('validate', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/newer Plasticity Studio \(version 7\)/);
  });

  it('refuses a device or an oversized graph file without reading it', async () => {
    const device = await plasticity('validate', '/dev/urandom');
    expect(device.code).toBe(1);
    expect(device.stderr).toMatch(/\/dev\/urandom: a device, not a graph file/);
    const huge = path.join(work, 'huge.plastic.json');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, 40 * 1024 * 1024); // sparse: 40 MiB that take no disk space
    const oversized = await plasticity('validate', huge);
    expect(oversized.stderr).toMatch(/huge\.plastic\.json: 40 MiB is more than a graph can be \(at most 32 MiB\)/);
  });

  it('says so when the file does not exist', async () => {
    const result = await plasticity('validate', path.join(work, 'missing.plastic.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/missing\.plastic\.json: cannot read: no such file/);
  });
});

describe('plasticity info', () => {
  it("shows the paper's parameter count for the 1,000-bit template", async () => {
    const result = await plasticity('info', template);
    expect(result.code).toBe(0);
    // 2·1001² weights and alphas (the paper's 2,004,002) plus the learned eta.
    expect(result.stdout).toMatch(/total trainable parameters: 2,004,003 \(of which plastic alpha\/eta: 1,002,002\)/);
    expect(result.stdout).toMatch(/memory\s+PlasticRecurrent\s+output \[1001\]\s+2,004,003/);
  });
});

describe('plasticity train', () => {
  const small = path.join(repoRoot, 'templates/binary-patterns-50bit-plastic.plastic.json');

  it('prints one JSON object per episode with the loss and the metrics by name, and one per held-out evaluation', async () => {
    const out = path.join(work, 'json-run');
    const result = await plasticity('train', small, '--episodes', '3', '--seed', '5', '--backend', 'cpu', '--json', '--out', out);
    expect(result.code).toBe(0);
    const all = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const lines = all.filter((l) => !('evaluation' in l));
    expect(lines.map((l) => l.episode)).toEqual([1, 2, 3]);
    for (const line of lines) {
      expect(line.loss).toBeGreaterThan(0);
      expect(line.signError).toBeGreaterThanOrEqual(0);
    }
    // The template evaluates every 1,000 episodes and at the end: here once, after episode 3, on 500 fresh episodes.
    const evaluations = all.filter((l) => 'evaluation' in l).map((l) => l.evaluation);
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]).toMatchObject({ episode: 3, split: 'test', episodes: 500, metrics: { signError: { method: 't', count: 500 } } });
    expect(fs.readdirSync(out).sort()).toEqual(['checkpoint', 'evaluation.jsonl', 'graph.plastic.json', 'metrics.jsonl', 'run.json']);
  });

  it('survives kill -9 at any episode, before the first checkpoint too: each resume continues and the curve is the uninterrupted one', async () => {
    const out = path.join(work, 'killed');
    /** Trains (or resumes) and sends SIGKILL once `episode` is reported; resolves when the process is gone. */
    const killAt = async (args: string[], episode: number) => {
      const child = spawn(process.execPath, [plasticityCli, 'train', ...args, '--backend', 'cpu', '--json'], { cwd: work });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes(`"episode":${episode},`)) child.kill('SIGKILL');
      });
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
      expect(signal, stderr).toBe('SIGKILL');
    };
    // 400 episodes leave room after each kill point, so a fast machine cannot finish before the signal lands.
    await killAt([small, '--episodes', '400', '--seed', '4', '--out', out], 7); // before the first checkpoint (episode 100)
    expect(readRunInfo(out).status).toBe('failed');
    await killAt(['--resume', out], 150);
    await killAt(['--resume', out], 230);
    const finished = await plasticity('train', '--resume', out, '--backend', 'cpu', '--json');
    expect(finished.code, finished.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'))).toMatchObject({ status: 'finished', episodesDone: 400 });
    expect(fs.readdirSync(out).sort()).toEqual(['checkpoint', 'evaluation.jsonl', 'graph.plastic.json', 'metrics.jsonl', 'run.json']);

    const whole = path.join(work, 'unkilled');
    expect((await plasticity('train', small, '--episodes', '400', '--seed', '4', '--out', whole, '--backend', 'cpu')).code).toBe(0);
    const losses = (dir: string) => fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).loss);
    expect(losses(out)).toEqual(losses(whole));
  }, 120_000);

  it('a run that cannot be resumed is a user error (exit 1) naming the file, not an internal one (exit 2)', async () => {
    const out = path.join(work, 'unresumable');
    expect((await plasticity('train', small, '--episodes', '2', '--backend', 'cpu', '--out', out)).code).toBe(0);
    fs.writeFileSync(path.join(out, 'checkpoint', 'model.json'), '{ "format": "plasticity-checkpoint", ');
    const broken = await plasticity('train', '--resume', out, '--episodes', '4');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/checkpoint\/model\.json is not valid JSON/);
    fs.writeFileSync(path.join(out, 'run.json'), '{');
    const damaged = await plasticity('train', '--resume', out);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/run\.json is damaged/);
  });

  it('stops on Ctrl-C after the current episode, keeps the checkpoint, and --resume finishes the run', async () => {
    const out = path.join(work, 'interrupted');
    const child = spawn(process.execPath, [plasticityCli, 'train', small, '--episodes', '100000', '--backend', 'cpu', '--json', '--out', out], { cwd: work });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const reachedEpisode20 = new Promise<boolean>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('"episode":20,')) resolve(true);
      }),
    );
    // Fail with the child's own words if it ends before training is under way.
    expect(await Promise.race([reachedEpisode20, exited.then(() => false)]), stderr).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const info = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(info.status).toBe('stopped');
    expect(info.episodesDone).toBeGreaterThanOrEqual(20);
    expect(info.episodesDone).toBeLessThan(100000);
    const checkpoint = JSON.parse(fs.readFileSync(path.join(out, 'checkpoint/model.json'), 'utf8'));
    expect(checkpoint.episode).toBe(info.episodesDone);

    const resumed = await plasticity('train', '--resume', out, '--episodes', String(info.episodesDone + 5), '--json');
    expect(resumed.code).toBe(0);
    const episodes = resumed.stdout.trim().split('\n').map((l) => JSON.parse(l).episode);
    expect(episodes[0]).toBe(info.episodesDone + 1);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'))).toMatchObject({ status: 'finished', episodesDone: info.episodesDone + 5 });
  });
});

describe('plasticity data', () => {
  it('lists each dataset as present or missing where the loaders look, with the command that gets it', async () => {
    const empty = path.join(work, 'no-datasets');
    const listed = await plasticity('data', 'list', '--dir', empty);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/omniglot\s+missing .*\n.*plasticity data download omniglot/);
    const present = await plasticity('data', 'list');
    expect(present.stdout).toMatch(/omniglot\s+present/);
    expect(present.stdout).toMatch(/cifar10\s+present/);
  });

  it('verifies the official archives in a folder against their checksums, naming a corrupt one', async () => {
    const folder = path.join(work, 'verify');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'images_background.zip'), 'not the archive');
    const result = await plasticity('data', 'verify', 'omniglot', '--dir', folder);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/omniglot\s+images_background\.zip\s+CORRUPT: MD5 is [0-9a-f]{32}, expected 68d2efa1b9178cc56df9314c21c6e718/);
    expect(result.stdout).toMatch(/omniglot\s+images_evaluation\.zip\s+not downloaded/);
    expect(result.stderr).toMatch(/images_background\.zip in .* does not match the published checksum; download again/);
    // The team's copy is packed, not the official zips: nothing to check, and the loaders read it.
    const shared = await plasticity('data', 'verify');
    expect(shared.code).toBe(0);
    expect(shared.stdout).toMatch(/omniglot\s+readable by the loaders/);
  });

  it('refuses a corrupted archive from a mirror with a clear error, leaving nothing half-installed', async () => {
    const server = http.createServer((request, response) => response.end(`not the archive you wanted: ${request.url}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const folder = path.join(work, 'mirror-download');
    try {
      const result = await plasticity('data', 'download', 'omniglot', '--dir', folder, '--mirror', `http://127.0.0.1:${port}/omniglot/`);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/plasticity data download omniglot: download: images_background\.zip from http:\/\/127\.0\.0\.1:\d+\/omniglot\/images_background\.zip is corrupt or changed/);
      expect(fs.readdirSync(folder)).toEqual([]);
    } finally {
      server.close();
    }
  });
});

