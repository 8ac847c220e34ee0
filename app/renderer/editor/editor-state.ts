// The editor's state: the document with its undo history, the file it belongs to, and the selection.
// Changes only through these named actions, so every edit is undoable and "unsaved" is always right.
// A trained model (a bundle) is shown read-only: edits, undo and redo are refused until it is copied.
import { setMeta, setTraining, type GraphDocument } from '../../../core/graph/index.ts';
import type { TrainedModelInfo } from '../../shared/channels.ts';
import { commit, createHistory, redo, undo, type History } from './history.ts';

export interface EditorState {
  history: History<GraphDocument>;
  /** The file on disk, or null for a document never saved (and for a trained model: see `trained`). */
  filePath: string | null;
  /** The document as last opened or saved: unsaved changes are any difference from it. */
  saved: GraphDocument | null;
  selectedNodes: readonly string[];
  selectedEdges: readonly string[];
  /** Set while a trained model is open: its bundle's story and values. The document is then read-only. */
  trained: TrainedModelInfo | null;
}

/**
 * A new document, or a change computed from the document as it is when the edit lands. Fields commit on Enter
 * and again on blur; computed from the present document, a second commit of the same value changes nothing
 * and records nothing, where one computed from an earlier render would record a second, identical step.
 */
export type DocumentEdit = GraphDocument | ((present: GraphDocument) => GraphDocument);

export type EditorAction =
  | { type: 'load'; document: GraphDocument; filePath: string | null; label?: string; unsaved?: boolean; trained?: TrainedModelInfo }
  | { type: 'edit'; document: DocumentEdit; label: string; select?: readonly string[] }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'select'; nodes: readonly string[]; edges?: readonly string[] }
  | { type: 'saved'; filePath: string; document: GraphDocument }
  /** The trained model's graph becomes an ordinary unsaved document. */
  | { type: 'makeCopy' };

export function initialEditorState(document: GraphDocument): EditorState {
  return { history: createHistory(document, 'New graph'), filePath: null, saved: document, selectedNodes: [], selectedEdges: [], trained: null };
}

export function isReadOnly(state: EditorState): boolean {
  return state.trained !== null;
}

/** Drops selected ids that no longer exist (after an undo, a delete). */
function keepExisting(state: EditorState): EditorState {
  const doc = state.history.present;
  const nodes = state.selectedNodes.filter((id) => doc.nodes.some((n) => n.id === id));
  const edges = state.selectedEdges.filter((id) => doc.edges.some((e) => e.id === id));
  if (nodes.length === state.selectedNodes.length && edges.length === state.selectedEdges.length) return state;
  return { ...state, selectedNodes: nodes, selectedEdges: edges };
}

/** The copy's name says where it came from, so it is not mistaken for the trained model. */
export function copyName(name: string): string {
  return `${name || 'Untitled'} (copy)`;
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'load':
      return {
        history: createHistory(action.document, action.label ?? 'Open'),
        filePath: action.filePath,
        saved: action.unsaved ? null : action.document,
        selectedNodes: [],
        selectedEdges: [],
        trained: action.trained ?? null,
      };
    case 'edit': {
      if (isReadOnly(state)) return state;
      const present = state.history.present;
      const document = typeof action.document === 'function' ? action.document(present) : action.document;
      const history = commit(state.history, document, action.label);
      if (history === state.history) return state;
      const next = { ...state, history, ...(action.select && { selectedNodes: action.select, selectedEdges: [] }) };
      return keepExisting(next);
    }
    case 'undo':
      return isReadOnly(state) ? state : keepExisting({ ...state, history: undo(state.history) });
    case 'redo':
      return isReadOnly(state) ? state : keepExisting({ ...state, history: redo(state.history) });
    case 'select':
      return { ...state, selectedNodes: action.nodes, selectedEdges: action.edges ?? [] };
    case 'saved':
      // The file now holds `action.document`; if the user edited meanwhile, those edits remain unsaved.
      return { ...state, filePath: action.filePath, saved: action.document };
    case 'makeCopy': {
      if (!isReadOnly(state)) return state;
      // The copy starts from the model's trained weights (fine-tuning) until the user chooses fresh ones.
      const named = setMeta(state.history.present, { name: copyName(state.history.present.meta.name) });
      const document = state.trained ? setTraining(named, { initialWeights: { bundle: state.trained.path } }) : named;
      // A fresh history: undo must not lead back into the read-only model.
      return { ...state, history: createHistory(document, 'Make a copy'), filePath: null, saved: null, trained: null };
    }
  }
}

export function isDirty(state: EditorState): boolean {
  return state.history.present !== state.saved;
}

/** The name the window title and tabs show: the file's name, or the graph's name before it is saved. */
export function documentTitle(state: EditorState): string {
  const file = state.trained?.path ?? state.filePath;
  if (file) return file.split(/[\\/]/).filter(Boolean).pop()!;
  return state.history.present.meta.name || 'Untitled';
}
