// Numbered migrations that bring an older graph document up to the current version, one step at a time
// (chaiNNer-style). Each step takes plain JSON and returns plain JSON; the zod schema only ever sees the
// current version. To change the format: bump CURRENT_VERSION, append a step, add a test with an old file.
import { showValue } from '../util/show-value.ts';

/** The newest document version this build reads and writes. */
export const CURRENT_VERSION = 1;

export interface Migration {
  from: number;
  to: number;
  description: string;
  migrate(raw: Record<string, unknown>): Record<string, unknown>;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export const migrations: readonly Migration[] = [
  {
    // Version 0 is the prototype's shape: no `format`/`version`, name and description at the top level,
    // nodes with `type` and flat `x`/`y`, and connections in `links` as "node.port" strings.
    from: 0,
    to: 1,
    description: 'prototype files: add format/version, move name into meta, nodes.type → kind, links → edges',
    migrate(raw) {
      const { name, description, nodes, links, ...rest } = raw;
      const meta: Json = { name: typeof name === 'string' ? name : 'Untitled' };
      if (typeof description === 'string') meta.description = description;
      const migratedNodes = Array.isArray(nodes)
        ? nodes.map((node) => {
            if (!isObject(node)) return node;
            const { type, x, y, ...nodeRest } = node;
            return { ...nodeRest, kind: nodeRest.kind ?? type, position: nodeRest.position ?? { x: x ?? 0, y: y ?? 0 } };
          })
        : nodes;
      const edges = Array.isArray(links)
        ? links.map((link, index) => {
            if (!isObject(link)) return link;
            const { from, to, ...linkRest } = link;
            return { id: `e${index + 1}`, ...linkRest, from: splitPortRef(from), to: splitPortRef(to) };
          })
        : (rest.edges ?? []);
      return { format: 'plasticity-graph', version: 1, meta, ...rest, nodes: migratedNodes, edges };
    },
  },
];

/** "memory.drive" → { node: "memory", port: "drive" }; the port is after the LAST dot so node ids may contain dots. */
function splitPortRef(ref: unknown): unknown {
  if (typeof ref !== 'string') return ref;
  const dot = ref.lastIndexOf('.');
  return dot < 0 ? { node: ref, port: '' } : { node: ref.slice(0, dot), port: ref.slice(dot + 1) };
}

export type MigrationResult = { ok: true; value: Json; fromVersion: number } | { ok: false; message: string; path?: string };

/** Which version a raw document is; files with neither `format` nor `version` are prototype (version 0) files. */
export function detectVersion(raw: Json): number | undefined {
  if (raw.format === undefined && raw.version === undefined) return 0;
  return typeof raw.version === 'number' && Number.isInteger(raw.version) && raw.version >= 0 ? raw.version : undefined;
}

export function migrateToCurrent(raw: unknown, fileName = 'graph'): MigrationResult {
  if (!isObject(raw)) return { ok: false, message: `${fileName} is not a Plasticity Studio graph: expected a JSON object at the top level.` };
  if (raw.format !== undefined && raw.format !== 'plasticity-graph') {
    return { ok: false, path: 'format', message: `${fileName} is not a Plasticity Studio graph: its "format" is ${showValue(raw.format)}, expected "plasticity-graph".` };
  }
  const version = detectVersion(raw);
  if (version === undefined) {
    return { ok: false, path: 'version', message: `${fileName}: "version" must be a whole number (this Plasticity Studio reads up to version ${CURRENT_VERSION}); it is ${showValue(raw.version)}.` };
  }
  if (version > CURRENT_VERSION) {
    return { ok: false, path: 'version', message: `${fileName} was made by a newer Plasticity Studio (version ${version}); this one reads up to version ${CURRENT_VERSION}. Update Plasticity Studio to open it.` };
  }
  let value = raw;
  for (let at = version; at < CURRENT_VERSION; at++) {
    const step = migrations.find((m) => m.from === at);
    if (!step) return { ok: false, path: 'version', message: `${fileName}: no migration from version ${at}; the file cannot be upgraded.` };
    value = step.migrate(value);
  }
  return { ok: true, value, fromVersion: version };
}
