// Opening and saving graph documents on disk, and listing folders for the browser mode's file dialog.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GRAPH_FILE_EXTENSION, graphDocumentFromJson, parseGraphDocument, serializeGraphDocument } from '../../../core/graph/document.ts';
import type { GraphDocument } from '../../../core/graph/document.ts';
import { bundleFiles } from '../../../core/export/bundle-format.ts';
import type { DirectoryEntry } from '../../shared/channels.ts';
import { FileRefused, readFileLimitedAsync } from '../../../core/util/read-limited.ts';
import { GRAPH_FILE_LIMIT_BYTES } from '../../../core/graph/document.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { UserError } from './user-error.ts';

export async function readGraphFile(filePath: string): Promise<GraphDocument> {
  const absolute = path.resolve(filePath);
  let text: string;
  try {
    text = (await readFileLimitedAsync(absolute, GRAPH_FILE_LIMIT_BYTES, 'graph')).toString('utf8');
  } catch (error) {
    if (error instanceof FileRefused) throw new UserError(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${absolute} does not exist.`);
    if (code === 'EISDIR') throw new UserError(`${absolute} is a folder, not a graph file.`);
    throw new UserError(`Could not read ${absolute}: ${(error as Error).message}`);
  }
  const parsed = parseGraphDocument(text, path.basename(absolute));
  if (!parsed.ok) throw new UserError(parsed.problems.map((p) => p.message).join('\n'));
  return parsed.document;
}

/** Checks a document received from the renderer against the full schema before anything is written. */
export function checkDocument(raw: unknown, what = 'The graph'): GraphDocument {
  const parsed = graphDocumentFromJson(raw, what);
  if (!parsed.ok) throw new UserError(parsed.problems.map((p) => p.message).join('\n'));
  return parsed.document;
}

/** Saving only ever writes `.plastic.json` files, so a request can never overwrite an unrelated file. */
export function normaliseGraphPath(filePath: string): string {
  const absolute = path.resolve(filePath);
  if (absolute.endsWith(GRAPH_FILE_EXTENSION)) return absolute;
  if (absolute.endsWith('.json')) throw new UserError(`Graph files end in ${GRAPH_FILE_EXTENSION}: ${absolute}`);
  return absolute + GRAPH_FILE_EXTENSION;
}

export async function writeGraphFile(filePath: string, raw: unknown): Promise<string> {
  const target = normaliseGraphPath(filePath);
  const document = checkDocument(raw, path.basename(target));
  try {
    await writeFileAtomic(target, serializeGraphDocument(document));
  } catch (error) {
    throw new UserError(`Could not save ${target}: ${(error as Error).message}`);
  }
  return target;
}

async function holdsModelJson(folder: string): Promise<boolean> {
  try {
    return (await fs.stat(path.join(folder, bundleFiles.model))).isFile();
  } catch {
    return false;
  }
}

/**
 * Folders, graph files and model bundles (.zip files, folders holding model.json) in `dir`: folders
 * first, hidden entries left out.
 */
export async function listGraphDirectory(dir: string): Promise<{ dir: string; parent: string | null; entries: DirectoryEntry[] }> {
  const absolute = path.resolve(dir);
  let dirents;
  try {
    dirents = await fs.readdir(absolute, { withFileTypes: true });
  } catch (error) {
    throw new UserError(`Could not list ${absolute}: ${(error as Error).message}`);
  }
  const shown = dirents.filter((d) => !d.name.startsWith('.')).filter((d) => d.isDirectory() || d.name.endsWith(GRAPH_FILE_EXTENSION) || /\.zip$/i.test(d.name));
  const entries = (
    await Promise.all(
      shown.map(async (d): Promise<DirectoryEntry> => {
        const full = path.join(absolute, d.name);
        const bundle = d.isDirectory() ? await holdsModelJson(full) : /\.zip$/i.test(d.name);
        return { name: d.name, path: full, isDirectory: d.isDirectory(), ...(bundle && { bundle }) };
      }),
    )
  ).sort((a, b) => Number(b.isDirectory) - Number(a.isDirectory) || a.name.localeCompare(b.name));
  const parent = path.dirname(absolute);
  return { dir: absolute, parent: parent === absolute ? null : parent, entries };
}
