// The thin file that puts the request handlers on ipcMain. Each channel is validated and answered by
// `dispatch` (the same as in the browser mode); requests from any page other than the app's are refused.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { channels, type ChannelName, type Envelope } from '../shared/channels.ts';
import { dispatch, type HandlerTable } from './handlers/index.ts';

export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle'>, table: HandlerTable, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): void {
  for (const channel of Object.keys(channels) as ChannelName[]) {
    ipcMain.handle(channel, async (event, payload: unknown): Promise<Envelope<unknown>> => {
      if (!isTrustedSender(event)) return { ok: false, error: { message: 'Request refused: it does not come from the app’s own page.' } };
      return dispatch(table, channel, payload);
    });
  }
}

/** The app's page is the renderer build loaded from disk; nothing else may call the handlers. */
export function isAppPage(url: string | undefined, rendererIndexUrl: string): boolean {
  if (!url) return false;
  return url.split(/[?#]/)[0] === rendererIndexUrl;
}
