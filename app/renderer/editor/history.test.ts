import { describe, expect, it } from 'vitest';
import { commit, createHistory, redo, redoLabel, undo, undoLabel } from './history.ts';

describe('history', () => {
  it('undoes and redoes actions in order, with their labels', () => {
    let h = createHistory('a');
    h = commit(h, 'b', 'Add node');
    h = commit(h, 'c', 'Connect');
    expect(undoLabel(h)).toBe('Connect');
    h = undo(h);
    expect(h.present).toBe('b');
    expect(redoLabel(h)).toBe('Connect');
    h = undo(h);
    expect(h.present).toBe('a');
    expect(undoLabel(h)).toBeNull();
    expect(undo(h)).toBe(h);
    h = redo(redo(h));
    expect(h.present).toBe('c');
    expect(redo(h)).toBe(h);
  });

  it('drops the redo branch on a new action and ignores no-op edits', () => {
    let h = commit(commit(createHistory(1), 2, 'x'), 3, 'y');
    h = undo(h);
    h = commit(h, 4, 'z');
    expect(h.future).toEqual([]);
    expect(commit(h, 4, 'same')).toBe(h);
    expect(undo(h).present).toBe(2);
  });

  it('keeps a bounded number of entries', () => {
    let h = createHistory(0);
    for (let i = 1; i <= 500; i++) h = commit(h, i, `step ${i}`);
    expect(h.past.length).toBe(200);
    expect(h.past[0].value).toBe(300);
  });
});
