import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createGraphDocument } from '../../core/graph/document.ts';
import { apiUrl, createWebSocketApi, type WebSocketApi } from '../renderer/api/websocket-api.ts';
import type { EventPayload } from '../shared/channels.ts';
import { startBrowserApp, type BrowserApp } from './browser-app.ts';

const fakeTrainer = fileURLToPath(new URL('../main/training/test-fixtures/fake-trainer.ts', import.meta.url));
let root: string;
let app: BrowserApp;

function get(urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port: app.server.port, path: urlPath, headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    });
    request.on('error', reject);
  });
}

/** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opens. */
function tryConnect(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'serve-'));
  const renderer = path.join(root, 'renderer');
  await fs.mkdir(path.join(renderer, 'assets'), { recursive: true });
  await fs.writeFile(path.join(renderer, 'index.html'), '<!doctype html><title>test app</title>');
  await fs.writeFile(path.join(renderer, 'assets', 'main.js'), 'console.log(1)');
  await fs.writeFile(path.join(root, 'secret.txt'), 'do not serve');
  app = await startBrowserApp({
    port: 0,
    rendererDir: renderer,
    dataDir: path.join(root, 'data'),
    runsDir: path.join(root, 'runs'),
    documentsDir: root,
    trainerEnv: { PLASTICITY_TRAINER_MODULE: fakeTrainer, FAKE_EPISODE_MS: '10' },
    log: () => {},
  });
});
afterAll(async () => {
  await app.close();
  await fs.rm(root, { recursive: true, force: true });
});

describe('browser mode server', () => {
  it('listens on 127.0.0.1 and prints a URL with a fresh token', () => {
    expect(app.server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${app.server.port}/\\?token=[\\w-]{20,}$`));
  });

  it('serves the renderer build with a Content-Security-Policy, and nothing outside it', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('test app');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await get('/assets/main.js')).headers['content-type']).toMatch(/javascript/);
    const escape = await get('/../secret.txt');
    expect(escape.body).not.toContain('do not serve');
    const encoded = await get('/%2e%2e/secret.txt');
    expect(encoded.body).not.toContain('do not serve');
  });

  it('refuses requests whose Host is not this server (DNS rebinding)', async () => {
    expect((await get('/', { Host: 'evil.example:80' })).status).toBe(421);
  });

  it('opens the API socket only with the right token, host and origin', async () => {
    const base = `ws://127.0.0.1:${app.server.port}/api`;
    expect(await tryConnect(base)).toBe(401);
    expect(await tryConnect(`${base}?token=wrong`)).toBe(401);
    expect(await tryConnect(`${base}?token=${app.server.token}`, { Origin: 'http://evil.example' })).toBe(401);
    expect(await tryConnect(`${base}?token=${app.server.token}`)).toBe(101);
  });
});

describe('WebSocket API client', () => {
  let api: WebSocketApi;
  beforeAll(() => {
    api = createWebSocketApi({ url: apiUrl(app.server.url, app.server.token), WebSocket: WebSocket as never });
  });
  afterAll(() => api.close());

  it('invokes handlers and gets validated answers', async () => {
    const info = await api.invoke('app:info', {});
    expect(info).toMatchObject({ mode: 'browser', nativeDialogs: false, runsDir: path.join(root, 'runs') });
    const saved = await api.invoke('graph:save', { path: path.join(root, 'net'), document: createGraphDocument('Over the wire') });
    const opened = await api.invoke('graph:open', { path: saved.path });
    expect((opened.document.meta as { name: string }).name).toBe('Over the wire');
  });

  it('turns handler errors into rejected promises with the message', async () => {
    await expect(api.invoke('graph:open', { path: path.join(root, 'nope.plastic.json') })).rejects.toThrow(/does not exist/);
    await expect(api.invoke('graph:open', {} as never)).rejects.toThrow(/Invalid "graph:open" request/);
  });

  it('streams training progress and run changes as events', async () => {
    const progress: EventPayload<'training:progress'>[] = [];
    const statuses: string[] = [];
    const offProgress = api.on('training:progress', (p) => progress.push(p));
    api.on('training:runs', (p) => statuses.push(p.runs[0]?.status));
    const { runId } = await api.invoke('training:start', { document: createGraphDocument('Streamed'), episodes: 20 });
    await expect.poll(() => statuses.at(-1), { timeout: 20_000 }).toBe('finished');
    expect(statuses[0]).toBe('running');
    const episodes = progress.filter((p) => p.runId === runId).flatMap((p) => p.points.map((x) => x.episode));
    expect(episodes).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    offProgress();
    const { runs } = await api.invoke('runs:list', {});
    expect(runs.find((r) => r.runId === runId)).toMatchObject({ status: 'finished', episodesDone: 20 });
  });
});

describe('hostile clients', () => {
  const alive = async () => expect((await get('/')).status).toBe(200);

  it('refuses an upgrade whose target is not a URL, and keeps serving', async () => {
    const net = await import('node:net');
    const reply = await new Promise<string>((resolve) => {
      const socket = net.connect(app.server.port, '127.0.0.1', () => {
        socket.write(`GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${app.server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 401/);
    await alive();
  });

  it('closes a socket that sends invalid UTF-8 in a text frame, and keeps serving', async () => {
    const url = new URL(app.server.url);
    const ws = new WebSocket(`ws://127.0.0.1:${app.server.port}/api?token=${url.searchParams.get('token')}`);
    await new Promise((resolve) => ws.on('open', resolve));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => {});
    ws.send(Buffer.from([0xc3, 0x28, 0xff]), { binary: false });
    expect(await closed).toBeGreaterThan(1000);
    await alive();
  });

  it('keeps training while hostile requests and frames arrive, answering each with a refusal', async () => {
    const client = createWebSocketApi({ url: apiUrl(app.server.url, app.server.token), WebSocket: WebSocket as never });
    const statuses: string[] = [];
    client.on('training:runs', (p) => statuses.push(p.runs[0]?.status));
    const { runId } = await client.invoke('training:start', { document: createGraphDocument('Under fire'), episodes: 200 });
    const refusals = await Promise.all([
      client.invoke('graph:open', { path: '/dev/zero' }).then(() => 'opened', (e: Error) => e.message),
      client.invoke('graph:open', { path: '/etc/passwd' }).then(() => 'opened', (e: Error) => e.message),
      client.invoke('bundle:open', { path: '/dev/urandom' }).then(() => 'opened', (e: Error) => e.message),
      client.invoke('files:list', { dir: '/' }).then(() => 'listed', (e: Error) => e.message),
      client.invoke('graph:save', { path: '/etc/passwd', document: createGraphDocument() }).then(() => 'saved', (e: Error) => e.message),
      client.invoke('runs:metrics', { runId: '..' }).then(() => 'read', (e: Error) => e.message),
    ]);
    expect(refusals.slice(0, 5).every((m) => /outside the workspace/.test(m))).toBe(true);
    expect(refusals[5]).toMatch(/There is no run \.\./);
    // A socket that sends invalid UTF-8 is closed on its own; the run goes on.
    const url = new URL(app.server.url);
    const hostile = new WebSocket(`ws://127.0.0.1:${app.server.port}/api?token=${url.searchParams.get('token')}`);
    await new Promise((resolve) => hostile.on('open', resolve));
    hostile.on('error', () => {});
    hostile.send(Buffer.from([0xc3, 0x28, 0xff]), { binary: false });
    await expect.poll(() => statuses.at(-1), { timeout: 30_000 }).toBe('finished');
    const { runs } = await client.invoke('runs:list', {});
    expect(runs.find((r) => r.runId === runId)).toMatchObject({ status: 'finished', episodesDone: 200 });
    client.close();
    await alive();
  });
});

