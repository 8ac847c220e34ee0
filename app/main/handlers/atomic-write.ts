// Files the app's main process keeps (documents, autosaves, settings): written through the one atomic
// writer of core, which flushes to disk before and after the rename.
import { promises as fs } from 'node:fs';

export { writeFileAtomicAsync as writeFileAtomic } from '../../../core/util/atomic-write.ts';

/** Reads and parses a JSON file; `undefined` when it does not exist or cannot be parsed. */
export async function readJsonIfPresent(filePath: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(filePath, 'utf8'));
  } catch {
    return undefined;
  }
}
