// The template gallery: every `*.plastic.json` in the templates folder, with the result it should reach.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GRAPH_FILE_EXTENSION, type GraphDocument } from '../../../core/graph/document.ts';
import type { TemplateSummary } from '../../shared/channels.ts';
import { readGraphFile } from './graph-files.ts';
import { UserError } from './user-error.ts';

export async function listTemplates(templatesDir: string): Promise<TemplateSummary[]> {
  let names: string[];
  try {
    names = (await fs.readdir(templatesDir)).filter((n) => n.endsWith(GRAPH_FILE_EXTENSION)).sort();
  } catch {
    return [];
  }
  const summaries: TemplateSummary[] = [];
  for (const name of names) {
    const filePath = path.join(templatesDir, name);
    try {
      const doc = await readGraphFile(filePath);
      summaries.push({
        id: name.slice(0, -GRAPH_FILE_EXTENSION.length),
        path: filePath,
        name: doc.meta.name,
        description: doc.meta.description ?? '',
        expected: doc.meta.expected,
        nodeCount: doc.nodes.length,
        episodes: doc.training.episodes,
      });
    } catch (error) {
      // A broken template must not hide the others; it is reported where the app was started.
      console.warn(`Template ${filePath} skipped: ${(error as Error).message}`);
    }
  }
  // The paper's simplest task first: it is the one a new user should try.
  return summaries.sort((a, b) => Number(b.id === 'binary-patterns') - Number(a.id === 'binary-patterns'));
}

export async function openTemplate(templatesDir: string, id: string): Promise<GraphDocument> {
  if (!/^[\w.-]+$/.test(id)) throw new UserError(`There is no template named "${id}".`);
  const filePath = path.join(templatesDir, id + GRAPH_FILE_EXTENSION);
  try {
    await fs.access(filePath);
  } catch {
    throw new UserError(`There is no template named "${id}".`);
  }
  return readGraphFile(filePath);
}
