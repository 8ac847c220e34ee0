import { describe, expect, it } from 'vitest';
import { createGraphDocument, parseGraphDocument, serializeGraphDocument, type GraphDocument } from './document.ts';
import { binaryPatternGraph } from './testing/fixtures.ts';

function parseOk(text: string): GraphDocument {
  const result = parseGraphDocument(text, 'test.plastic.json');
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.document;
}

describe('parseGraphDocument', () => {
  it('reads a minimal document and fills in defaults', () => {
    const doc = parseOk('{"format":"plasticity-graph","version":1,"nodes":[{"id":"a","kind":"Dense"}]}');
    expect(doc.nodes[0]).toEqual({ id: 'a', kind: 'Dense', position: { x: 0, y: 0 }, params: {} });
    expect(doc.edges).toEqual([]);
    expect(doc.meta.name).toBe('Untitled');
    expect(doc.training).toEqual({
      episodes: 2000,
      batchSize: 1,
      seed: 0,
      optimizer: { kind: 'adam', learningRate: 3e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
      schedule: { kind: 'constant' },
    });
  });

  it('keeps unknown keys at every level through parse → serialize → parse', () => {
    const source = {
      format: 'plasticity-graph',
      version: 1,
      futureTopLevel: { anything: [1, 2] },
      meta: { name: 'x', colour: 'teal', expected: { metric: 'signError', below: 0.01, note: 'kept' } },
      nodes: [{ id: 'a', kind: 'Dense', position: { x: 1, y: 2, z: 3 }, params: { units: 4 }, collapsed: true }],
      edges: [{ id: 'e1', from: { node: 'a', port: 'output', handle: 7 }, to: { node: 'a', port: 'input' }, style: 'dashed' }],
      training: { episodes: 10, pluginSetting: 'on', optimizer: { kind: 'adam', amsgrad: false }, schedule: { kind: 'step', everyEpisodes: 5, gamma: 0.5, warmup: 2 } },
    };
    const doc = parseOk(JSON.stringify(source));
    const again = parseOk(serializeGraphDocument(doc));
    expect(again).toEqual(doc);
    const raw = JSON.parse(serializeGraphDocument(doc));
    expect(raw.futureTopLevel).toEqual({ anything: [1, 2] });
    expect(raw.meta.colour).toBe('teal');
    expect(raw.meta.expected.note).toBe('kept');
    expect(raw.nodes[0].collapsed).toBe(true);
    expect(raw.nodes[0].position.z).toBe(3);
    expect(raw.edges[0].style).toBe('dashed');
    expect(raw.edges[0].from.handle).toBe(7);
    expect(raw.training.pluginSetting).toBe('on');
    expect(raw.training.optimizer.amsgrad).toBe(false);
    expect(raw.training.schedule.warmup).toBe(2);
  });

  it('does not validate node params (each kind does that), so invalid values survive to be shown', () => {
    const doc = parseOk('{"format":"plasticity-graph","version":1,"nodes":[{"id":"m","kind":"PlasticRecurrent","params":{"size":-3,"rule":"nope"}}]}');
    expect(doc.nodes[0].params).toEqual({ size: -3, rule: 'nope' });
  });

  it('reports bad JSON with line and column, without throwing', () => {
    const result = parseGraphDocument('{\n  "format": "plasticity-graph",\n  "version": 1,\n  "nodes": [ }\n}', 'broken.plastic.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ line: 4, column: 14 });
    expect(result.problems[0].message).toContain('broken.plastic.json is not valid JSON at line 4, column 14');
  });

  it('reports every schema error with its JSON path', () => {
    const text = JSON.stringify({
      format: 'plasticity-graph',
      version: 1,
      nodes: [{ id: 'a', kind: 'Dense' }, { id: '', kind: 'Dense', position: { x: 'left', y: 0 } }],
      edges: [{ id: 'e1', from: { node: 'a' }, to: { node: 'a', port: 'input' } }],
      training: { batchSize: 0, optimizer: { kind: 'rmsprop' } },
    });
    const result = parseGraphDocument(text, 'bad.plastic.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(['nodes[1].id', 'nodes[1].position.x', 'edges[0].from.port', 'training.batchSize', 'training.optimizer.kind']),
    );
    const messageAt = (path: string) => result.problems.find((p) => p.path === path)!.message;
    expect(messageAt('edges[0].from.port')).toBe('bad.plastic.json: edges[0].from.port is missing (expected string)');
    expect(messageAt('nodes[1].position.x')).toBe('bad.plastic.json: nodes[1].position.x is "left" but must be a number');
    expect(messageAt('training.batchSize')).toBe('bad.plastic.json: training.batchSize is 0 but must be greater than 0');
    expect(messageAt('training.optimizer.kind')).toContain('"rmsprop", which is not one of the allowed values');
    expect(result.problems.every((p) => p.message.startsWith('bad.plastic.json: '))).toBe(true);
  });

  it('refuses a document from a newer version with a clear message', () => {
    const result = parseGraphDocument('{"format":"plasticity-graph","version":3,"nodes":[]}', 'new.plastic.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0].message).toContain('made by a newer Plasticity Studio (version 3); this one reads up to version 1');
    expect(result.problems[0].path).toBe('version');
  });

  it('refuses JSON that is not a graph', () => {
    for (const text of ['[1,2]', '"hello"', '{"format":"comfyui-workflow","version":1}']) {
      const result = parseGraphDocument(text, 'other.json');
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems[0].message).toContain('not a Plasticity Studio graph');
    }
  });
});

describe('parseGraphDocument on hostile text', () => {
  const text = () => serializeGraphDocument(binaryPatternGraph({ patternSize: 8 }));

  it('accepts a UTF-8 byte-order mark', () => {
    expect(parseGraphDocument('\uFEFF' + text()).ok).toBe(true);
  });

  it('refuses a name millions of characters long by its length, showing only its start', () => {
    const doc = JSON.parse(text());
    doc.nodes[1].kind = 'X'.repeat(1_000_000);
    const parsed = parseGraphDocument(JSON.stringify(doc), 'long.plastic.json');
    expect(parsed.ok).toBe(false);
    const [problem] = !parsed.ok ? parsed.problems : [];
    expect(problem.message).toMatch(/nodes\[1\]\.kind is "X+… \(1,000,002 characters\) but must be at most 200/);
    expect(problem.message.length).toBeLessThan(300);
  });
});

describe('serializeGraphDocument', () => {
  it('is 2-space indented, ends with a newline and is stable across round trips', () => {
    const doc = binaryPatternGraph();
    const text = serializeGraphDocument(doc);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "format": "plasticity-graph",');
    expect(serializeGraphDocument(parseOk(text))).toBe(text);
  });

  it('writes a new document that parses back to itself', () => {
    const doc = createGraphDocument('Fresh');
    expect(parseOk(serializeGraphDocument(doc))).toEqual(doc);
    expect(doc.meta.name).toBe('Fresh');
  });
});
