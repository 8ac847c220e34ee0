import { describe, expect, it } from 'vitest';
import { addNode, connect, createGraphDocument, setParam, validateGraph } from '../../../core/graph/index.ts';
import { canvasEdges, nodeViewData } from './node-data.ts';
import { withoutNodePrefix } from './NodeView.tsx';

describe('what a node shows', () => {
  const doc = addNode(addNode(createGraphDocument('t'), { kind: 'BinaryPatternEpisode', position: { x: 0, y: 0 }, id: 'src' }), {
    kind: 'PlasticRecurrent',
    position: { x: 300, y: 0 },
    id: 'mem',
  });

  it('shows ports with inferred shapes, key parameters, and the node\'s problems', () => {
    const linked = connect(doc, { from: { node: 'src', port: 'input' }, to: { node: 'mem', port: 'drive' } });
    if (!linked.ok) throw new Error(linked.reason);
    const broken = setParam(linked.document, 'mem', 'size', -5);
    const data = nodeViewData(broken.nodes[1], validateGraph(broken));
    expect(data.plastic).toBe(true);
    expect(data.inputs.map((p) => p.name)).toEqual(['drive']);
    expect(data.keyParams.find((p) => p.name === 'size')).toMatchObject({ value: '-5', problem: true });
    expect(data.problems.some((p) => p.param === 'size')).toBe(true);

    const fixed = nodeViewData(linked.document.nodes[1], validateGraph(linked.document));
    expect(fixed.problems.filter((p) => p.param === 'size')).toEqual([]);
    expect(fixed.inputs[0].shape).toMatch(/^\[\d+\]$/);
    expect(fixed.outputs[0]).toMatchObject({ name: 'output', plastic: true });
  });

  it('draws connections out of a plastic layer as plastic', () => {
    const withSlice = addNode(doc, { kind: 'Slice', position: { x: 600, y: 0 }, id: 'cut' });
    const linked = connect(withSlice, { from: { node: 'mem', port: 'output' }, to: { node: 'cut', port: 'input' } });
    if (!linked.ok) throw new Error(linked.reason);
    const [edge] = canvasEdges(linked.document, validateGraph(linked.document), new Set());
    expect(edge.className).toContain('edge-plastic');
    expect(edge.data).toEqual({ plastic: true });
  });

  it('strips the node name from messages shown on the node', () => {
    expect(withoutNodePrefix('Node "Plastic memory (1001 neurons)" (Plastic recurrent layer): parameter "size" is -5')).toBe('parameter "size" is -5');
    expect(withoutNodePrefix('The graph has no loss node')).toBe('The graph has no loss node');
  });
});
