// Reading a file a user named: only a regular file, and only up to a size this app can use. A device
// (/dev/zero), a FIFO or a socket would block or never end, and a huge file would exhaust memory before
// any parser could say what is wrong with it.
import fs from 'node:fs';
import { InputError } from './input-error.ts';

export const MiB = 1024 * 1024;

export class FileRefused extends InputError {}

function describeKind(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function formatBytes(bytes: number): string {
  return bytes >= MiB ? `${(bytes / MiB).toFixed(bytes >= 10 * MiB ? 0 : 1)} MiB` : `${bytes} bytes`;
}

/** Throws FileRefused (naming the file) unless `file` is a regular file of at most `limitBytes`. */
export function checkReadable(file: string, limitBytes: number, what: string): fs.Stats {
  const stat = fs.statSync(file); // ENOENT and EACCES keep their own messages
  if (!stat.isFile()) throw new FileRefused(`${file}: ${describeKind(stat)}, not a ${what} file.`);
  if (stat.size > limitBytes) throw new FileRefused(`${file}: ${formatBytes(stat.size)} is more than a ${what} can be (at most ${formatBytes(limitBytes)}).`);
  return stat;
}

export function readFileLimited(file: string, limitBytes: number, what: string): Buffer {
  checkReadable(file, limitBytes, what);
  return fs.readFileSync(file);
}

export async function readFileLimitedAsync(file: string, limitBytes: number, what: string): Promise<Buffer> {
  const stat = await fs.promises.stat(file);
  if (!stat.isFile() || stat.size > limitBytes) checkReadable(file, limitBytes, what);
  return fs.promises.readFile(file);
}
