// Auto-layout: nodes in columns by their depth in the data flow (sources left, losses right), each column
// ordered to follow its inputs, so edges mostly run left to right without crossing. A long chain wraps after
// `maxColumns` columns into bands below each other (read like lines of text), so it fits a laptop's canvas at
// a zoom where node text stays legible.
import type { GraphDocument } from '../../../core/graph/index.ts';
import { getNodeKind } from '../../../core/nodes/index.ts';

export interface LayoutOptions {
  columnWidth: number;
  rowHeight: number;
  /** Columns per band (default: no wrapping). */
  maxColumns?: number;
  /** Space between bands. */
  bandGap?: number;
}

/** The layout the editor's Auto-Layout and the templates use: three columns of nodes per band. */
export const defaultLayout: LayoutOptions = { columnWidth: 330, rowHeight: 190, maxColumns: 3, bandGap: 50 };

export function layeredPositions(doc: GraphDocument, options: LayoutOptions = defaultLayout): Map<string, { x: number; y: number }> {
  const ids = doc.nodes.map((n) => n.id);
  const incoming = new Map(ids.map((id) => [id, [] as string[]]));
  // An environment's inputs (the agent's action) are feedback from the next step: it stays a source.
  const environments = new Set(doc.nodes.filter((n) => getNodeKind(n.kind)?.category === 'environment').map((n) => n.id));
  for (const edge of doc.edges) {
    if (edge.from.node !== edge.to.node && !environments.has(edge.to.node)) incoming.get(edge.to.node)?.push(edge.from.node);
  }

  // Longest path from a source; a node on a cycle is placed from the inputs seen before the cycle closes.
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const d = Math.max(-1, ...(incoming.get(id) ?? []).map(depthOf)) + 1;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  ids.forEach(depthOf);

  const columns = new Map<number, string[]>();
  for (const id of ids) columns.set(depth.get(id)!, [...(columns.get(depth.get(id)!) ?? []), id]);
  const row = new Map<string, number>();
  const positions = new Map<string, { x: number; y: number }>();
  const perBand = options.maxColumns ?? Number.POSITIVE_INFINITY;
  const bandOf = (d: number) => (Number.isFinite(perBand) ? Math.floor(d / perBand) : 0);
  // Each band is as tall as its tallest column.
  const bandTop: number[] = [0];
  const depths = [...columns.keys()].sort((a, b) => a - b);
  for (const d of depths) {
    const band = bandOf(d);
    const height = columns.get(d)!.length * options.rowHeight + (options.bandGap ?? 0);
    bandTop[band + 1] = Math.max(bandTop[band + 1] ?? 0, bandTop[band] + height);
  }
  for (const d of depths) {
    const column = columns.get(d)!;
    const meanInputRow = (id: string) => {
      const rows = (incoming.get(id) ?? []).map((p) => row.get(p)).filter((r): r is number => r !== undefined);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : ids.indexOf(id);
    };
    column.sort((a, b) => meanInputRow(a) - meanInputRow(b));
    column.forEach((id, i) => {
      row.set(id, i);
      const band = bandOf(d);
      positions.set(id, { x: (band === 0 ? d : d - band * perBand) * options.columnWidth, y: bandTop[band] + i * options.rowHeight });
    });
  }
  return positions;
}
