import { describe, expect, it } from 'vitest';
import { parseGraphDocument } from './document.ts';
import { CURRENT_VERSION, detectVersion, migrateToCurrent, migrations } from './migrations.ts';

describe('migrations', () => {
  it('has one step for every version below the current one', () => {
    expect(migrations.map((m) => [m.from, m.to])).toEqual(Array.from({ length: CURRENT_VERSION }, (_, v) => [v, v + 1]));
  });

  it('recognises a prototype file (no format, no version) as version 0', () => {
    expect(detectVersion({ nodes: [] })).toBe(0);
    expect(detectVersion({ format: 'plasticity-graph', version: 1 })).toBe(1);
    expect(detectVersion({ format: 'plasticity-graph', version: 1.5 })).toBeUndefined();
  });

  it('upgrades a version 0 file to the current shape, keeping unknown keys', () => {
    const legacy = {
      name: 'Old binary patterns',
      description: 'from the prototype',
      nodes: [
        { id: 'patterns', type: 'BinaryPatternEpisode', x: 10, y: 20, params: { patternSize: 8 } },
        { id: 'memory', type: 'PlasticRecurrent', params: { size: 9 }, note: 'kept' },
      ],
      links: [{ from: 'patterns.input', to: 'memory.drive' }],
      training: { episodes: 5 },
    };
    const result = parseGraphDocument(JSON.stringify(legacy), 'old.json');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const doc = result.document;
    expect(doc.format).toBe('plasticity-graph');
    expect(doc.version).toBe(CURRENT_VERSION);
    expect(doc.meta).toEqual({ name: 'Old binary patterns', description: 'from the prototype' });
    expect(doc.nodes[0]).toMatchObject({ id: 'patterns', kind: 'BinaryPatternEpisode', position: { x: 10, y: 20 }, params: { patternSize: 8 } });
    expect(doc.nodes[0]).not.toHaveProperty('type');
    expect(doc.nodes[1]).toMatchObject({ kind: 'PlasticRecurrent', position: { x: 0, y: 0 }, note: 'kept' });
    expect(doc.edges).toEqual([{ id: 'e1', from: { node: 'patterns', port: 'input' }, to: { node: 'memory', port: 'drive' } }]);
    expect(doc.training.episodes).toBe(5);
  });

  it('reports a version that is not a whole number', () => {
    const result = migrateToCurrent({ format: 'plasticity-graph', version: 'one' }, 'f.json');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('"version" must be a whole number');
  });
});
