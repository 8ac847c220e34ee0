// A modal dialog: focus moves inside, Escape closes, the page behind is inert.
import { useEffect, useRef, type ReactNode } from 'react';

export function Modal({ title, onClose, children, wide }: { title: string; onClose(): void; children: ReactNode; wide?: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    box.current?.querySelector<HTMLElement>('[autofocus], input, button')?.focus();
    return () => previous?.focus?.();
  }, []);
  // A button that disables itself when clicked (Running…) drops the focus to the page: Escape must still close.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && (document.activeElement === document.body || document.activeElement === null)) onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className={`modal${wide ? ' modal-wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        ref={box}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
          e.stopPropagation(); // editor shortcuts do not apply inside a dialog
        }}
      >
        <header className="modal-header">
          <h2>{title}</h2>
          <button className="icon" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}
