// Preload of the (sandboxed, context-isolated) window: exposes the typed API as `window.plasticity`.
// Sandboxed preloads cannot load modules from disk, so this file is bundled (see app/main/electron-build.ts).
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './bridge.ts';

contextBridge.exposeInMainWorld('plasticity', createPreloadApi(ipcRenderer));
