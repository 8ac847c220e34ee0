// What a path opens as, decided from its name, so File → Open can route a pick (native dialog, browser
// dialog, recent file) without asking the disk, and an export's name says whether it writes a .zip.
import { GRAPH_FILE_EXTENSION } from '../../core/graph/document.ts';

const MODEL_JSON = 'model.json';

export function isZipPath(filePath: string): boolean {
  return /\.zip$/i.test(filePath);
}

/**
 * A model bundle: a .zip, a bundle folder's model.json, or a folder (a name without .json). Anything else
 * ending in .json is opened as a graph, whose reader explains what is wrong with it.
 */
export function opensAsBundle(filePath: string): boolean {
  if (filePath.toLowerCase().endsWith(GRAPH_FILE_EXTENSION)) return false;
  const base = filePath.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? '';
  return isZipPath(base) || base === MODEL_JSON || !/\.json$/i.test(base);
}
