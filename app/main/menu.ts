// Electron's application menu, built from the shared menu model (app/shared/menu.ts). A command item sends the
// command to the page; standard roles (reload, zoom, full screen, the macOS app menu) are Electron's own.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentFile } from '../shared/channels.ts';
import { menuModel } from '../shared/menu.ts';

export interface MenuContext {
  isMac: boolean;
  recent: readonly RecentFile[];
  send(command: MenuCommand, path?: string): void;
  clearRecent(): void;
}

export function buildMenuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = menuModel.map((menu) => {
    const submenu: MenuItemConstructorOptions[] = menu.items.map((item): MenuItemConstructorOptions => {
      if (item === 'separator') return { type: 'separator' };
      if (item === 'recent') {
        return {
          label: 'Open Recent',
          submenu: ctx.recent.length
            ? [
                ...ctx.recent.map((f): MenuItemConstructorOptions => ({ label: f.name, toolTip: f.path, click: () => ctx.send('open', f.path) })),
                { type: 'separator' },
                { label: 'Clear Recent', click: ctx.clearRecent },
              ]
            : [{ label: 'No recent files', enabled: false }],
        };
      }
      // Delete and Backspace as accelerators would steal the keys from text fields; the page handles them.
      const accelerator = item.accelerator === 'Delete' ? undefined : item.accelerator;
      return { label: item.label, accelerator, registerAccelerator: accelerator !== undefined, click: () => ctx.send(item.command) };
    });
    if (menu.label === 'View') {
      submenu.push({ type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }, { role: 'toggleDevTools' });
    }
    if (menu.label === 'File' && !ctx.isMac) submenu.push({ type: 'separator' }, { role: 'quit' });
    return { label: menu.label, submenu };
  });
  if (ctx.isMac) template.unshift({ role: 'appMenu' });
  return template;
}
