import { describe, expect, it } from 'vitest';
import { createGraphDocument, type GraphDocument } from '../../../core/graph/index.ts';
import { layeredPositions } from './auto-layout.ts';

function graph(nodes: string[], edges: [string, string][]): GraphDocument {
  const doc = createGraphDocument('layout');
  return {
    ...doc,
    nodes: nodes.map((id) => ({ id, kind: 'Dense', position: { x: 999, y: 999 }, params: {} })),
    edges: edges.map(([a, b], i) => ({ id: `e${i}`, from: { node: a, port: 'output' }, to: { node: b, port: 'input' } })),
  };
}

describe('layeredPositions', () => {
  it('puts each node one column right of its deepest input', () => {
    const positions = layeredPositions(graph(['loss', 'src', 'mid', 'side'], [['src', 'mid'], ['mid', 'loss'], ['src', 'loss'], ['src', 'side']]), { columnWidth: 100, rowHeight: 10 });
    expect(positions.get('src')).toEqual({ x: 0, y: 0 });
    expect(positions.get('mid')!.x).toBe(100);
    expect(positions.get('side')!.x).toBe(100);
    expect(positions.get('loss')!.x).toBe(200);
    const ys = new Set(['mid', 'side'].map((id) => positions.get(id)!.y));
    expect(ys.size).toBe(2); // no two nodes on top of each other
  });

  it('wraps a long chain into bands of maxColumns columns, each band below the tallest column above it', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'side'];
    const positions = layeredPositions(graph(ids, [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['b', 'side']]), { columnWidth: 100, rowHeight: 10, maxColumns: 2, bandGap: 5 });
    expect(ids.map((id) => positions.get(id))).toEqual([
      { x: 0, y: 0 },
      { x: 100, y: 0 },
      { x: 0, y: 15 }, // band 1 starts below band 0 (one row) and the gap
      { x: 100, y: 15 },
      { x: 0, y: 40 }, // band 2 starts below band 1's tallest column (c and side: two rows)
      { x: 0, y: 25 },
    ]);
  });

  it("keeps an environment first although the agent's action feeds back into it", () => {
    const doc = graph(['policy', 'env'], [['env', 'policy'], ['policy', 'env']]);
    doc.nodes[1].kind = 'MazeEnvironment';
    const positions = layeredPositions(doc, { columnWidth: 100, rowHeight: 10 });
    expect(positions.get('env')!.x).toBe(0);
    expect(positions.get('policy')!.x).toBe(100);
  });

  it('terminates on cycles', () => {
    const positions = layeredPositions(graph(['a', 'b'], [['a', 'b'], ['b', 'a']]));
    expect(positions.size).toBe(2);
  });
});
