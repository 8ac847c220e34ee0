import { describe, expect, it } from 'vitest';
import { addNode, createGraphDocument, removeNodes, setParam } from '../../../core/graph/index.ts';
import { copyName, documentTitle, editorReducer, initialEditorState, isDirty, isReadOnly } from './editor-state.ts';

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

  it('records a field committed twice (Enter, then blur) as one step when the edit is computed from the present document', () => {
    const withNode = addNode(blank, { kind: 'Dense', id: 'hidden', position: { x: 0, y: 0 } });
    let s = initialEditorState(withNode);
    const setSize = (present: typeof blank) => setParam(present, 'hidden', 'size', 7);
    s = editorReducer(s, { type: 'edit', document: setSize, label: 'Set hidden.size' });
    s = editorReducer(s, { type: 'edit', document: setSize, label: 'Set hidden.size' });
    expect(s.history.past).toHaveLength(1);
    s = editorReducer(s, { type: 'undo' });
    expect(s.history.present).toBe(withNode);
  });

  it('loads recovered work as unsaved', () => {
    const s = editorReducer(initialEditorState(blank), { type: 'load', document: blank, filePath: null, unsaved: true });
    expect(isDirty(s)).toBe(true);
    expect(documentTitle(s)).toBe('My graph');
  });
});

describe('a trained model', () => {
  const trained = {
    path: '/w/run-model.zip',
    exportedAt: '2024-01-01T00:00:00Z',
    training: { runId: 'run', status: 'finished', seed: 0, episodesDone: 3, settings: {} },
    metrics: { lastEpisode: null, recentMean: null },
    producedBy: { backend: 'cpu', versions: {} },
    parameters: [],
  };
  const model = addNode(createGraphDocument('Trained net'), { kind: 'Dense', position: { x: 0, y: 0 } });
  const open = () => editorReducer(initialEditorState(createGraphDocument()), { type: 'load', document: model, filePath: null, trained });

  it('is read-only: edits, undo and redo change nothing, selection still works', () => {
    let s = open();
    expect(isReadOnly(s)).toBe(true);
    expect(documentTitle(s)).toBe('run-model.zip');
    const edited = editorReducer(s, { type: 'edit', document: removeNodes(model, [model.nodes[0].id]), label: 'Delete' });
    expect(edited).toBe(s);
    expect(editorReducer(s, { type: 'undo' })).toBe(s);
    expect(editorReducer(s, { type: 'redo' })).toBe(s);
    s = editorReducer(s, { type: 'select', nodes: [model.nodes[0].id] });
    expect(s.selectedNodes).toEqual([model.nodes[0].id]);
    expect(isDirty(s)).toBe(false);
  });

  it('becomes an ordinary unsaved document when copied, with no way back by undo', () => {
    let s = editorReducer(open(), { type: 'select', nodes: [model.nodes[0].id] });
    s = editorReducer(s, { type: 'makeCopy' });
    expect(isReadOnly(s)).toBe(false);
    expect(isDirty(s)).toBe(true);
    expect(s.filePath).toBeNull();
    expect(s.history.present.meta.name).toBe(copyName('Trained net'));
    expect(s.history.present.nodes).toEqual(model.nodes);
    expect(s.selectedNodes).toEqual([model.nodes[0].id]);
    expect(editorReducer(s, { type: 'undo' }).history.present).toBe(s.history.present);
    s = editorReducer(s, { type: 'edit', document: removeNodes(s.history.present, [model.nodes[0].id]), label: 'Delete' });
    expect(s.history.present.nodes).toEqual([]);
  });
});
