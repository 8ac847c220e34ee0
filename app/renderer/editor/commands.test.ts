import { describe, expect, it } from 'vitest';
import { addNode, connect, createGraphDocument, type GraphDocument } from '../../../core/graph/index.ts';
import { connectionEnds, editorCommands as commands, READ_ONLY_MESSAGE, type CommandOutcome, type EditorView } from './commands.ts';

function twoNodes(): GraphDocument {
  let doc = createGraphDocument('Commands');
  doc = addNode(doc, { kind: 'BinaryPatternEpisode', id: 'patterns', position: { x: 0, y: 0 }, params: { patternSize: 8 } });
  doc = addNode(doc, { kind: 'PlasticRecurrent', id: 'memory', position: { x: 300, y: 0 }, params: { size: 9 } });
  return doc;
}

const view = (document: GraphDocument, selection: Partial<EditorView> = {}): EditorView => ({ document, selectedNodes: [], selectedEdges: [], readOnly: false, ...selection });

function edited(outcome: CommandOutcome) {
  if (outcome.kind !== 'edit') throw new Error(`expected an edit, got ${JSON.stringify(outcome)}`);
  return outcome;
}

describe('editor commands', () => {
  it('add a node titled by its kind, selected, at a whole-pixel position', () => {
    const outcome = edited(commands.addNode(view(twoNodes()), 'Dense', { x: 10.6, y: -3.2 }));
    expect(outcome.label).toBe('Add Dense layer');
    const added = outcome.document.nodes.at(-1)!;
    expect(outcome.select).toEqual([added.id]);
    expect(added.position).toEqual({ x: 11, y: -3 });
    expect(added.label).toBe('Dense layer');
    const second = edited(commands.addNode(view(outcome.document), 'Dense', { x: 0, y: 0 })).document.nodes.at(-1)!;
    expect(second.label).toBe('Dense layer 2');
    expect(second.id).not.toBe(added.id);
  });

  it('connect output to input, and refuse a connection the graph cannot take, saying why', () => {
    const doc = twoNodes();
    const outcome = edited(commands.connect(view(doc), { node: 'patterns', port: 'input' }, { node: 'memory', port: 'drive' }));
    expect(outcome.label).toBe('Connect patterns.input → memory.drive');
    expect(outcome.document.edges).toHaveLength(1);
    const wrongWay = commands.connect(view(doc), { node: 'memory', port: 'drive' }, { node: 'patterns', port: 'input' });
    expect(wrongWay).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/^Cannot connect: /) });
    expect(commands.connectionRefusal(view(doc), { node: 'patterns', port: 'target' }, { node: 'memory', port: 'drive' })).toMatch(/^Cannot connect: .*8/);
  });

  it('read a connection dragged from an input as the same output → input edge', () => {
    const fromOutput = connectionEnds({ nodeId: 'patterns', id: 'input', type: 'source' }, { nodeId: 'memory', id: 'drive' });
    const fromInput = connectionEnds({ nodeId: 'memory', id: 'drive', type: 'target' }, { nodeId: 'patterns', id: 'input' });
    expect(fromInput).toEqual(fromOutput);
    expect(fromOutput).toEqual({ from: { node: 'patterns', port: 'input' }, to: { node: 'memory', port: 'drive' } });
  });

  it('move only the nodes whose position changed, and name one by its id', () => {
    const doc = twoNodes();
    expect(commands.moveNodes(view(doc), [{ id: 'memory', position: { x: 300.2, y: 0 } }])).toEqual({ kind: 'none' });
    const outcome = edited(commands.moveNodes(view(doc), [{ id: 'memory', position: { x: 320, y: 0 } }, { id: 'patterns', position: { x: 0, y: 0 } }]));
    expect(outcome.label).toBe('Move memory');
  });

  it('delete the selected nodes, else the selected connections, else nothing', () => {
    const doc = twoNodes();
    const wired = connect(doc, { from: { node: 'patterns', port: 'input' }, to: { node: 'memory', port: 'drive' } });
    if (!wired.ok) throw new Error(wired.reason);
    expect(edited(commands.deleteSelection(view(doc, { selectedNodes: ['memory'] }))).label).toBe('Delete 1 node');
    const edge = wired.document.edges[0].id;
    const outcome = edited(commands.deleteSelection(view(wired.document, { selectedEdges: [edge] })));
    expect(outcome.label).toBe('Delete 1 connection');
    expect(outcome.document.edges).toEqual([]);
    expect(commands.deleteSelection(view(doc))).toEqual({ kind: 'none' });
  });

  it('copy, cut, paste and duplicate, selecting what they add', () => {
    const doc = twoNodes();
    const fragment = commands.copy(view(doc, { selectedNodes: ['memory'] }));
    expect(commands.copy(view(doc))).toBeNull();
    const pasted = edited(commands.paste(view(doc), fragment));
    expect(pasted.label).toBe('Paste 1 node');
    expect(pasted.select).toEqual([pasted.document.nodes.at(-1)!.id]);
    expect(pasted.select![0]).not.toBe('memory');
    expect(commands.paste(view(doc), null)).toEqual({ kind: 'none' });
    expect(edited(commands.cut(view(doc, { selectedNodes: ['patterns', 'memory'] }))).document.nodes).toEqual([]);
    expect(edited(commands.duplicate(view(doc, { selectedNodes: ['patterns', 'memory'] }))).select).toHaveLength(2);
  });

  it('refuse every change to a trained model with one message, and still allow copying from it', () => {
    const readOnly = view(twoNodes(), { readOnly: true, selectedNodes: ['memory'] });
    const refusal = { kind: 'refused', reason: READ_ONLY_MESSAGE };
    expect(commands.addNode(readOnly, 'Dense', { x: 0, y: 0 })).toEqual(refusal);
    expect(commands.connect(readOnly, { node: 'patterns', port: 'input' }, { node: 'memory', port: 'drive' })).toEqual(refusal);
    expect(commands.moveNodes(readOnly, [{ id: 'memory', position: { x: 1, y: 1 } }])).toEqual(refusal);
    expect(commands.deleteSelection(readOnly)).toEqual(refusal);
    expect(commands.cut(readOnly)).toEqual(refusal);
    expect(commands.paste(readOnly, commands.copy(readOnly))).toEqual(refusal);
    expect(commands.duplicate(readOnly)).toEqual(refusal);
    expect(commands.autoLayout(readOnly)).toEqual(refusal);
    expect(commands.copy(readOnly)?.nodes).toHaveLength(1);
  });

  it('lay the graph out as one undo step', () => {
    expect(edited(commands.autoLayout(view(twoNodes()))).label).toBe('Auto-layout');
  });
});
