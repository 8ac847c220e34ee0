// Reads a graph file for the CLI: every problem becomes one line naming the file, node, port or field.
import path from 'node:path';
import { GRAPH_FILE_LIMIT_BYTES, parseGraphDocument, type GraphDocument } from '../graph/document.ts';
import { InputError } from '../util/input-error.ts';
import { FileRefused, readFileLimited } from '../util/read-limited.ts';
import { validateGraph, type Problem } from '../graph/index.ts';

export class CliError extends InputError {
  constructor(readonly lines: string[], readonly exitCode = 1) {
    super(lines.join('\n'));
  }
}

export function describeLocation(problem: { nodeId?: string; port?: string; param?: string; edgeId?: string }): string {
  const parts: string[] = [];
  if (problem.nodeId) parts.push(`node ${problem.nodeId}`);
  if (problem.port) parts.push(`port ${problem.port}`);
  if (problem.param) parts.push(`param ${problem.param}`);
  if (problem.edgeId) parts.push(`edge ${problem.edgeId}`);
  return parts.length ? ` [${parts.join(', ')}]` : '';
}

/** Parses a graph file; throws CliError with one line per problem if it cannot be read or parsed. */
export function readGraphFile(file: string): GraphDocument {
  const name = path.basename(file);
  let text: string;
  try {
    text = readFileLimited(file, GRAPH_FILE_LIMIT_BYTES, 'graph').toString('utf8');
  } catch (error) {
    if (error instanceof FileRefused) throw new CliError([error.message]);
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a graph file' : (error as Error).message;
    throw new CliError([`${file}: cannot read: ${reason}`]);
  }
  const parsed = parseGraphDocument(text, name);
  if (!parsed.ok) throw new CliError(parsed.problems.map((p) => `${file}: error: ${p.message}`));
  return parsed.document;
}

export function formatProblem(file: string, problem: Problem): string {
  return `${file}: ${problem.severity}: ${problem.message}${describeLocation(problem)}`;
}

/** Parses and validates; throws CliError listing every error (warnings are returned for printing). */
export function loadValidGraph(file: string): { doc: GraphDocument; warnings: Problem[] } {
  const doc = readGraphFile(file);
  const { problems } = validateGraph(doc);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new CliError(problems.map((p) => formatProblem(file, p)));
  return { doc, warnings: problems.filter((p) => p.severity === 'warning') };
}
