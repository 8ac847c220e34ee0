// A run folder as one zip, so a queue can carry it between machines that share no disk: a worker sends it
// after each checkpoint (the job can resume elsewhere if the worker dies) and when the run ends.
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { replaceDirectory } from '../util/atomic-write.ts';
import { runFiles } from '../train/run-folder.ts';

/** Reads every file of the folder except hidden ones (an interrupted checkpoint replacement's leftovers). */
function readTree(dir: string, prefix = ''): Zippable {
  const files: Zippable = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(files, readTree(full, `${prefix}${entry.name}/`));
    else if (entry.isFile()) files[`${prefix}${entry.name}`] = fs.readFileSync(full);
  }
  return files;
}

const checkpointIdentity = (runDir: string) => {
  try {
    return fs.statSync(path.join(runDir, runFiles.checkpoint)).ino;
  } catch {
    return null;
  }
};

/**
 * Zips a run folder that a trainer may be writing to. The checkpoint is replaced as a whole folder (a rename), so
 * a snapshot is retried until the checkpoint folder is the same one before and after reading: never half of one
 * checkpoint and half of the next.
 */
export function snapshotRunFolder(runDir: string): Uint8Array {
  for (let attempt = 0; ; attempt++) {
    const before = checkpointIdentity(runDir);
    try {
      const files = readTree(runDir);
      // Stored, not compressed: zipping tens of MB of weights would block the event loop that renews the job's lock.
      if (checkpointIdentity(runDir) === before) return zipSync(files, { level: 0 });
    } catch (error) {
      if (attempt >= 20) throw error; // a file vanished mid-read (a checkpoint being replaced): read again
    }
    if (attempt >= 20) throw new Error(`${runDir}: the checkpoint kept changing while it was being read.`);
  }
}

/** Replaces `runDir` with the snapshot's content (all at once: a reader never sees half of it). */
export function restoreRunFolder(snapshot: Uint8Array, runDir: string): void {
  const files = unzipSync(snapshot);
  fs.mkdirSync(path.dirname(runDir), { recursive: true });
  replaceDirectory(runDir, (temporary) => {
    for (const [name, bytes] of Object.entries(files)) {
      if (name.endsWith('/')) continue;
      const target = path.join(temporary, name);
      // Only paths inside the folder: a snapshot comes over the network.
      if (!target.startsWith(temporary + path.sep)) throw new Error(`A run snapshot names a file outside its folder: ${name}`);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, bytes);
    }
  });
}
