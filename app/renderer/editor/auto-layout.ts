// Auto-layout: nodes in columns by their depth in the data flow (sources left, losses right), each column
// ordered to follow its inputs, so edges mostly run left to right without crossing.
import type { GraphDocument } from '../../../core/graph/index.ts';

export interface LayoutOptions {
  columnWidth: number;
  rowHeight: number;
}

export function layeredPositions(doc: GraphDocument, options: LayoutOptions = { columnWidth: 380, rowHeight: 200 }): Map<string, { x: number; y: number }> {
  const ids = doc.nodes.map((n) => n.id);
  const incoming = new Map(ids.map((id) => [id, [] as string[]]));
  for (const edge of doc.edges) if (edge.from.node !== edge.to.node) incoming.get(edge.to.node)?.push(edge.from.node);

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
  for (const d of [...columns.keys()].sort((a, b) => a - b)) {
    const column = columns.get(d)!;
    const meanInputRow = (id: string) => {
      const rows = (incoming.get(id) ?? []).map((p) => row.get(p)).filter((r): r is number => r !== undefined);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : ids.indexOf(id);
    };
    column.sort((a, b) => meanInputRow(a) - meanInputRow(b));
    column.forEach((id, i) => {
      row.set(id, i);
      positions.set(id, { x: d * options.columnWidth, y: i * options.rowHeight });
    });
  }
  return positions;
}
