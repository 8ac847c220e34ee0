// The browser mode's server: the production renderer over HTTP and the request handlers over a WebSocket,
// on 127.0.0.1 only. The WebSocket requires the token created at each launch (so another local user or a
// web page cannot drive the app) and a Host header naming this server (so DNS rebinding cannot reach it).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventName, EventPayload } from '../shared/channels.ts';
import { dispatch, type HandlerTable } from '../main/handlers/index.ts';
import { serveStatic } from './static-files.ts';
import { API_PATH, ClientMessage, type ServerMessage } from '../shared/wire-protocol.ts';

export const LOOPBACK = '127.0.0.1';

export interface BrowserServerOptions {
  /** 0 picks a free port. */
  port: number;
  rendererDir: string;
  handlers: HandlerTable;
  token?: string;
}

export interface BrowserServer {
  /** The address to open, token included. */
  url: string;
  port: number;
  token: string;
  broadcast<E extends EventName>(event: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}

/** Content-Security-Policy of the app's page: only its own scripts, and only its own WebSocket. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // React Flow and uPlot position elements with style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ws://${LOOPBACK}:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = path.resolve(options.rendererDir);
  const sockets = new Set<WebSocket>();
  let port = options.port;
  const allowedHosts = () => new Set([`${LOOPBACK}:${port}`, `localhost:${port}`]);

  const server = http.createServer((request, response) => {
    if (!allowedHosts().has(request.headers.host ?? '')) {
      response.writeHead(421).end('Misdirected request');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    const headers = {
      'Content-Security-Policy': contentSecurityPolicy(port),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    };
    void serveStatic(rendererDir, request.url ?? '/', response, headers);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  server.on('upgrade', (request, socket, head) => {
    // A peer that resets the connection mid-handshake must not take the server (and a run) down with it.
    socket.on('error', () => socket.destroy());
    // Any target a client sends is parsed without throwing: one that is not a URL is refused like a wrong token.
    const url = URL.canParse(request.url ?? '/', `http://${LOOPBACK}`) ? new URL(request.url ?? '/', `http://${LOOPBACK}`) : null;
    const origin = request.headers.origin;
    const hostOk = allowedHosts().has(request.headers.host ?? '');
    const originOk = origin === undefined || [...allowedHosts()].some((h) => origin === `http://${h}`);
    if (!url || url.pathname !== API_PATH || !hostOk || !originOk || !sameToken(url.searchParams.get('token'), token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws));
  });

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    // A frame the protocol refuses (invalid UTF-8, over maxPayload) closes that socket only; unhandled, the
    // error event would end the process.
    ws.on('error', () => ws.terminate());
    ws.on('message', async (data) => {
      let parsed;
      try {
        parsed = ClientMessage.safeParse(JSON.parse(String(data)));
      } catch {
        parsed = null;
      }
      if (!parsed?.success) return; // not a request from our client: nothing to answer to
      const { id, channel, payload } = parsed.data;
      const envelope = await dispatch(options.handlers, channel, payload);
      const message: ServerMessage = { type: 'result', id, ...envelope };
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LOOPBACK, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${LOOPBACK}:${port}/?token=${token}`,
    port,
    token,
    broadcast(event, payload) {
      const text = JSON.stringify({ type: 'event', event, payload } satisfies ServerMessage);
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
