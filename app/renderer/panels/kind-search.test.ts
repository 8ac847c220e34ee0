import { describe, expect, it } from 'vitest';
import { nodeCatalog } from '../../../core/nodes/index.ts';
import { searchKinds } from './kind-search.ts';

describe('searchKinds', () => {
  it('returns every kind for an empty query', () => {
    expect(searchKinds('  ')).toHaveLength(nodeCatalog.size);
  });

  it('finds kinds by any word, title matches first', () => {
    const found = searchKinds('plastic');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((k) => `${k.title} ${k.kind} ${k.category} ${k.description}`.toLowerCase().includes('plastic'))).toBe(true);
    expect(found[0].title.toLowerCase()).toContain('plastic');
    expect(searchKinds('recurrent plastic').map((k) => k.kind)).toContain('PlasticRecurrent');
    expect(searchKinds('zzzz-no-such-kind')).toEqual([]);
  });
});
