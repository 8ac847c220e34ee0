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

  it('terminates on cycles', () => {
    const positions = layeredPositions(graph(['a', 'b'], [['a', 'b'], ['b', 'a']]));
    expect(positions.size).toBe(2);
  });
});
