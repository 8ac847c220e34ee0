import { beforeEach, describe, expect, it, vi } from 'vitest';

const ipc = vi.hoisted(() => {
  const listeners = new Map<string, ((event: unknown, payload: unknown) => void)[]>();
  return {
    listeners,
    invoke: vi.fn(),
    on: vi.fn((channel: string, listener: (event: unknown, payload: unknown) => void) => listeners.set(channel, [...(listeners.get(channel) ?? []), listener])),
    removeListener: vi.fn((channel: string, listener: unknown) => listeners.set(channel, (listeners.get(channel) ?? []).filter((l) => l !== listener))),
    emit(channel: string, payload: unknown) {
      for (const l of listeners.get(channel) ?? []) l({}, payload);
    },
  };
});
const exposed = vi.hoisted(() => ({ key: '', api: null as any }));

vi.mock('electron', () => ({
  ipcRenderer: ipc,
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      exposed.key = key;
      exposed.api = api;
    },
  },
}));

describe('preload API', () => {
  beforeEach(async () => {
    vi.resetModules();
    ipc.invoke.mockReset();
    ipc.listeners.clear();
    await import('./index.ts');
  });

  it('is exposed as window.plasticity and says it is Electron', () => {
    expect(exposed.key).toBe('plasticity');
    expect(exposed.api.transport).toBe('electron');
    expect(Object.keys(exposed.api).sort()).toEqual(['invoke', 'on', 'transport']); // no raw ipcRenderer
  });

  it('invokes a channel and returns its validated answer', async () => {
    ipc.invoke.mockResolvedValue({ ok: true, value: { path: '/tmp/x.plastic.json', savedAt: '2024-01-01T00:00:00Z' } });
    const answer = await exposed.api.invoke('graph:save', { path: '/tmp/x', document: { format: 'plasticity-graph', version: 1 } });
    expect(ipc.invoke).toHaveBeenCalledWith('graph:save', { path: '/tmp/x', document: { format: 'plasticity-graph', version: 1 } });
    expect(answer.path).toBe('/tmp/x.plastic.json');
  });

  it('turns an error envelope into a rejected promise with the message', async () => {
    ipc.invoke.mockResolvedValue({ ok: false, error: { message: '/x does not exist.' } });
    await expect(exposed.api.invoke('graph:open', { path: '/x' })).rejects.toThrow('/x does not exist.');
  });

  it('rejects answers that do not match the channel table', async () => {
    ipc.invoke.mockResolvedValue({ ok: true, value: { path: 42 } });
    await expect(exposed.api.invoke('graph:open', { path: '/x' })).rejects.toThrow(/unexpected value/);
    ipc.invoke.mockResolvedValue('not an envelope');
    await expect(exposed.api.invoke('graph:open', { path: '/x' })).rejects.toThrow();
  });

  it('validates the model-bundle channels\' answers', async () => {
    ipc.invoke.mockResolvedValue({ ok: true, value: { runId: 'r', path: '/w/m.zip', zip: true, episodesDone: 3, warnings: ['the run is still running'] } });
    expect(await exposed.api.invoke('run:export', { runId: 'r', path: '/w/m.zip', zip: true })).toMatchObject({ episodesDone: 3, warnings: ['the run is still running'] });
    ipc.invoke.mockResolvedValue({ ok: true, value: { runId: 'r', path: '/w/m.zip', zip: true, episodesDone: 3 } });
    await expect(exposed.api.invoke('run:export', { runId: 'r', path: '/w/m.zip', zip: true })).rejects.toThrow(/unexpected value/);

    const model = {
      path: '/w/m.zip',
      exportedAt: '2024-01-01T00:00:00Z',
      training: { runId: 'r', status: 'finished', seed: 0, episodesDone: 3, settings: { batchSize: 1 } },
      metrics: { lastEpisode: { episode: 3, loss: 1 }, recentMean: null },
      producedBy: { backend: 'cpu', versions: {} },
      parameters: [{ name: 'memory/eta', node: 'memory', param: 'eta', shape: [1], count: 1, mean: 0.1, std: 0, min: 0.1, max: 0.1, nonFinite: 0, value: 0.1 }],
    };
    const document = { format: 'plasticity-graph', version: 1 };
    ipc.invoke.mockResolvedValue({ ok: true, value: { path: '/w/m.zip', document, model } });
    expect((await exposed.api.invoke('bundle:open', { path: '/w/m.zip' })).model.parameters[0].value).toBe(0.1);
    // A NaN mean arrives as null through JSON; a shape of strings or a missing summary is refused.
    ipc.invoke.mockResolvedValue({ ok: true, value: { path: '/w/m.zip', document, model: { ...model, parameters: [{ ...model.parameters[0], shape: ['1'] }] } } });
    await expect(exposed.api.invoke('bundle:open', { path: '/w/m.zip' })).rejects.toThrow(/unexpected value/);
    ipc.invoke.mockResolvedValue({ ok: true, value: { path: '/w/m.zip', document } });
    await expect(exposed.api.invoke('bundle:open', { path: '/w/m.zip' })).rejects.toThrow(/unexpected value/);
  });

  it('refuses channels that are not in the table', async () => {
    await expect(exposed.api.invoke('shell:exec', { command: 'rm -rf /' })).rejects.toThrow(/Unknown request/);
    expect(ipc.invoke).not.toHaveBeenCalled();
  });

  it('delivers valid events, drops malformed ones, and unsubscribes', () => {
    const seen: unknown[] = [];
    const off = exposed.api.on('menu:command', (p: unknown) => seen.push(p));
    ipc.emit('menu:command', { command: 'save' });
    ipc.emit('menu:command', { command: 'format-disk' });
    off();
    ipc.emit('menu:command', { command: 'open' });
    expect(seen).toEqual([{ command: 'save' }]);
  });
});
