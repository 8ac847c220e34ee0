// Finding a node kind by typing: every word must appear in its title, name, category or description;
// title matches rank first.
import { nodeCatalog, type NodeKind } from '../../../core/nodes/index.ts';

export function searchKinds(query: string, kinds: readonly NodeKind[] = [...nodeCatalog.values()]): NodeKind[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...kinds];
  const scored = kinds
    .map((kind) => {
      const title = `${kind.title} ${kind.kind}`.toLowerCase();
      const all = `${title} ${kind.category} ${kind.description}`.toLowerCase();
      if (!words.every((w) => all.includes(w))) return null;
      return { kind, score: words.filter((w) => title.includes(w)).length };
    })
    .filter((x): x is { kind: NodeKind; score: number } => x !== null);
  return scored.sort((a, b) => b.score - a.score).map((x) => x.kind);
}

export const categoryLabels: Record<string, string> = {
  source: 'Episode sources',
  environment: 'Environments',
  plastic: 'Plastic layers',
  recurrent: 'Recurrent layers',
  layer: 'Layers',
  utility: 'Utilities',
  loss: 'Losses',
  metric: 'Metrics',
};
