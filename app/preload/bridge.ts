// The renderer's API inside Electron, built on ipcRenderer. Only channels from the table can be used, answers
// and events are validated before the page sees them, and the page never gets ipcRenderer itself.
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { channels, EnvelopeSchema, events, isChannelName, type ChannelName, type EventName, type PlasticityApi, type RequestOf, type ResponseOf } from '../shared/channels.ts';

export function createPreloadApi(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): PlasticityApi {
  return {
    transport: 'electron',
    async invoke<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      if (!isChannelName(channel)) throw new Error(`Unknown request "${String(channel)}".`);
      const envelope = EnvelopeSchema.parse(await ipc.invoke(channel, request));
      if (!envelope.ok) throw new Error(envelope.error.message);
      const parsed = channels[channel].response.safeParse(envelope.value);
      if (!parsed.success) throw new Error(`The app answered "${channel}" with an unexpected value: ${parsed.error.issues[0]?.message}`);
      return parsed.data as ResponseOf<C>;
    },
    on(event, listener) {
      const schema = events[event as EventName];
      if (!schema) throw new Error(`Unknown event "${String(event)}".`);
      const relay = (_e: IpcRendererEvent, payload: unknown) => {
        const parsed = schema.safeParse(payload);
        if (parsed.success) listener(parsed.data as never);
        else console.warn(`Ignored a malformed "${event}" event.`);
      };
      ipc.on(event, relay);
      return () => void ipc.removeListener(event, relay);
    },
  };
}
