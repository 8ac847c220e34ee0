// Finds the renderer's API: the preload bridge inside Electron, else the browser mode's WebSocket, whose
// token arrives in the page address (`?token=`) and is kept for reloads of this tab.
import type { PlasticityApi } from '../../shared/channels.ts';
import { apiUrl, createWebSocketApi, type WebSocketApi } from './websocket-api.ts';

declare global {
  interface Window {
    /** Set by app/preload in Electron. */
    plasticity?: PlasticityApi;
  }
}

export type Connection = { ok: true; api: PlasticityApi; socket: WebSocketApi | null } | { ok: false; reason: string };

export function connectToApp(): Connection {
  if (window.plasticity) return { ok: true, api: window.plasticity, socket: null };
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token') ?? sessionStorage.getItem('plasticity-token');
  if (!token) {
    return {
      ok: false,
      reason: 'This page needs the address printed by `plasticity serve` (or `npm start`), which includes a one-time token. Copy the whole address from the terminal.',
    };
  }
  sessionStorage.setItem('plasticity-token', token);
  // Keep the token out of the address bar (and out of screenshots and history).
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const socket = createWebSocketApi({ url: apiUrl(window.location.href, token) });
  return { ok: true, api: socket, socket };
}
