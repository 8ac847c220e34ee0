// The renderer's API in a browser: requests and events over the browser mode's WebSocket. Answers and events
// are validated against the channel table before the UI sees them. Reconnects by itself if the server
// restarts; requests made while disconnected are sent once the connection is back.
import { channels, events, type ChannelName, type EventName, type EventPayload, type PlasticityApi, type RequestOf, type ResponseOf } from '../../shared/channels.ts';
import { ServerMessage, API_PATH } from '../../shared/wire-protocol.ts';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

/** The subset of the browser's WebSocket used here (Node's `ws` package fits it too, for tests). */
interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}
type SocketConstructor = new (url: string) => SocketLike;

export interface WebSocketApi extends PlasticityApi {
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  close(): void;
}

export function apiUrl(pageUrl: string, token: string): string {
  const url = new URL(API_PATH, pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  return url.href;
}

export function createWebSocketApi(options: { url: string; WebSocket?: SocketConstructor; reconnectMs?: number }): WebSocketApi {
  const SocketImpl = options.WebSocket ?? (globalThis.WebSocket as unknown as SocketConstructor);
  const pending = new Map<number, { channel: ChannelName; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const outbox: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  let nextId = 1;
  let socket: SocketLike | null = null;
  let closedOnPurpose = false;
  let retries = 0;

  const setStatus = (status: ConnectionStatus) => statusListeners.forEach((l) => l(status));

  const connect = () => {
    setStatus('connecting');
    const ws = new SocketImpl(options.url);
    socket = ws;
    ws.onopen = () => {
      retries = 0;
      setStatus('open');
      for (const text of outbox.splice(0)) ws.send(text);
    };
    ws.onmessage = (event) => receive(String(event.data));
    ws.onclose = () => {
      socket = null;
      for (const [id, request] of pending) {
        request.reject(new Error(`Lost the connection to the app while waiting for "${request.channel}".`));
        pending.delete(id);
      }
      setStatus('closed');
      if (closedOnPurpose) return;
      retries += 1;
      setTimeout(connect, Math.min(5000, (options.reconnectMs ?? 500) * retries));
    };
  };

  const receive = (text: string) => {
    let message;
    try {
      message = ServerMessage.parse(JSON.parse(text));
    } catch {
      console.warn('Ignored a malformed message from the app server.');
      return;
    }
    if (message.type === 'event') {
      const schema = events[message.event as EventName];
      const parsed = schema?.safeParse(message.payload);
      if (!parsed?.success) {
        console.warn(`Ignored a malformed "${message.event}" event.`);
        return;
      }
      listeners.get(message.event)?.forEach((l) => l(parsed.data));
      return;
    }
    const request = pending.get(message.id);
    if (!request) return;
    pending.delete(message.id);
    if (!message.ok) {
      request.reject(new Error(message.error.message));
      return;
    }
    const parsed = channels[request.channel].response.safeParse(message.value);
    if (parsed.success) request.resolve(parsed.data);
    else request.reject(new Error(`The app answered "${request.channel}" with an unexpected value: ${parsed.error.issues[0]?.message}`));
  };

  connect();

  return {
    transport: 'browser',
    invoke<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      const id = nextId++;
      const text = JSON.stringify({ type: 'invoke', id, channel, payload: request });
      return new Promise((resolve, reject) => {
        pending.set(id, { channel, resolve: resolve as (v: unknown) => void, reject });
        if (socket && socket.readyState === 1) socket.send(text);
        else outbox.push(text);
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    close() {
      closedOnPurpose = true;
      socket?.close();
    },
  };
}
