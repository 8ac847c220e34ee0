// The open document with its history and selection, and the one way to change it: run an editor command
// (commands.ts) or apply a field's edit. Refusals reach the user as notices; a trained model is refused here,
// for every command alike.
import { useCallback, useMemo, useReducer, useRef } from 'react';
import { createGraphDocument, type GraphFragment } from '../../../core/graph/index.ts';
import { READ_ONLY_MESSAGE, type CommandOutcome, type EditorView } from './commands.ts';
import { editorReducer, initialEditorState, isReadOnly, type DocumentEdit, type EditorAction, type EditorState } from './editor-state.ts';
import { redoLabel, undoLabel } from './history.ts';
import type { Notify } from '../shell/use-notices.tsx';

export type RunCommand = <A extends unknown[]>(command: (view: EditorView, ...args: A) => CommandOutcome, ...args: A) => boolean;

export interface Editor {
  state: EditorState;
  /** The state as of the last dispatch, for callbacks that must not go stale between renders. */
  current(): EditorState;
  view(): EditorView;
  dispatch(action: EditorAction): void;
  /** Runs a command on the present document; true when it changed it. */
  run: RunCommand;
  /** A field's edit (the inspector): computed from the present document when it lands. */
  edit(document: DocumentEdit, label: string): void;
  select(nodes: readonly string[], edges: readonly string[]): void;
  undo(): void;
  redo(): void;
  /** True, after saying why, when the open document is a trained model. */
  refuseReadOnly(): boolean;
  clipboard: { current: GraphFragment | null };
}

export function useEditor(notify: Notify): Editor {
  const [state, dispatch] = useReducer(editorReducer, createGraphDocument('Untitled'), initialEditorState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const clipboard = useRef<GraphFragment | null>(null);

  const view = useCallback((): EditorView => {
    const s = stateRef.current;
    return { document: s.history.present, selectedNodes: s.selectedNodes, selectedEdges: s.selectedEdges, readOnly: isReadOnly(s) };
  }, []);

  const apply = useCallback(
    (outcome: CommandOutcome): boolean => {
      if (outcome.kind === 'refused') notify(outcome.reason, outcome.reason === READ_ONLY_MESSAGE ? 'warning' : 'error', outcome.reason === READ_ONLY_MESSAGE ? 4000 : undefined);
      if (outcome.kind !== 'edit') return false;
      dispatch({ type: 'edit', document: outcome.document, label: outcome.label, select: outcome.select });
      return true;
    },
    [notify],
  );

  const run: RunCommand = useCallback((command, ...args) => apply(command(view(), ...args)), [apply, view]);

  const refuseReadOnly = useCallback(() => {
    if (!isReadOnly(stateRef.current)) return false;
    notify(READ_ONLY_MESSAGE, 'warning', 4000);
    return true;
  }, [notify]);

  const edit = useCallback(
    (document: DocumentEdit, label: string) => {
      if (!refuseReadOnly()) dispatch({ type: 'edit', document, label });
    },
    [refuseReadOnly],
  );

  const select = useCallback((nodes: readonly string[], edges: readonly string[]) => dispatch({ type: 'select', nodes, edges }), []);

  const step = useCallback(
    (direction: 'undo' | 'redo') => {
      if (refuseReadOnly()) return;
      const history = stateRef.current.history;
      const label = direction === 'undo' ? undoLabel(history) : redoLabel(history);
      if (label) notify(`${direction === 'undo' ? 'Undid' : 'Redid'}: ${label}`, 'info', 2500);
      dispatch({ type: direction });
    },
    [notify, refuseReadOnly],
  );
  const undo = useCallback(() => step('undo'), [step]);
  const redo = useCallback(() => step('redo'), [step]);

  const current = useCallback(() => stateRef.current, []);
  return useMemo(
    () => ({ state, current, view, dispatch, run, edit, select, undo, redo, refuseReadOnly, clipboard }),
    [state, current, view, run, edit, select, undo, redo, refuseReadOnly],
  );
}
