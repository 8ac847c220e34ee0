// Writes that a crash or a power cut never leaves half-done. New content goes to a temporary sibling (same
// filesystem, so the rename is atomic), is flushed to disk, then renamed over the target, and the folder
// holding the rename is flushed too: without the flushes a power cut can leave a renamed file empty.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

function temporarySibling(target: string, suffix: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.${suffix}`);
}

/** Flushes a folder's entries (a rename or a new file in it). Some systems cannot open a folder; they journal renames anyway. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot fsync a directory handle; NTFS orders the rename after the file's data.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function writeAndSync(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const temporary = temporarySibling(file, 'tmp');
  try {
    writeAndSync(temporary, data);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  syncFolder(path.dirname(file));
}

/** The same, without blocking the event loop (the app's main process writes settings and documents this way). */
export async function writeFileAtomicAsync(file: string, data: string | Uint8Array): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const temporary = temporarySibling(file, 'tmp');
  try {
    const handle = await fs.promises.open(temporary, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temporary, file);
  } catch (error) {
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
  syncFolder(path.dirname(file));
}

function syncTree(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) syncTree(child);
    else if (entry.isFile()) {
      const fd = fs.openSync(child, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
  syncFolder(dir);
}

/** The siblings a replacement of `dir` leaves while under way: `.<name>.<pid>-<random>.new` and `.old`. */
function replacementSiblings(dir: string): { fresh: string[]; previous: string[] } {
  const parent = path.dirname(dir);
  const prefix = `.${path.basename(dir)}.`;
  const fresh: string[] = [];
  const previous: string[] = [];
  let names: string[] = [];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return { fresh, previous };
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    if (name.endsWith('.new')) fresh.push(path.join(parent, name));
    else if (name.endsWith('.old')) previous.push(path.join(parent, name));
  }
  return { fresh, previous };
}

/**
 * Replaces a whole folder so that a crash at any point leaves one complete copy that
 * `restoreInterruptedReplace` finds: the new content is written and flushed in a temporary sibling
 * (`.new`), the old folder is renamed aside (`.old`), the new one renamed into place, and only then is the
 * old one removed.
 */
export function replaceDirectory(dir: string, write: (temporaryDir: string) => void): void {
  const temporary = temporarySibling(dir, 'new');
  fs.mkdirSync(temporary, { recursive: true });
  try {
    write(temporary);
    syncTree(temporary);
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  const previous = fs.existsSync(dir) ? temporarySibling(dir, 'old') : null;
  if (previous) fs.renameSync(dir, previous);
  fs.renameSync(temporary, dir);
  syncFolder(path.dirname(dir));
  if (previous) fs.rmSync(previous, { recursive: true, force: true });
  // Leftovers of an earlier, interrupted replacement are no longer needed once a complete copy is in place.
  restoreInterruptedReplace(dir, () => true);
}

/**
 * Finishes or undoes a replacement of `dir` that a crash interrupted, so that `dir` is the newest complete
 * copy, and removes the leftovers. `isComplete` says whether a folder holds everything a reader needs
 * (a `.new` folder is only complete once its last file was written). Returns whether `dir` exists afterwards.
 */
export function restoreInterruptedReplace(dir: string, isComplete: (folder: string) => boolean): boolean {
  const { fresh, previous } = replacementSiblings(dir);
  if (!fs.existsSync(dir) || !isComplete(dir)) {
    // Between the two renames both copies are complete and the new one is the one to keep.
    const candidates = [...fresh.filter(isComplete), ...previous.filter(isComplete)];
    const keep = candidates[0];
    if (keep) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(keep, dir);
      syncFolder(path.dirname(dir));
    }
  }
  for (const leftover of [...fresh, ...previous]) {
    if (leftover !== dir && fs.existsSync(leftover)) fs.rmSync(leftover, { recursive: true, force: true });
  }
  return fs.existsSync(dir);
}
