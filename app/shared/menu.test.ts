import { describe, expect, it } from 'vitest';
import { commandForKey, menuModel, shortcutList } from './menu.ts';

const key = (k: string, mods: Partial<{ ctrl: boolean; meta: boolean; shift: boolean; alt: boolean }> = {}, code?: string) => ({
  key: k,
  code,
  ctrlKey: Boolean(mods.ctrl),
  metaKey: Boolean(mods.meta),
  shiftKey: Boolean(mods.shift),
  altKey: Boolean(mods.alt),
});

describe('keyboard shortcuts from the menu model', () => {
  it('maps the standard shortcuts with Ctrl, and with ⌘ on a Mac', () => {
    expect(commandForKey(key('z', { ctrl: true }), false)).toBe('undo');
    expect(commandForKey(key('Z', { ctrl: true, shift: true }), false)).toBe('redo');
    expect(commandForKey(key('y', { ctrl: true }), false)).toBe('redo');
    expect(commandForKey(key('s', { meta: true }), true)).toBe('save');
    expect(commandForKey(key('s', { ctrl: true }), true)).toBeNull();
    expect(commandForKey(key('S', { ctrl: true, shift: true }), false)).toBe('saveAs');
    expect(commandForKey(key('Delete'), false)).toBe('delete');
    expect(commandForKey(key('Backspace'), false)).toBe('delete');
    expect(commandForKey(key('!', { shift: true }, 'Digit1'), false)).toBe('fitView');
  });

  it('ignores plain typing', () => {
    expect(commandForKey(key('z'), false)).toBeNull();
    expect(commandForKey(key('a', { alt: true }), false)).toBeNull();
  });

  it('has the issue\'s File and Edit entries, each shortcut used once', () => {
    const labels = menuModel.flatMap((m) => m.items).filter((i) => typeof i !== 'string').map((i) => (i as { label: string }).label);
    for (const wanted of ['New', 'New from Template…', 'Open…', 'Save', 'Save As…', 'Undo', 'Redo', 'Cut', 'Copy', 'Paste', 'Delete', 'Select All']) expect(labels).toContain(wanted);
    const accelerators = menuModel.flatMap((m) => m.items).flatMap((i) => (typeof i === 'string' ? [] : [i.accelerator, ...(i.alsoKeys ?? [])])).filter(Boolean);
    expect(new Set(accelerators).size).toBe(accelerators.length);
  });

  it('lists every shortcut for Help → Keyboard Shortcuts, written as each platform writes them', () => {
    const pc = shortcutList(false);
    expect(pc.map((g) => g.menu)).toEqual(['File', 'Edit', 'View', 'Help']);
    expect(pc.find((g) => g.menu === 'Edit')!.items.find((i) => i.label === 'Redo')!.keys).toEqual(['Ctrl+Shift+Z', 'Ctrl+Y']);
    expect(shortcutList(true).find((g) => g.menu === 'File')!.items.find((i) => i.label === 'Save As')!.keys).toEqual(['⌘⇧S']);
    expect(commandForKey(key('/', { ctrl: true }), false)).toBe('shortcuts');
  });
});
