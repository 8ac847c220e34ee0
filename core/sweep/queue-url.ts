// The queue's address, `redis://[user:password@]host:port[/db]`: checked once, and shown only without its
// password (messages and logs are often pasted into issues).
import { InputError } from '../util/input-error.ts';

export interface QueueAddress {
  /** The URL as given, for the Redis client only: never print it. */
  url: string;
  /** The same address with any password replaced by ***, for messages. */
  shown: string;
}

export function parseQueueUrl(text: string): QueueAddress {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new InputError(`--queue must be a Redis URL like redis://127.0.0.1:6379, got "${redactLoose(text)}".`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new InputError(`--queue must be a Redis URL (redis:// or rediss://), got "${redactQueueUrl(parsed)}".`);
  }
  if (!parsed.hostname) throw new InputError(`--queue names no host: "${redactQueueUrl(parsed)}".`);
  return { url: text, shown: redactQueueUrl(parsed) };
}

function redactQueueUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = '***';
  return copy.href.replace(/\/$/, '');
}

/** For text that is not even a URL: hide whatever sits between "//" or ":" and "@". */
function redactLoose(text: string): string {
  return text.replace(/:[^:@/]*@/, ':***@');
}
