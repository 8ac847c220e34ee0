// The editor's commands, each decided in one place (in the manner of tldraw's actions): what it does to the
// document, the label its undo step carries, and the read-only policy (a trained model is never changed).
// The canvas, the palette, the menus and the shortcuts all go through these; the hook that applies them
// (use-editor.ts) dispatches the edit or shows the refusal.
import {
  addNode,
  canConnect,
  connect,
  copyNodes,
  disconnect,
  duplicateNodes,
  moveNodes,
  pasteNodes,
  removeNodes,
  type GraphDocument,
  type GraphFragment,
  type PortRef,
  type Position,
} from '../../../core/graph/index.ts';
import { getNodeKind } from '../../../core/nodes/index.ts';
import { layeredPositions } from './auto-layout.ts';

export const READ_ONLY_MESSAGE = 'Trained model — read-only. Make a copy to edit.';

/** What a command sees: the document, the selection, and whether the document may change. */
export interface EditorView {
  document: GraphDocument;
  selectedNodes: readonly string[];
  selectedEdges: readonly string[];
  readOnly: boolean;
}

export type CommandOutcome =
  /** A new document, recorded as one undo step named `label`; `select` replaces the selection. */
  | { kind: 'edit'; document: GraphDocument; label: string; select?: readonly string[] }
  /** Nothing to do (an empty selection, a drag that moved nothing). */
  | { kind: 'none' }
  /** Not allowed, with the reason shown to the user. */
  | { kind: 'refused'; reason: string };

const none: CommandOutcome = { kind: 'none' };
const plural = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;

/** Every command that changes the document passes here first: a trained model stays as it was trained. */
function editing(view: EditorView, change: () => CommandOutcome): CommandOutcome {
  return view.readOnly ? { kind: 'refused', reason: READ_ONLY_MESSAGE } : change();
}

/** Nodes added at the end of `next` (paste and duplicate append), to select them. */
const appended = (view: EditorView, next: GraphDocument) => next.nodes.slice(view.document.nodes.length).map((n) => n.id);

/** A connection dragged either way (from an output or from an input) as the edge it would be: output → input. */
export function connectionEnds(start: { nodeId: string; id?: string | null; type: 'source' | 'target' }, end: { nodeId: string; id?: string | null }): { from: PortRef; to: PortRef } {
  const source = start.type === 'source' ? start : end;
  const target = start.type === 'source' ? end : start;
  return { from: { node: source.nodeId, port: source.id ?? '' }, to: { node: target.nodeId, port: target.id ?? '' } };
}

export const editorCommands = {
  /** A new node titled by its kind ("Dense layer", then "Dense layer 2"), so canvas and messages read as words, not ids. */
  addNode: (view: EditorView, kind: string, position: Position): CommandOutcome =>
    editing(view, () => {
      const title = getNodeKind(kind)?.title ?? kind;
      const same = view.document.nodes.filter((n) => n.kind === kind).length;
      const label = same === 0 ? title : `${title} ${same + 1}`;
      const next = addNode(view.document, { kind, label, position: { x: Math.round(position.x), y: Math.round(position.y) } });
      return { kind: 'edit', document: next, label: `Add ${title}`, select: [next.nodes.at(-1)!.id] };
    }),

  connect: (view: EditorView, from: PortRef, to: PortRef): CommandOutcome =>
    editing(view, () => {
      const result = connect(view.document, { from, to });
      if (!result.ok) return { kind: 'refused', reason: `Cannot connect: ${result.reason}` };
      return { kind: 'edit', document: result.document, label: `Connect ${from.node}.${from.port} → ${to.node}.${to.port}` };
    }),

  /** Why a connection would be refused, or null: for the hint shown while dragging, before anything changes. */
  connectionRefusal: (view: EditorView, from: PortRef, to: PortRef): string | null => {
    const check = canConnect(view.document, from, to);
    return check.ok ? null : `Cannot connect: ${check.reason}`;
  },

  moveNodes: (view: EditorView, moves: readonly { id: string; position: Position }[]): CommandOutcome =>
    editing(view, () => {
      const rounded = moves.map((m) => ({ id: m.id, position: { x: Math.round(m.position.x), y: Math.round(m.position.y) } }));
      const changed = rounded.filter((m) => {
        const current = view.document.nodes.find((n) => n.id === m.id)?.position;
        return current && (current.x !== m.position.x || current.y !== m.position.y);
      });
      if (changed.length === 0) return none;
      return { kind: 'edit', document: moveNodes(view.document, changed), label: changed.length === 1 ? `Move ${changed[0].id}` : `Move ${changed.length} nodes` };
    }),

  deleteSelection: (view: EditorView): CommandOutcome =>
    editing(view, () => {
      if (view.selectedNodes.length) return { kind: 'edit', document: removeNodes(view.document, view.selectedNodes), label: `Delete ${plural(view.selectedNodes.length, 'node')}` };
      if (view.selectedEdges.length) return { kind: 'edit', document: disconnect(view.document, view.selectedEdges), label: `Delete ${plural(view.selectedEdges.length, 'connection')}` };
      return none;
    }),

  /** The selected nodes for the clipboard (copying changes nothing, so a trained model may be copied from). */
  copy: (view: EditorView): GraphFragment | null => (view.selectedNodes.length ? copyNodes(view.document, view.selectedNodes) : null),

  cut: (view: EditorView): CommandOutcome =>
    editing(view, () =>
      view.selectedNodes.length ? { kind: 'edit', document: removeNodes(view.document, view.selectedNodes), label: `Cut ${plural(view.selectedNodes.length, 'node')}` } : none,
    ),

  paste: (view: EditorView, fragment: GraphFragment | null): CommandOutcome =>
    editing(view, () => {
      if (!fragment) return none;
      const next = pasteNodes(view.document, fragment);
      return { kind: 'edit', document: next, label: `Paste ${plural(fragment.nodes.length, 'node')}`, select: appended(view, next) };
    }),

  duplicate: (view: EditorView): CommandOutcome =>
    editing(view, () => {
      if (!view.selectedNodes.length) return none;
      const next = duplicateNodes(view.document, view.selectedNodes);
      return { kind: 'edit', document: next, label: `Duplicate ${plural(view.selectedNodes.length, 'node')}`, select: appended(view, next) };
    }),

  autoLayout: (view: EditorView): CommandOutcome =>
    editing(view, () => {
      const positions = layeredPositions(view.document);
      return { kind: 'edit', document: moveNodes(view.document, [...positions].map(([id, position]) => ({ id, position }))), label: 'Auto-layout' };
    }),
};
