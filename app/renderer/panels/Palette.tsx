// The node catalog as a searchable palette: drag a kind onto the canvas, or press Enter / click to add it.
import { useMemo, useState } from 'react';
import type { NodeKind } from '../../../core/nodes/index.ts';
import { categoryLabels, searchKinds } from './kind-search.ts';

export const KIND_DRAG_TYPE = 'application/x-plasticity-kind';

/** `disabled`: the open graph is read-only (a trained model); the palette is dimmed and adds nothing. */
export function Palette({ onAdd, disabled }: { onAdd(kind: string): void; disabled?: boolean }) {
  const [query, setQuery] = useState('');
  const found = useMemo(() => searchKinds(query), [query]);
  const groups = useMemo(() => {
    const byCategory = new Map<string, NodeKind[]>();
    for (const kind of found) byCategory.set(kind.category, [...(byCategory.get(kind.category) ?? []), kind]);
    return [...byCategory.entries()];
  }, [found]);
  return (
    <aside className={`palette${disabled ? ' palette-disabled' : ''}`} aria-label="Node palette" data-testid="palette" title={disabled ? 'A trained model is read-only: make a copy to add nodes.' : undefined}>
      <input
        className="search"
        type="search"
        placeholder="Search nodes…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && found[0]) onAdd(found[0].kind);
        }}
        aria-label="Search nodes"
      />
      {groups.length === 0 && <p className="muted">No node matches “{query}”.</p>}
      {groups.map(([category, kinds]) => (
        <section key={category}>
          <h3>{categoryLabels[category] ?? category}</h3>
          {kinds.map((kind) => (
            <div
              key={kind.kind}
              className={`palette-item category-${kind.category}`}
              draggable={!disabled}
              onDragStart={(e) => {
                e.dataTransfer.setData(KIND_DRAG_TYPE, kind.kind);
                e.dataTransfer.effectAllowed = 'copy';
              }}
              onDoubleClick={() => onAdd(kind.kind)}
              title={`${kind.description}\n\nDrag onto the canvas, or double-click to add.`}
              data-kind={kind.kind}
            >
              <span className="palette-title">{kind.title}</span>
              <span className="palette-desc">{kind.description}</span>
            </div>
          ))}
        </section>
      ))}
    </aside>
  );
}
