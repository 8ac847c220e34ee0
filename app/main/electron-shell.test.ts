// The Electron shell with `electron` mocked: window security, navigation lock, the close prompt, IPC
// registration, the menu, native dialogs, and the main entry wiring them together.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { channels, type MenuCommand } from '../shared/channels.ts';
import { createElectronHandlers } from './electron-handlers.ts';
import { dispatch } from './handlers/index.ts';
import { isAppPage, registerIpcHandlers } from './ipc.ts';
import { buildMenuTemplate } from './menu.ts';
import { confirmUnsavedOnClose, lockDownNavigation, mainWindowOptions } from './window.ts';

const electron = vi.hoisted(() => {
  /** Enough of an EventEmitter (node:events cannot be imported before vi.hoisted runs). */
  class EventEmitter {
    private listeners = new Map<string, ((...args: any[]) => void)[]>();
    on(event: string, listener: (...args: any[]) => void) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    once(event: string, listener: (...args: any[]) => void) {
      return this.on(event, listener);
    }
    emit(event: string, ...args: any[]) {
      for (const l of this.listeners.get(event) ?? []) l(...args);
      return true;
    }
  }
  const handlers = new Map<string, (event: unknown, payload: unknown) => unknown>();
  const windows: any[] = [];
  const state = { userData: '', documents: '', menu: null as unknown, ready: null as Promise<void> | null };
  class FakeWebContents extends EventEmitter {
    sent: [string, unknown][] = [];
    openHandler: ((d: { url: string }) => unknown) | null = null;
    session = { setPermissionRequestHandler: () => {} };
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
    setWindowOpenHandler(h: (d: { url: string }) => unknown) {
      this.openHandler = h;
    }
  }
  class FakeWindow extends EventEmitter {
    webContents = new FakeWebContents();
    loaded: string | null = null;
    constructor(public options: any) {
      super();
      windows.push(this);
    }
    loadFile(file: string) {
      this.loaded = file;
      return Promise.resolve();
    }
    show() {}
    isMinimized() {
      return false;
    }
    focus() {}
    setDocumentEdited() {}
    setRepresentedFilename() {}
  }
  return { handlers, windows, state, FakeWindow, FakeWebContents };
});

vi.mock('electron', () => ({
  app: {
    requestSingleInstanceLock: () => true,
    whenReady: () => (electron.state.ready = Promise.resolve()),
    getPath: (name: string) => (name === 'userData' ? electron.state.userData : electron.state.documents),
    getVersion: () => '9.9.9',
    on: () => {},
    quit: () => {},
  },
  BrowserWindow: electron.FakeWindow,
  ipcMain: { handle: (channel: string, handler: (e: unknown, p: unknown) => unknown) => electron.handlers.set(channel, handler) },
  Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => (electron.state.menu = m) },
  dialog: { showOpenDialog: vi.fn(), showSaveDialog: vi.fn(), showMessageBoxSync: vi.fn() },
  shell: { openExternal: vi.fn() },
  utilityProcess: { fork: vi.fn() },
}));

const tempDirs: string[] = [];
afterAll(async () => {
  for (const dir of tempDirs) await fs.rm(dir, { recursive: true, force: true });
});

describe('window', () => {
  it('isolates the page: context isolation, sandbox, no Node, the preload bridge', () => {
    const options = mainWindowOptions('/app/dist/preload.cjs');
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: '/app/dist/preload.cjs' });
  });

  it('never navigates away from the app and opens links in the browser', () => {
    const contents = new electron.FakeWebContents();
    const shell = { openExternal: vi.fn() };
    let permission: boolean | null = null;
    contents.session.setPermissionRequestHandler = ((h: any) => h(null, 'camera', (ok: boolean) => (permission = ok))) as any;
    lockDownNavigation(contents as any, 'file:///app/index.html', shell);
    const away = { preventDefault: vi.fn() };
    contents.emit('will-navigate', away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    const reload = { preventDefault: vi.fn() };
    contents.emit('will-navigate', reload, 'file:///app/index.html#x');
    expect(reload.preventDefault).not.toHaveBeenCalled();
    expect(contents.openHandler!({ url: 'https://arxiv.org/abs/1804.02464' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledWith('https://arxiv.org/abs/1804.02464');
    expect(permission).toBe(false);
  });

  it('asks before closing over unsaved work, and closes only on "Don’t Save"', () => {
    const win = new electron.FakeWindow({});
    const dialog = { showMessageBoxSync: vi.fn() };
    confirmUnsavedOnClose(win as any, dialog as any, () => 'net.plastic.json');
    dialog.showMessageBoxSync.mockReturnValueOnce(1);
    const cancel = { preventDefault: vi.fn() };
    win.webContents.emit('will-prevent-unload', cancel);
    expect(cancel.preventDefault).not.toHaveBeenCalled();
    expect(dialog.showMessageBoxSync.mock.calls[0][1].message).toContain('net.plastic.json');
    dialog.showMessageBoxSync.mockReturnValueOnce(0);
    const discard = { preventDefault: vi.fn() };
    win.webContents.emit('will-prevent-unload', discard);
    expect(discard.preventDefault).toHaveBeenCalled();
  });
});

describe('IPC registration', () => {
  it('registers every channel, refuses other pages, and validates requests', async () => {
    const registered = new Map<string, (e: unknown, p: unknown) => Promise<unknown>>();
    const table = { 'graph:open': vi.fn(async () => ({ path: '/a.plastic.json', document: { format: 'plasticity-graph' as const, version: 1 } })) };
    registerIpcHandlers({ handle: (c: string, h: any) => registered.set(c, h) } as any, table, (e: any) => isAppPage(e.senderFrame?.url, 'file:///app/index.html'));
    expect([...registered.keys()].sort()).toEqual(Object.keys(channels).sort());
    const fromApp = { senderFrame: { url: 'file:///app/index.html' } };
    expect(await registered.get('graph:open')!(fromApp, { path: '/a.plastic.json' })).toMatchObject({ ok: true });
    expect(await registered.get('graph:open')!({ senderFrame: { url: 'https://evil.example/' } }, { path: '/a' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/refused/) } });
    expect(await registered.get('graph:open')!(fromApp, { path: 3 })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Invalid/) } });
    expect(table['graph:open']).toHaveBeenCalledTimes(1);
  });

  it('recognises the app page with or without a hash', () => {
    expect(isAppPage('file:///app/index.html#/x', 'file:///app/index.html')).toBe(true);
    expect(isAppPage('file:///other.html', 'file:///app/index.html')).toBe(false);
    expect(isAppPage(undefined, 'file:///app/index.html')).toBe(false);
  });
});

describe('menu', () => {
  const sent: [MenuCommand, string | undefined][] = [];
  const template = buildMenuTemplate({ isMac: false, recent: [{ path: '/w/net.plastic.json', name: 'net', openedAt: '' }], send: (c, p) => sent.push([c, p]), clearRecent: () => {} });
  const menu = (label: string) => template.find((m) => m.label === label)!.submenu as any[];

  it('has File, Edit, View and Help with the standard shortcuts', () => {
    expect(template.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Help']);
    const file = menu('File');
    expect(file.find((i) => i.label === 'Save').accelerator).toBe('CmdOrCtrl+S');
    expect(file.find((i) => i.label === 'Save As…').accelerator).toBe('CmdOrCtrl+Shift+S');
    expect(menu('Edit').find((i) => i.label === 'Undo').accelerator).toBe('CmdOrCtrl+Z');
    // Delete stays with the page, so it still deletes characters in text fields.
    expect(menu('Edit').find((i) => i.label === 'Delete').accelerator).toBeUndefined();
    expect(menu('View').some((i) => i.role === 'togglefullscreen')).toBe(true);
  });

  it('sends commands to the page, and recent files with their path', () => {
    menu('File').find((i) => i.label === 'Save').click();
    menu('File').find((i) => i.label === 'Open Recent').submenu[0].click();
    expect(sent).toEqual([['save', undefined], ['open', '/w/net.plastic.json']]);
  });

  it('starts with the app menu on macOS', () => {
    expect(buildMenuTemplate({ isMac: true, recent: [], send: () => {}, clearRecent: () => {} })[0]).toEqual({ role: 'appMenu' });
  });
});

describe('native dialogs', () => {
  it('returns the chosen path, null when cancelled, and names saved files .plastic.json', async () => {
    const dialog = { showOpenDialog: vi.fn(), showSaveDialog: vi.fn() };
    const win = { setDocumentEdited: vi.fn(), setRepresentedFilename: vi.fn() };
    const states: unknown[] = [];
    const table = createElectronHandlers({ dialog: dialog as any, getWindow: () => win as any, documentsDir: '/home/me', onDocumentState: (s) => states.push(s) });
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    expect(await dispatch(table, 'dialog:openGraph', {})).toEqual({ ok: true, value: { path: null } });
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/me/a.plastic.json'] });
    expect(await dispatch(table, 'dialog:openGraph', {})).toEqual({ ok: true, value: { path: '/home/me/a.plastic.json' } });
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/me/datasets'] });
    expect(await dispatch(table, 'dialog:openFolder', { title: 'A folder with datasets' })).toEqual({ ok: true, value: { path: '/home/me/datasets' } });
    expect(dialog.showOpenDialog.mock.calls.at(-1)?.[1]).toMatchObject({ title: 'A folder with datasets', properties: ['openDirectory'] });
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: '/home/me/b.plastic.json' });
    await dispatch(table, 'dialog:saveGraph', { suggestedName: 'b' });
    expect(dialog.showSaveDialog.mock.calls[0][1].defaultPath).toBe(path.join('/home/me', 'b.plastic.json'));
    // Open also offers trained models: a .zip, or a bundle folder's model.json.
    expect(dialog.showOpenDialog.mock.calls[0][1].filters[0].extensions).toEqual(['plastic.json', 'zip', 'json']);
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: '/home/me/run-model.zip' });
    expect(await dispatch(table, 'dialog:exportModel', { suggestedName: 'run-model.zip', title: 'Export run' })).toEqual({ ok: true, value: { path: '/home/me/run-model.zip' } });
    expect(dialog.showSaveDialog.mock.calls[1][1]).toMatchObject({ title: 'Export run', defaultPath: path.join('/home/me', 'run-model.zip') });
    expect(dialog.showSaveDialog.mock.calls[1][1].filters[0].extensions).toEqual(['zip']);
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    expect(await dispatch(table, 'dialog:exportModel', { suggestedName: 'x.zip' })).toEqual({ ok: true, value: { path: null } });
    await dispatch(table, 'window:setDocumentState', { name: 'b.plastic.json', filePath: '/home/me/b.plastic.json', dirty: true });
    expect(win.setDocumentEdited).toHaveBeenCalledWith(true);
    expect(states).toEqual([{ name: 'b.plastic.json', filePath: '/home/me/b.plastic.json', dirty: true }]);
  });
});

describe('main entry', () => {
  it('opens one secure window on the renderer build, with IPC and the menu in place', async () => {
    electron.state.userData = await fs.mkdtemp(path.join(os.tmpdir(), 'electron-user-'));
    electron.state.documents = await fs.mkdtemp(path.join(os.tmpdir(), 'electron-docs-'));
    tempDirs.push(electron.state.userData, electron.state.documents);
    await import('./index.ts');
    await electron.state.ready;
    await vi.waitFor(() => expect(electron.windows.at(-1)?.loaded).toBeTruthy());
    const win = electron.windows.at(-1);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(win.options.webPreferences.preload).toMatch(/preload\.cjs$/);
    expect(win.loaded).toMatch(/app[\\/]renderer[\\/]dist[\\/]index\.html$/);
    expect([...electron.handlers.keys()].sort()).toEqual(Object.keys(channels).sort());
    expect((electron.state.menu as any[]).map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Help']);

    // A request from the page reaches the shared handlers, in Electron mode.
    const answer = await electron.handlers.get('app:info')!({ senderFrame: { url: `file://${win.loaded}` } }, {});
    expect(answer).toMatchObject({ ok: true, value: { mode: 'electron', nativeDialogs: true, version: '9.9.9' } });
  });
});
