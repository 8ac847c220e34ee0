// Electron's main process: one window, the native menu, IPC, and the training host. Thin: the work is done
// by the request handlers (app/main/handlers) and the training host, which know nothing of Electron.
// Runs from the bundle app/dist/main.mjs (see electron-build.ts), so paths are relative to that folder.
import { app, BrowserWindow, dialog, ipcMain, Menu, shell, utilityProcess } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MenuCommand, RecentFile } from '../shared/channels.ts';
import { createElectronHandlers } from './electron-handlers.ts';
import { utilityProcessSpawner } from './electron-training.ts';
import { createHandlers, type HandlerTable } from './handlers/index.ts';
import { RecentFiles } from './handlers/recent-files.ts';
import { isAppPage, registerIpcHandlers } from './ipc.ts';
import { buildMenuTemplate } from './menu.ts';
import { TrainingHost } from './training/host.ts';
import { confirmUnsavedOnClose, lockDownNavigation, mainWindowOptions, rendererIndexUrl } from './window.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const paths = {
  preload: path.join(here, 'preload.cjs'),
  worker: path.join(here, 'training-worker.mjs'),
  cli: path.join(here, 'plasticity-cli.mjs'),
  rendererIndex: path.join(root, 'app', 'renderer', 'dist', 'index.html'),
  templates: path.join(root, 'templates'),
  docs: root,
};
const isMac = process.platform === 'darwin';

if (!app.requestSingleInstanceLock()) app.quit();

let win: BrowserWindow | null = null;
let documentName = 'Untitled';

function send(command: MenuCommand, filePath?: string): void {
  win?.webContents.send('menu:command', { command, ...(filePath && { path: filePath }) });
}

app.whenReady().then(async () => {
  const dataDir = app.getPath('userData');
  const documentsDir = app.getPath('documents');
  const runsDir = path.join(documentsDir, 'Plasticity Studio', 'runs');
  const recent = new RecentFiles(path.join(dataDir, 'recent-files.json'));

  const rebuildMenu = async (files?: RecentFile[]) => {
    const template = buildMenuTemplate({ isMac, recent: files ?? (await recent.list()), send, clearRecent: () => void recent.clear().then(() => rebuildMenu([])) });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };

  const shutdown: (() => Promise<void>)[] = [];
  const training = new TrainingHost({
    runsDir,
    spawn: utilityProcessSpawner(utilityProcess.fork, paths.worker),
    onRunsChanged: (runs) => win?.webContents.send('training:runs', { runs }),
    onProgress: (runId, points, progress) => win?.webContents.send('training:progress', { runId, points, progress }),
  });
  const shared = createHandlers({
    mode: 'electron', version: app.getVersion(), dataDir, runsDir, templatesDir: paths.templates, docsRoot: paths.docs, documentsDir, training,
    notify: (event, payload) => win?.webContents.send(event, payload),
    datasetMirror: process.env.PLASTICITY_DATA_MIRROR,
    cliEntry: paths.cli,
    shutdown,
  });
  const table: HandlerTable = {
    ...shared,
    ...createElectronHandlers({ dialog, getWindow: () => win, documentsDir, onDocumentState: (state) => (documentName = state.name) }),
  };
  // Opening or saving changes the recent files, which the menu shows.
  for (const channel of ['graph:open', 'graph:save', 'bundle:open'] as const) {
    const handler = table[channel]!;
    table[channel] = (async (request: never) => {
      const answer = await handler(request);
      void rebuildMenu();
      return answer;
    }) as never;
  }
  const appUrl = rendererIndexUrl(paths.rendererIndex);
  registerIpcHandlers(ipcMain, table, (event) => isAppPage(event.senderFrame?.url, appUrl));
  await rebuildMenu();

  win = new BrowserWindow(mainWindowOptions(paths.preload));
  lockDownNavigation(win.webContents, appUrl, shell);
  confirmUnsavedOnClose(win, dialog, () => documentName);
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => (win = null));
  await win.loadFile(paths.rendererIndex);

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Active runs and sweeps stop after their current episode and write their checkpoints before the app exits.
    event.preventDefault();
    quitting = true;
    void Promise.allSettled([training.shutdown(), ...shutdown.map((stop) => stop())]).then(() => app.quit());
  });
});

app.on('second-instance', () => {
  if (win?.isMinimized()) win.restore();
  win?.focus();
});
app.on('window-all-closed', () => app.quit());
