// Serves the production renderer build. Paths are confined to the build folder; unknown paths get the app
// (it has a single page), so a reload never shows a 404.
import { promises as fs } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export async function serveStatic(rootDir: string, urlPath: string, response: ServerResponse, headers: Record<string, string>): Promise<void> {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    response.writeHead(400).end('Bad request');
    return;
  }
  const resolved = path.resolve(rootDir, '.' + path.posix.normalize('/' + relative));
  const inside = resolved === rootDir || resolved.startsWith(rootDir + path.sep);
  let file = inside ? resolved : path.join(rootDir, 'index.html');
  try {
    const stat = await fs.stat(file);
    if (stat.isDirectory()) file = path.join(file, 'index.html');
  } catch {
    file = path.join(rootDir, 'index.html');
  }
  let body: Buffer;
  try {
    body = await fs.readFile(file);
  } catch {
    response.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('The app has not been built. Run `npm run build:renderer`, then reload.');
    return;
  }
  const type = contentTypes[path.extname(file)] ?? 'application/octet-stream';
  // Hashed assets never change; the page itself must always be fresh.
  const cache = file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  response.writeHead(200, { ...headers, 'Content-Type': type, 'Cache-Control': cache });
  response.end(body);
}
