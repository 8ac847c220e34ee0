// The requests only Electron can answer: native open/save/export dialogs and the window's unsaved-changes state.
import type { BrowserWindow, Dialog } from 'electron';
import path from 'node:path';
import type { HandlerTable } from './handlers/index.ts';

const graphFilters = [
  { name: 'Plasticity graph', extensions: ['plastic.json'] },
  { name: 'All files', extensions: ['*'] },
];
// A bundle folder is opened through its model.json: Linux and Windows dialogs cannot pick files and folders at once.
const openFilters = [
  { name: 'Graphs and trained models', extensions: ['plastic.json', 'zip', 'json'] },
  ...graphFilters,
];
const bundleFilters = [
  { name: 'Model bundle (.zip)', extensions: ['zip'] },
  { name: 'Model bundle folder (any other name)', extensions: ['*'] },
];

export interface WindowDocumentState {
  name: string;
  filePath: string | null;
  dirty: boolean;
}

export function createElectronHandlers(options: {
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>;
  getWindow(): BrowserWindow | null;
  documentsDir: string;
  onDocumentState(state: WindowDocumentState): void;
}): HandlerTable {
  return {
    'dialog:openGraph': async () => {
      const win = options.getWindow();
      const settings = { title: 'Open a graph or a trained model', defaultPath: options.documentsDir, filters: openFilters, properties: ['openFile' as const] };
      const result = win ? await options.dialog.showOpenDialog(win, settings) : await options.dialog.showOpenDialog(settings);
      return { path: result.canceled ? null : (result.filePaths[0] ?? null) };
    },
    'dialog:openFolder': async ({ title }) => {
      const win = options.getWindow();
      const settings = { title, defaultPath: options.documentsDir, properties: ['openDirectory' as const] };
      const result = win ? await options.dialog.showOpenDialog(win, settings) : await options.dialog.showOpenDialog(settings);
      return { path: result.canceled ? null : (result.filePaths[0] ?? null) };
    },
    'dialog:saveGraph': async ({ suggestedName }) => {
      const win = options.getWindow();
      const name = suggestedName.endsWith('.plastic.json') ? suggestedName : `${suggestedName}.plastic.json`;
      const settings = { title: 'Save the graph', defaultPath: path.join(options.documentsDir, name), filters: graphFilters };
      const result = win ? await options.dialog.showSaveDialog(win, settings) : await options.dialog.showSaveDialog(settings);
      return { path: result.canceled || !result.filePath ? null : result.filePath };
    },
    'dialog:exportModel': async ({ suggestedName, title }) => {
      const win = options.getWindow();
      const settings = { title: title ?? 'Export the trained model', buttonLabel: 'Export', defaultPath: path.join(options.documentsDir, suggestedName), filters: bundleFilters };
      const result = win ? await options.dialog.showSaveDialog(win, settings) : await options.dialog.showSaveDialog(settings);
      return { path: result.canceled || !result.filePath ? null : result.filePath };
    },
    'window:setDocumentState': async (state) => {
      const win = options.getWindow();
      // macOS shows these natively (the dot in the close button, the file icon in the title bar).
      win?.setDocumentEdited(state.dirty);
      if (state.filePath) win?.setRepresentedFilename(state.filePath);
      options.onDocumentState(state);
      return {};
    },
  };
}
