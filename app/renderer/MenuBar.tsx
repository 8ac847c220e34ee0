// The browser mode's menu bar (Electron shows the native menu built from the same model instead).
import { useEffect, useRef, useState } from 'react';
import type { MenuCommand, RecentFile } from '../shared/channels.ts';
import { menuModel, shortcutText } from '../shared/menu.ts';

export function MenuBar({ onCommand, recent, onOpenRecent, onMenuOpen, isMac }: { onCommand(c: MenuCommand): void; recent: RecentFile[]; onOpenRecent(path: string): void; onMenuOpen(): void; isMac: boolean }) {
  const [open, setOpen] = useState<string | null>(null);
  const bar = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => bar.current?.contains(e.target as Node) || setOpen(null);
    const escape = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(null);
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', escape);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', escape);
    };
  }, [open]);
  return (
    <nav className="menubar" ref={bar} aria-label="Menu">
      {menuModel.map((menu) => (
        <div key={menu.label} className="menu">
          <button
            className={`menu-title${open === menu.label ? ' open' : ''}`}
            onClick={() => {
              if (open !== menu.label) onMenuOpen();
              setOpen(open === menu.label ? null : menu.label);
            }}
            onMouseEnter={() => open && setOpen(menu.label)}
          >
            {menu.label}
          </button>
          {open === menu.label && (
            <ul className="menu-items" role="menu">
              {menu.items.map((item, i) => {
                if (item === 'separator') return <li key={i} className="separator" />;
                if (item === 'recent') {
                  return (
                    <li key={i} className="submenu">
                      <span className="muted">Open Recent</span>
                      <ul>
                        {recent.length === 0 && <li className="muted">No recent files</li>}
                        {recent.map((f) => (
                          <li key={f.path}>
                            <button role="menuitem" title={f.path} onClick={() => (setOpen(null), onOpenRecent(f.path))}>
                              {f.name}
                            </button>
                          </li>
                        ))}
                      </ul>
                    </li>
                  );
                }
                return (
                  <li key={i}>
                    <button role="menuitem" onClick={() => (setOpen(null), onCommand(item.command))} data-command={item.command}>
                      <span>{item.label}</span>
                      <kbd>{item.accelerator ? shortcutText(item.accelerator, isMac) : ''}</kbd>
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      ))}
    </nav>
  );
}
