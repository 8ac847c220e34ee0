// Writes that never leave a half-written file behind: write a temporary sibling, then rename over.
import fs from 'node:fs';
import path from 'node:path';

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, data);
  fs.renameSync(temporary, file);
}

/**
 * Replaces a whole directory atomically enough for checkpoints: the new content is written to a
 * temporary sibling first, and the old directory is only removed after the new one is in place,
 * so a crash at any point leaves either the old or the new directory complete.
 */
export function replaceDirectory(dir: string, write: (temporaryDir: string) => void): void {
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  const temporary = path.join(parent, `.${base}.${process.pid}.new`);
  const previous = path.join(parent, `.${base}.${process.pid}.old`);
  fs.rmSync(temporary, { recursive: true, force: true });
  fs.mkdirSync(temporary, { recursive: true });
  write(temporary);
  const hadPrevious = fs.existsSync(dir);
  if (hadPrevious) fs.renameSync(dir, previous);
  fs.renameSync(temporary, dir);
  if (hadPrevious) fs.rmSync(previous, { recursive: true, force: true });
}
