// The app's one window: context isolation, a sandboxed renderer without Node, the preload bridge, no
// navigation away from the app, no new windows, and a question before unsaved work is discarded.
import type { BrowserWindow, BrowserWindowConstructorOptions, Dialog, Event, Shell, WebContents } from 'electron';
import { pathToFileURL } from 'node:url';

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'Plasticity Studio',
    backgroundColor: '#12161f',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  };
}

/** Links in the page open in the user's browser; the window itself never leaves the app. */
export function lockDownNavigation(contents: WebContents, appUrl: string, shell: Pick<Shell, 'openExternal'>): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:/.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (url.split(/[?#]/)[0] !== appUrl) event.preventDefault();
  });
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}

/**
 * The page refuses to unload while it has unsaved changes (beforeunload); Electron then asks us. The work
 * is also autosaved, so "Don't save" after a mistake can still be recovered at the next start.
 */
export function confirmUnsavedOnClose(win: BrowserWindow, dialog: Pick<Dialog, 'showMessageBoxSync'>, documentName: () => string): void {
  win.webContents.on('will-prevent-unload', (event: Event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Don’t Save', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved changes',
      message: `“${documentName()}” has changes that are not saved.`,
      detail: 'Close anyway and lose them? (Cancel, then File → Save, to keep them.)',
    });
    if (choice === 0) event.preventDefault(); // preventDefault here means: ignore the page's refusal and close
  });
}

export function rendererIndexUrl(indexHtmlPath: string): string {
  return pathToFileURL(indexHtmlPath).href;
}
