import { describe, expect, it } from 'vitest';
import { createGraphDocument } from './document.ts';
import {
  addNode,
  canConnect,
  connect,
  copyNodes,
  disconnect,
  duplicateNodes,
  freshEdgeId,
  freshNodeId,
  moveNodes,
  pasteNodes,
  removeNodes,
  renameNode,
  scheduleOfKind,
  setLabel,
  setMeta,
  setParam,
  setTraining,
} from './edits.ts';
import { binaryPatternGraph, graphOf } from './testing/fixtures.ts';
import { validateGraph } from './validate.ts';

const at = { x: 10, y: 20 };

describe('addNode', () => {
  it('adds a node with a fresh id from the kind name and every default param', () => {
    const empty = createGraphDocument();
    const one = addNode(empty, { kind: 'PlasticRecurrent', position: at });
    const two = addNode(one, { kind: 'PlasticRecurrent', position: at });
    const lstm = addNode(two, { kind: 'LSTM', position: at, params: { hiddenSize: 7 } });
    expect(lstm.nodes.map((n) => n.id)).toEqual(['plasticRecurrent', 'plasticRecurrent2', 'lstm']);
    expect(one.nodes[0]).toMatchObject({ kind: 'PlasticRecurrent', position: at });
    expect(one.nodes[0].params).toMatchObject({ size: 1001, rule: 'hebb', etaInit: 0.01, inputGain: 20, traceClip: 0 });
    expect(lstm.nodes[2].params).toEqual({ hiddenSize: 7, inputGain: 1, clampTrick: false });
    expect(empty.nodes).toEqual([]); // the input document is untouched
  });

  it('uses a given id, and refuses a taken one or an unknown kind', () => {
    const doc = addNode(createGraphDocument(), { kind: 'Dense', position: at, id: 'readout' });
    expect(doc.nodes[0].id).toBe('readout');
    expect(() => addNode(doc, { kind: 'Dense', position: at, id: 'readout' })).toThrow(/already has a node/);
    expect(() => addNode(doc, { kind: 'Denser', position: at })).toThrow(/unknown kind "Denser"/);
  });
});

describe('removeNodes, moveNodes, disconnect', () => {
  it('removes nodes with their edges', () => {
    const doc = removeNodes(binaryPatternGraph(), ['bits']);
    expect(doc.nodes.map((n) => n.id)).toEqual(['patterns', 'memory', 'loss', 'signError']);
    expect(doc.edges.map((e) => e.id)).toEqual(['e1', 'e4', 'e6']);
  });

  it('moves nodes, keeping other position keys', () => {
    const start = binaryPatternGraph();
    (start.nodes[0].position as Record<string, unknown>).pinned = true;
    const doc = moveNodes(start, [{ id: 'patterns', position: { x: -5, y: 7 } }]);
    expect(doc.nodes[0].position).toEqual({ x: -5, y: 7, pinned: true });
    expect(doc.nodes[1]).toBe(start.nodes[1]); // unchanged parts are shared (cheap undo stack)
    expect(() => moveNodes(start, [{ id: 'ghost', position: at }])).toThrow(/No node "ghost"/);
  });

  it('disconnects edges by id', () => {
    const doc = disconnect(binaryPatternGraph(), ['e2', 'e5']);
    expect(doc.edges.map((e) => e.id)).toEqual(['e1', 'e3', 'e4', 'e6']);
  });
});

describe('canConnect and connect', () => {
  const open = () => disconnect(binaryPatternGraph(), ['e1']); // memory.drive is free

  it('connects a compatible output to a free input with a fresh edge id', () => {
    const result = connect(open(), { from: { node: 'patterns', port: 'input' }, to: { node: 'memory', port: 'drive' } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.document.edges.at(-1)).toEqual({ id: 'e7', from: { node: 'patterns', port: 'input' }, to: { node: 'memory', port: 'drive' } });
    expect(validateGraph(result.document).problems).toEqual([]);
  });

  it('refuses unknown nodes and ports', () => {
    const doc = open();
    expect(canConnect(doc, { node: 'ghost', port: 'x' }, { node: 'memory', port: 'drive' })).toEqual({ ok: false, reason: 'There is no node "ghost".' });
    const noPort = canConnect(doc, { node: 'patterns', port: 'noise' }, { node: 'memory', port: 'drive' });
    expect(noPort).toEqual({ ok: false, reason: 'Node "patterns" (Binary patterns) has no output "noise".' });
    const noInput = canConnect(doc, { node: 'patterns', port: 'input' }, { node: 'memory', port: 'bias' });
    expect(noInput.ok || noInput.reason).toContain('has no input "bias"');
  });

  it('refuses output → output and input → input', () => {
    const doc = open();
    const outOut = canConnect(doc, { node: 'patterns', port: 'input' }, { node: 'memory', port: 'output' });
    expect(outOut.ok || outOut.reason).toContain('"output" of "memory" is an output too');
    const inIn = canConnect(doc, { node: 'memory', port: 'drive' }, { node: 'bits', port: 'input' });
    expect(inIn.ok || inIn.reason).toContain('"drive" of "memory" is an input; a connection starts at an output');
  });

  it('refuses a second edge into an input', () => {
    const result = connect(binaryPatternGraph(), { from: { node: 'patterns', port: 'target' }, to: { node: 'bits', port: 'input' } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain('Input "input" of "bits" already receives "memory"."output"');
  });

  it('refuses incompatible shapes with the node’s own explanation', () => {
    const result = connect(open(), { from: { node: 'patterns', port: 'target' }, to: { node: 'memory', port: 'drive' } });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toBe(
        'Node "memory" (Plastic recurrent layer): input "drive" has width 1000 but the layer has 1001 neurons; set "size" to 1000 or feed it 1001 values.',
      );
    }
    const mismatch = connect(disconnect(binaryPatternGraph(), ['e4']), {
      from: { node: 'patterns', port: 'input' },
      to: { node: 'loss', port: 'target' },
    });
    expect(mismatch.ok || mismatch.reason).toContain('input "prediction" has shape [1000] but input "target" has shape [1001]');
  });

  it('refuses cycles, saying whether a stateful layer is on them', () => {
    const stateless = graphOf(
      [
        { id: 'a', kind: 'Dense' },
        { id: 'b', kind: 'Dense' },
      ],
      [['a.output', 'b.input']],
    );
    const loop = canConnect(stateless, { node: 'b', port: 'output' }, { node: 'a', port: 'input' });
    expect(loop.ok || loop.reason).toContain('would close a cycle without any stateful node ("a" → "b" → "a")');
    const feedback = canConnect(open(), { node: 'bits', port: 'output' }, { node: 'memory', port: 'drive' });
    expect(feedback.ok || feedback.reason).toContain('would feed a layer\'s output back into its own input ("memory" → "bits" → "memory")');
  });
});

describe('params, ids, labels', () => {
  it('setParam stores even an invalid value, and undefined removes it', () => {
    const doc = setParam(binaryPatternGraph(), 'memory', 'size', 'huge');
    expect(doc.nodes[1].params.size).toBe('huge');
    expect(validateGraph(doc).problems.some((p) => p.code === 'invalid-param' && p.param === 'size')).toBe(true);
    const reset = setParam(doc, 'memory', 'size', undefined);
    expect(reset.nodes[1].params).not.toHaveProperty('size');
    expect(() => setParam(doc, 'nope', 'size', 1)).toThrow(/No node "nope"/);
  });

  it('renameNode updates edges and refuses taken or blank ids', () => {
    const result = renameNode(binaryPatternGraph(), 'memory', 'plastic');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.document.nodes[1].id).toBe('plastic');
    expect(result.document.edges.filter((e) => e.from.node === 'plastic' || e.to.node === 'plastic').map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(validateGraph(result.document).problems).toEqual([]);
    expect(renameNode(binaryPatternGraph(), 'memory', 'bits')).toEqual({ ok: false, reason: 'The graph already has a node "bits".' });
    expect(renameNode(binaryPatternGraph(), 'memory', ' ').ok).toBe(false);
  });

  it('setLabel sets and clears a label', () => {
    const labelled = setLabel(binaryPatternGraph(), 'memory', 'Memory');
    expect(labelled.nodes[1].label).toBe('Memory');
    expect(setLabel(labelled, 'memory', '').nodes[1]).not.toHaveProperty('label');
  });

  it('fresh ids skip taken ones', () => {
    const doc = binaryPatternGraph();
    expect(freshNodeId(doc, 'Slice')).toBe('slice');
    expect(freshNodeId(doc, 'memory')).toBe('memory2');
    expect(freshEdgeId(doc)).toBe('e7');
  });
});

describe('copy, paste, duplicate', () => {
  it('duplicates nodes with fresh ids, keeping only the edges between them', () => {
    const doc = duplicateNodes(binaryPatternGraph(), ['memory', 'bits'], { x: 0, y: 100 });
    const added = doc.nodes.slice(-2);
    expect(added.map((n) => [n.id, n.kind])).toEqual([
      ['memory2', 'PlasticRecurrent'],
      ['bits2', 'Slice'],
    ]);
    expect(added[0].position).toEqual({ x: 200, y: 100 });
    expect(doc.edges.slice(6)).toEqual([{ id: 'e7', from: { node: 'memory2', port: 'output' }, to: { node: 'bits2', port: 'input' } }]);
    expect(added[0].params).toEqual(doc.nodes[1].params);
    expect(added[0].params).not.toBe(doc.nodes[1].params);
  });

  it('pastes a copied fragment into another document', () => {
    const fragment = copyNodes(binaryPatternGraph(), ['patterns', 'memory']);
    expect(fragment.edges.map((e) => e.id)).toEqual(['e1']);
    const target = addNode(createGraphDocument(), { kind: 'Dense', position: at, id: 'memory' });
    const doc = pasteNodes(target, fragment);
    expect(doc.nodes.map((n) => n.id)).toEqual(['memory', 'patterns', 'memory2']);
    expect(doc.edges).toEqual([{ id: 'e1', from: { node: 'patterns', port: 'input' }, to: { node: 'memory2', port: 'drive' } }]);
  });
});

describe('training and meta', () => {
  it('setTraining merges the optimizer and replaces the schedule', () => {
    const doc = setTraining(binaryPatternGraph(), {
      episodes: 500,
      optimizer: { learningRate: 1e-3 },
      schedule: { kind: 'step', everyEpisodes: 100, gamma: 0.5 },
    });
    expect(doc.training).toEqual({
      episodes: 500,
      batchSize: 1,
      seed: 0,
      optimizer: { kind: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
      schedule: { kind: 'step', everyEpisodes: 100, gamma: 0.5 },
    });
  });

  it('scheduleOfKind starts a new kind from the run length and keeps the current one', () => {
    const doc = setTraining(binaryPatternGraph(), { episodes: 900, schedule: { kind: 'step', everyEpisodes: 100, gamma: 0.5 } });
    expect(scheduleOfKind('cosine', doc.training)).toEqual({ kind: 'cosine', overEpisodes: 900, minLearningRate: 0 });
    expect(scheduleOfKind('step', doc.training)).toEqual({ kind: 'step', everyEpisodes: 100, gamma: 0.5 });
    expect(scheduleOfKind('step', { ...doc.training, schedule: { kind: 'constant' } })).toEqual({ kind: 'step', everyEpisodes: 300, gamma: 1 / 3 });
    expect(scheduleOfKind('constant', doc.training)).toEqual({ kind: 'constant' });
  });

  it('setMeta sets and removes fields', () => {
    const doc = setMeta(binaryPatternGraph(), { name: 'Patterns', expected: { metric: 'signError', below: 0.01 } });
    expect(doc.meta).toEqual({ name: 'Patterns', expected: { metric: 'signError', below: 0.01 } });
    expect(setMeta(doc, { expected: undefined }).meta).toEqual({ name: 'Patterns' });
  });

  it('is deterministic: the same edits give equal documents', () => {
    const run = () => duplicateNodes(setParam(addNode(binaryPatternGraph(), { kind: 'Dense', position: at }), 'dense', 'units', 3), ['dense']);
    expect(run()).toEqual(run());
  });
});
