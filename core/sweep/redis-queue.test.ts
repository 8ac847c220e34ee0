// Sweeps through a real Redis server (Debian's redis-server, started here on a free port) and real
// `plasticity worker` processes: the same numbers as the local pool, a worker killed mid-job, and clear errors.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { cliIn, plasticityCli } from '../cli/testing/run-cli.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetrics, readRunInfo } from '../train/run-folder.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-queue-'));
const REDIS_SERVER = process.env.PLASTICITY_REDIS_SERVER ?? '/usr/bin/redis-server';
let redisServer: ChildProcess;
let queueUrl: string;
const workers: ChildProcess[] = [];
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  if (!fs.existsSync(REDIS_SERVER)) throw new Error(`These tests need Redis at ${REDIS_SERVER}, which is missing. Install it with: apt-get install -y redis-server`);
  const port = await freePort();
  redisServer = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  queueUrl = `redis://127.0.0.1:${port}`;
  const probe = new Redis(queueUrl, { lazyConnect: true, retryStrategy: () => 100 });
  probe.on('error', () => {});
  for (let waited = 0; (await probe.ping().catch(() => 'down')) !== 'PONG'; waited += 100) {
    if (waited > 20_000) throw new Error(`redis-server did not answer on ${queueUrl}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  probe.disconnect();
}, 30_000);

afterAll(() => {
  for (const child of [...workers, ...children]) child.kill('SIGKILL');
  redisServer?.kill('SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
});

const plasticity = cliIn(work);

function startWorker(): { process: ChildProcess; log: () => string } {
  const child = spawn(process.execPath, [plasticityCli, 'worker', '--queue', queueUrl, '--stalled-seconds', '3'], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk) => (log += chunk));
  workers.push(child);
  return { process: child, log: () => log };
}

function sweepFile(name: string, budget: number): string {
  const file = path.join(work, `${name}.sweep.json`);
  const graph = path.join(repoRoot, 'templates/binary-patterns-50bit-plastic.plastic.json');
  fs.writeFileSync(file, JSON.stringify({ format: 'plasticity-sweep', version: 1, name, variants: [{ graph, name: 'plastic' }], seeds: [1, 2], budget: { episodes: budget } }));
  return file;
}

const stopWorkers = async () => {
  for (const worker of workers.splice(0)) {
    worker.kill('SIGKILL');
    await new Promise((resolve) => (worker.exitCode !== null || worker.signalCode !== null ? resolve(null) : worker.on('exit', resolve)));
  }
};

describe('sweeps through a Redis queue', () => {
  it('two workers give the same runs as the local pool (same seeds, same curves)', { timeout: 240_000 }, async () => {
    const file = sweepFile('same', 40);
    expect((await plasticity('sweep', 'run', file, '--out', 'local')).code).toBe(0);
    startWorker();
    startWorker();
    const queued = await plasticity('sweep', 'run', file, '--out', 'queued', '--queue', queueUrl);
    expect(queued.stderr).toMatch(/2 jobs, 2 to train, in queued, through the queue at redis:\/\/127\.0\.0\.1:\d+/);
    expect(queued.code).toBe(0);
    for (const job of ['plastic-seed1', 'plastic-seed2']) {
      const local = readMetrics(path.join(work, 'local', 'runs', job));
      const remote = readMetrics(path.join(work, 'queued', 'runs', job));
      expect(remote).toHaveLength(40);
      expect(remote.map((r) => r.loss)).toEqual(local.map((r) => expect.closeTo(r.loss!, 6)));
      expect(readRunInfo(path.join(work, 'queued', 'runs', job)).status).toBe('finished');
    }
    const report = JSON.parse(fs.readFileSync(path.join(work, 'queued', 'report', 'report.json'), 'utf8'));
    expect(report.final.find((f: { measure: string }) => f.measure === 'training signError, last 10%').groups.plastic.values).toHaveLength(2);
    await stopWorkers();
  });

  it('a worker killed (kill -9) in the middle of a job: the other worker finishes it from the last checkpoint, every seed once', { timeout: 300_000 }, async () => {
    const file = sweepFile('crash', 1500);
    const a = startWorker();
    const b = startWorker();
    const sweep = spawn(process.execPath, [plasticityCli, 'sweep', 'run', file, '--out', 'crash-out', '--queue', queueUrl], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(sweep); // killed after the tests, should one fail while it waits
    let sweepLog = '';
    sweep.stderr!.on('data', (chunk) => (sweepLog += chunk));
    const ended = new Promise<number | null>((resolve) => sweep.on('close', resolve));
    // Once a checkpoint of seed 1 is in Redis, kill the worker training it.
    const redis = new Redis(queueUrl);
    let victim: ReturnType<typeof startWorker> | undefined;
    for (let waited = 0; waited < 120_000 && !victim; waited += 100) {
      const sent = (await redis.keys('plasticity:run-snapshot:*-plastic-seed1')).length > 0;
      if (sent) victim = [a, b].find((w) => /plastic-seed1: started/.test(w.log()));
      if (!victim) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    redis.disconnect();
    expect(victim).toBeDefined();
    victim!.process.kill('SIGKILL');
    const survivor = victim === a ? b : a;

    expect(await ended).toBe(0);
    expect(survivor.log()).toMatch(/crash \/ plastic-seed1: continuing from its last checkpoint/);
    const runDir = path.join(work, 'crash-out', 'runs', 'plastic-seed1');
    expect(readRunInfo(runDir)).toMatchObject({ status: 'finished', episodesDone: 1500 });
    expect(readMetrics(runDir).map((r) => r.episode)).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1));
    const report = JSON.parse(fs.readFileSync(path.join(work, 'crash-out', 'report', 'report.json'), 'utf8'));
    expect(report.jobs.map((j: { id: string; state: string }) => `${j.id} ${j.state}`)).toEqual(['plastic-seed1 finished', 'plastic-seed2 finished']);
    expect(sweepLog).toMatch(/2 of 2 jobs finished/);
    await stopWorkers();
  });

  it('an unreachable queue or a bad URL is one clear line and exit 1; a password is never shown', async () => {
    const port = await freePort();
    const secretUrl = `redis://someone:s3cret-pw@127.0.0.1:${port}`;
    const file = sweepFile('unreachable', 5);
    for (const args of [['sweep', 'run', file, '--queue', secretUrl], ['worker', '--queue', secretUrl]]) {
      const result = await plasticity(...args);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(new RegExp(`^Cannot reach the queue at redis://someone:\\*\\*\\*@127\\.0\\.0\\.1:${port}: `));
      expect(result.stderr + result.stdout).not.toMatch(/s3cret/);
    }
    const bad = await plasticity('worker', '--queue', 'http://someone:s3cret-pw@host:1');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('--queue must be a Redis URL (redis:// or rediss://), got "http://someone:***@host:1".');
  });
});
