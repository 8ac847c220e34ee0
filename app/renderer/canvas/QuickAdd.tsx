// Double-click on the empty canvas: type to find a node kind, Enter adds it where you clicked.
import { useEffect, useMemo, useRef, useState } from 'react';
import { searchKinds } from '../panels/kind-search.ts';

export function QuickAdd({ at, onPick, onClose }: { at: { x: number; y: number }; onPick(kind: string): void; onClose(): void }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const found = useMemo(() => searchKinds(query).slice(0, 8), [query]);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => setActive(0), [query]);
  return (
    <div className="quick-add" style={{ left: at.x, top: at.y }} onDoubleClick={(e) => e.stopPropagation()} data-testid="quick-add">
      <input
        ref={input}
        placeholder="Add a node…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onBlur={() => setTimeout(onClose, 150)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
          else if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, found.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Enter' && found[active]) onPick(found[active].kind);
          else return;
          e.preventDefault();
        }}
      />
      <ul>
        {found.map((kind, i) => (
          <li key={kind.kind} className={i === active ? 'active' : ''} onMouseDown={(e) => (e.preventDefault(), onPick(kind.kind))}>
            <b>{kind.title}</b> <span className="muted">{kind.category}</span>
          </li>
        ))}
        {found.length === 0 && <li className="muted">No node matches.</li>}
      </ul>
    </div>
  );
}
