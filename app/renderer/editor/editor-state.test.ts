import { describe, expect, it } from 'vitest';
import { addNode, createGraphDocument, removeNodes } from '../../../core/graph/index.ts';
import { documentTitle, editorReducer, initialEditorState, isDirty } from './editor-state.ts';

describe('editor state', () => {
  const blank = createGraphDocument('My graph');

  it('tracks unsaved changes through edits, undo and save', () => {
    let s = initialEditorState(blank);
    expect(isDirty(s)).toBe(false);
    const withNode = addNode(blank, { kind: 'Dense', position: { x: 0, y: 0 } });
    s = editorReducer(s, { type: 'edit', document: withNode, label: 'Add Dense', select: [withNode.nodes[0].id] });
    expect(isDirty(s)).toBe(true);
    expect(s.selectedNodes).toEqual([withNode.nodes[0].id]);
    s = editorReducer(s, { type: 'undo' });
    expect(isDirty(s)).toBe(false);
    expect(s.selectedNodes).toEqual([]); // the node is gone, so is its selection
    s = editorReducer(s, { type: 'redo' });
    s = editorReducer(s, { type: 'saved', filePath: '/tmp/a/net.plastic.json', document: s.history.present });
    expect(isDirty(s)).toBe(false);
    expect(documentTitle(s)).toBe('net.plastic.json');
    s = editorReducer(s, { type: 'edit', document: removeNodes(s.history.present, [withNode.nodes[0].id]), label: 'Delete' });
    expect(isDirty(s)).toBe(true);
  });

  it('loads recovered work as unsaved', () => {
    const s = editorReducer(initialEditorState(blank), { type: 'load', document: blank, filePath: null, unsaved: true });
    expect(isDirty(s)).toBe(true);
    expect(documentTitle(s)).toBe('My graph');
  });
});
