// Undo and redo as a stack of documents: every edit operation (core/graph/edits) returns a new document, so
// an undo entry is just the document before it. One entry per user action: a drag commits once, when it ends.
export interface History<T> {
  past: readonly { value: T; label: string }[];
  present: T;
  /** Label of the action that produced `present` (shown as "Undo <label>"). */
  presentLabel: string;
  future: readonly { value: T; label: string }[];
}

/** Enough for a long session without keeping every document ever made. */
const LIMIT = 200;

export function createHistory<T>(value: T, label = 'Open'): History<T> {
  return { past: [], present: value, presentLabel: label, future: [] };
}

/** Records an action. A no-op edit (same document) records nothing, so undo never does nothing. */
export function commit<T>(history: History<T>, value: T, label: string): History<T> {
  if (Object.is(value, history.present)) return history;
  const past = [...history.past, { value: history.present, label: history.presentLabel }].slice(-LIMIT);
  return { past, present: value, presentLabel: label, future: [] };
}

export function undo<T>(history: History<T>): History<T> {
  const previous = history.past.at(-1);
  if (!previous) return history;
  return {
    past: history.past.slice(0, -1),
    present: previous.value,
    presentLabel: previous.label,
    future: [{ value: history.present, label: history.presentLabel }, ...history.future],
  };
}

export function redo<T>(history: History<T>): History<T> {
  const next = history.future[0];
  if (!next) return history;
  return {
    past: [...history.past, { value: history.present, label: history.presentLabel }],
    present: next.value,
    presentLabel: next.label,
    future: history.future.slice(1),
  };
}

/** What undo would revert, or null. */
export function undoLabel<T>(history: History<T>): string | null {
  return history.past.length ? history.presentLabel : null;
}

export function redoLabel<T>(history: History<T>): string | null {
  return history.future[0]?.label ?? null;
}
