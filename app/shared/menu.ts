// The application menu as data: Electron's main process builds its native menu from it, and the browser mode
// draws the same menus in the page and matches the same shortcuts. One list, so they cannot drift apart.
import type { MenuCommand } from './channels.ts';

export interface MenuItemSpec {
  command: MenuCommand;
  label: string;
  /** Electron accelerator syntax: `CmdOrCtrl+Shift+S`, `Delete`, `F`. */
  accelerator?: string;
  /** Extra keys that do the same (not shown in the menu). */
  alsoKeys?: string[];
}
export type MenuEntry = MenuItemSpec | 'separator' | 'recent';

export const menuModel: { label: string; items: MenuEntry[] }[] = [
  {
    label: 'File',
    items: [
      { command: 'new', label: 'New', accelerator: 'CmdOrCtrl+N' },
      { command: 'newFromTemplate', label: 'New from Template…', accelerator: 'CmdOrCtrl+Shift+N' },
      { command: 'open', label: 'Open…', accelerator: 'CmdOrCtrl+O' },
      'recent',
      'separator',
      { command: 'save', label: 'Save', accelerator: 'CmdOrCtrl+S' },
      { command: 'saveAs', label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S' },
      { command: 'export', label: 'Export a Copy…', accelerator: 'CmdOrCtrl+E' },
      { command: 'exportModel', label: 'Export Trained Model…', accelerator: 'CmdOrCtrl+Shift+E' },
      'separator',
      { command: 'datasets', label: 'Datasets…' },
      { command: 'sweeps', label: 'Sweeps…' },
    ],
  },
  {
    label: 'Edit',
    items: [
      { command: 'undo', label: 'Undo', accelerator: 'CmdOrCtrl+Z' },
      { command: 'redo', label: 'Redo', accelerator: 'CmdOrCtrl+Shift+Z', alsoKeys: ['CmdOrCtrl+Y'] },
      'separator',
      { command: 'cut', label: 'Cut', accelerator: 'CmdOrCtrl+X' },
      { command: 'copy', label: 'Copy', accelerator: 'CmdOrCtrl+C' },
      { command: 'paste', label: 'Paste', accelerator: 'CmdOrCtrl+V' },
      { command: 'duplicate', label: 'Duplicate', accelerator: 'CmdOrCtrl+D' },
      { command: 'delete', label: 'Delete', accelerator: 'Delete', alsoKeys: ['Backspace'] },
      'separator',
      { command: 'selectAll', label: 'Select All', accelerator: 'CmdOrCtrl+A' },
    ],
  },
  {
    label: 'View',
    items: [
      { command: 'fitView', label: 'Fit View', accelerator: 'Shift+1' },
      { command: 'autoLayout', label: 'Auto-Layout', accelerator: 'CmdOrCtrl+Shift+L' },
      'separator',
      { command: 'toggleDashboard', label: 'Editor / Training Dashboard', accelerator: 'CmdOrCtrl+Shift+D' },
    ],
  },
  {
    label: 'Help',
    items: [
      { command: 'guide', label: 'Guide to the Paper’s Experiments' },
      { command: 'readme', label: 'README' },
      { command: 'shortcuts', label: 'Keyboard Shortcuts', accelerator: 'CmdOrCtrl+/' },
      { command: 'reportProblem', label: 'Report a Problem…' },
      'separator',
      { command: 'about', label: 'About Plasticity Studio' },
    ],
  },
];

/** An accelerator as this platform writes it: ⌘S on a Mac, Ctrl+S elsewhere. */
export function shortcutText(accelerator: string, isMac: boolean): string {
  return isMac ? accelerator.replace('CmdOrCtrl+', '⌘').replace('Shift+', '⇧') : accelerator.replace('CmdOrCtrl', 'Ctrl');
}

/** Every command with a shortcut, grouped by menu, for the Help → Keyboard Shortcuts list. */
export function shortcutList(isMac: boolean): { menu: string; items: { label: string; keys: string[] }[] }[] {
  return menuModel
    .map(({ label, items }) => ({
      menu: label,
      items: items
        .filter((item): item is MenuItemSpec => typeof item === 'object' && item.accelerator !== undefined)
        .map((item) => ({ label: item.label.replace(/…$/, ''), keys: [item.accelerator!, ...(item.alsoKeys ?? [])].map((k) => shortcutText(k, isMac)) })),
    }))
    .filter((group) => group.items.length > 0);
}

export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** Whether a key event is this accelerator (`CmdOrCtrl` is ⌘ on a Mac, Ctrl elsewhere). */
export function matchesAccelerator(event: KeyLike, accelerator: string, isMac: boolean): boolean {
  const parts = accelerator.split('+');
  const key = parts.pop()!.toLowerCase();
  const wants = { ctrl: false, meta: false, shift: false, alt: false };
  for (const modifier of parts) {
    if (modifier === 'CmdOrCtrl') wants[isMac ? 'meta' : 'ctrl'] = true;
    else if (modifier === 'Shift') wants.shift = true;
    else if (modifier === 'Alt') wants.alt = true;
    else if (modifier === 'Ctrl') wants.ctrl = true;
    else if (modifier === 'Cmd') wants.meta = true;
  }
  if (event.ctrlKey !== wants.ctrl || event.metaKey !== wants.meta || event.shiftKey !== wants.shift || event.altKey !== wants.alt) return false;
  // With Shift held, `key` is the shifted character ("!" for 1): compare the physical key too.
  const pressed = event.key.toLowerCase();
  const physical = event.code?.replace(/^(Key|Digit)/, '').toLowerCase();
  return pressed === key || physical === key;
}

export function commandForKey(event: KeyLike, isMac: boolean): MenuCommand | null {
  for (const menu of menuModel) {
    for (const item of menu.items) {
      if (typeof item === 'string') continue;
      const keys = [item.accelerator, ...(item.alsoKeys ?? [])].filter((k): k is string => Boolean(k));
      if (keys.some((k) => matchesAccelerator(event, k, isMac))) return item.command;
    }
  }
  return null;
}
