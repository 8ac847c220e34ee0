// Messages on the browser mode's WebSocket. Requests carry an id; answers are the same envelopes the
// Electron IPC uses; events are pushed with a name from the channel table's `events`.
import { z } from 'zod';

export const ClientMessage = z.object({
  type: z.literal('invoke'),
  id: z.number().int(),
  channel: z.string(),
  payload: z.unknown(),
});
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerMessage = z.union([
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: z.object({ message: z.string() }) }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** The WebSocket path; the token is passed as `?token=`. */
export const API_PATH = '/api';
