import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { nodeCatalog } from '../nodes/catalog.ts';
import { defineNodeKind, type NodeKind } from '../nodes/kind.ts';
import { binaryPatternGraph, graphOf } from './testing/fixtures.ts';
import type { Problem } from './problems.ts';
import { validateGraph } from './validate.ts';
import { setParam, setTraining } from './edits.ts';

const errors = (problems: Problem[]) => problems.filter((p) => p.severity === 'error');
const only = (problems: Problem[], code: Problem['code']) => problems.filter((p) => p.code === code);

/** The standard loss/metric tail so a test graph has no unrelated problems. */
const tail = (prediction: string): [string, string][] => [
  [prediction, 'loss.prediction'],
  ['patterns.target', 'loss.target'],
];

describe('validateGraph on a sound graph', () => {
  it('finds no problems in the paper’s binary pattern network and infers every shape', () => {
    const { problems, shapes } = validateGraph(binaryPatternGraph());
    expect(problems).toEqual([]);
    expect(shapes.get('patterns')!.outputs).toEqual({ input: [1001], target: [1000] });
    expect(shapes.get('memory')).toEqual({ inputs: { drive: [1001] }, outputs: { output: [1001] } });
    expect(shapes.get('bits')!.outputs).toEqual({ output: [1000] });
    expect(shapes.get('loss')!.inputs).toEqual({ prediction: [1000], target: [1000] });
  });
});

describe('validateGraph reports', () => {
  it('an unknown kind, suggesting the closest known one', () => {
    const doc = binaryPatternGraph();
    doc.nodes[1].kind = 'PlasticRecurent';
    const { problems } = validateGraph(doc);
    const [problem] = only(problems, 'unknown-kind');
    expect(problem).toMatchObject({ severity: 'error', nodeId: 'memory' });
    expect(problem.message).toContain('unknown node kind "PlasticRecurent"; did you mean "PlasticRecurrent"?');
    // Nothing downstream of the unknown node is reported as a consequence.
    expect(errors(problems)).toHaveLength(1);
  });

  it('no suggestion when no kind is close', () => {
    const doc = graphOf([{ id: 'x', kind: 'Transformer' }]);
    const [problem] = only(validateGraph(doc).problems, 'unknown-kind');
    expect(problem.message).toMatch(/unknown node kind "Transformer"\.$/);
  });

  it('duplicate node ids', () => {
    const doc = binaryPatternGraph();
    doc.nodes.push({ id: 'bits', kind: 'Dense', position: { x: 0, y: 0 }, params: {} });
    const [problem] = only(validateGraph(doc).problems, 'duplicate-node-id');
    expect(problem).toMatchObject({ severity: 'error', nodeId: 'bits' });
    expect(problem.message).toContain('Nodes 3 and 6 in the file share the id "bits"');
  });

  it('edges from and to missing nodes, addressed to the end that exists', () => {
    const doc = binaryPatternGraph();
    doc.edges[0].from.node = 'ghost';
    doc.edges[2].to.node = 'nowhere';
    const problems = only(validateGraph(doc).problems, 'missing-node');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatchObject({ edgeId: 'e1', nodeId: 'memory', port: 'drive' });
    expect(problems[0].message).toContain('Edge "e1" comes from node "ghost", which does not exist.');
    expect(problems[1]).toMatchObject({ edgeId: 'e3', nodeId: 'bits', port: 'output' });
    expect(problems[1].message).toContain('goes to node "nowhere"');
  });

  it('edges at ports that do not exist, listing the real ones', () => {
    const doc = binaryPatternGraph();
    doc.edges[0].to.port = 'input';
    const [problem] = only(validateGraph(doc).problems, 'missing-port');
    expect(problem).toMatchObject({ nodeId: 'memory', port: 'input', edgeId: 'e1' });
    expect(problem.message).toContain('Node "memory" (Plastic recurrent layer): has no input "input" (edge "e1"); its inputs are "drive".');
  });

  it('edges that start at an input or end at an output', () => {
    const doc = binaryPatternGraph();
    doc.edges[1].from = { node: 'memory', port: 'drive' };
    doc.edges[3].to = { node: 'patterns', port: 'target' };
    const problems = only(validateGraph(doc).problems, 'wrong-direction');
    expect(problems.map((p) => [p.nodeId, p.port, p.edgeId])).toEqual([
      ['memory', 'drive', 'e2'],
      ['patterns', 'target', 'e4'],
    ]);
    expect(problems[0].message).toContain('"drive" is an input, but edge "e2" starts there');
    expect(problems[1].message).toContain('"target" is an output, but edge "e4" ends there');
  });

  it('two edges into one input, naming both edges', () => {
    const doc = binaryPatternGraph();
    doc.edges.push({ id: 'extra', from: { node: 'patterns', port: 'target' }, to: { node: 'bits', port: 'input' } });
    const [problem] = only(validateGraph(doc).problems, 'input-already-connected');
    expect(problem).toMatchObject({ nodeId: 'bits', port: 'input', edgeId: 'extra' });
    expect(problem.message).toContain('input "input" already receives edge "e2" from "memory"; edge "extra" from "patterns" would be a second connection');
  });

  it('a required input left unconnected, but not an optional one', () => {
    const doc = graphOf(
      [
        { id: 'patterns', kind: 'BinaryPatternEpisode' },
        { id: 'head', kind: 'PlasticDense', params: { units: 1000 } },
        { id: 'loss', kind: 'SquaredErrorLoss' },
      ],
      [['patterns.target', 'loss.target']],
    );
    const problems = only(validateGraph(doc).problems, 'required-input');
    expect(problems.map((p) => [p.nodeId, p.port])).toEqual([
      ['head', 'input'],
      ['loss', 'prediction'],
    ]);
    expect(problems[1].message).toBe('Node "loss" (Squared error loss): input "prediction" is not connected (what the network produced).');
  });

  it('every invalid param, with the allowed range or options', () => {
    let doc = binaryPatternGraph();
    doc = setParam(doc, 'memory', 'etaInit', 1.5);
    doc = setParam(doc, 'memory', 'rule', 'stdp');
    doc = setParam(doc, 'memory', 'size', 10.5);
    doc = setParam(doc, 'patterns', 'balanced', 'yes');
    doc = setParam(doc, 'bits', 'start', -1);
    const problems = only(validateGraph(doc).problems, 'invalid-param');
    const byParam = Object.fromEntries(problems.map((p) => [`${p.nodeId}.${p.param}`, p.message]));
    expect(Object.keys(byParam).sort()).toEqual(['bits.start', 'memory.etaInit', 'memory.rule', 'memory.size', 'patterns.balanced']);
    expect(byParam['memory.etaInit']).toBe(
      'Node "memory" (Plastic recurrent layer): parameter "etaInit" is 1.5 but must be between 0 and 1 (both excluded).',
    );
    expect(byParam['memory.rule']).toContain('parameter "rule" is "stdp" but must be one of "hebb", "oja".');
    expect(byParam['memory.size']).toContain('parameter "size" is 10.5 but must be a whole number between 1 and 10000.');
    expect(byParam['patterns.balanced']).toContain('must be true or false');
    expect(byParam['bits.start']).toContain('parameter "start" is -1 but must be between 0 and 10000000.');
  });

  it('an unknown param as a warning with a suggestion', () => {
    const doc = setParam(binaryPatternGraph(), 'memory', 'etaInitial', 0.1);
    const [problem] = only(validateGraph(doc).problems, 'unknown-param');
    expect(problem).toMatchObject({ severity: 'warning', nodeId: 'memory', param: 'etaInitial' });
    expect(problem.message).toContain('has no parameter "etaInitial", so it is ignored; did you mean "etaInit"?');
  });

  it('the drive width not matching the layer size, in words the user can act on', () => {
    const doc = binaryPatternGraph({ patternSize: 1000, size: 1000 });
    doc.nodes[0].params.biasNeuron = true;
    const { problems } = validateGraph(doc);
    expect(errors(problems)).toEqual([
      {
        severity: 'error',
        code: 'shape',
        nodeId: 'memory',
        port: 'drive',
        message:
          'Node "memory" (Plastic recurrent layer): input "drive" has width 1001 but the layer has 1000 neurons; set "size" to 1001 or feed it 1000 values.',
      },
    ]);
  });

  it('names the node by its label when it has one', () => {
    const doc = binaryPatternGraph({ size: 999 });
    doc.nodes[1].label = 'Memory';
    const [problem] = only(validateGraph(doc).problems, 'shape');
    expect(problem.message.startsWith('Node "Memory" (Plastic recurrent layer): ')).toBe(true);
    expect(problem.nodeId).toBe('memory');
  });

  it('a prediction and target of different shapes, naming both ports', () => {
    const doc = binaryPatternGraph();
    doc.nodes[2].params.size = 999;
    const problems = only(validateGraph(doc).problems, 'shape');
    expect(problems.map((p) => [p.nodeId, p.port])).toEqual([
      ['loss', 'prediction'],
      ['signError', 'prediction'],
    ]);
    expect(problems[0].message).toContain('input "prediction" has shape [999] but input "target" has shape [1000]');
  });

  it('a slice out of range, naming the param', () => {
    const doc = binaryPatternGraph();
    doc.nodes[2].params.start = 5;
    const [problem] = only(validateGraph(doc).problems, 'shape');
    expect(problem).toMatchObject({ nodeId: 'bits', param: 'size' });
    expect(problem.message).toContain('"size" is 1000 but only 996 values follow "start" (5) in the 1001-wide input');
    doc.nodes[2].params.start = 1001;
    const [startProblem] = only(validateGraph(doc).problems, 'shape');
    expect(startProblem).toMatchObject({ nodeId: 'bits', param: 'start' });
  });

  it('no cascade: nodes downstream of a broken node are skipped silently', () => {
    const doc = setParam(binaryPatternGraph(), 'memory', 'size', 0);
    const { problems, shapes } = validateGraph(doc);
    expect(errors(problems).map((p) => [p.code, p.nodeId])).toEqual([['invalid-param', 'memory']]);
    expect(shapes.has('memory')).toBe(false);
    expect(shapes.has('bits')).toBe(false);
    expect(shapes.has('patterns')).toBe(true);
  });

  it('a cycle with no stateful node, naming the nodes on it', () => {
    const doc = graphOf(
      [
        { id: 'patterns', kind: 'BinaryPatternEpisode' },
        { id: 'a', kind: 'Dense', params: { units: 1000 } },
        { id: 'b', kind: 'Dense', params: { units: 1000 } },
        { id: 'loss', kind: 'SquaredErrorLoss' },
      ],
      [['a.output', 'b.input'], ['b.output', 'a.input'], ...tail('b.output')],
    );
    const [problem] = only(validateGraph(doc).problems, 'cycle-without-state');
    expect(problem).toMatchObject({ severity: 'error', nodeId: 'a', edgeId: 'e2' });
    expect(problem.message).toContain('the connections "a" → "b" → "a" form a cycle without any stateful node');
    expect(only(validateGraph(doc).problems, 'stateful-feedback')).toEqual([]);
  });

  it('feedback from a stateful layer into its own input as not supported yet', () => {
    const doc = graphOf(
      [
        { id: 'patterns', kind: 'BinaryPatternEpisode' },
        { id: 'memory', kind: 'PlasticRecurrent' },
        { id: 'mix', kind: 'Dense', params: { units: 1001 } },
        { id: 'bits', kind: 'Slice' },
        { id: 'loss', kind: 'SquaredErrorLoss' },
      ],
      [['memory.output', 'mix.input'], ['mix.output', 'memory.drive'], ['memory.output', 'bits.input'], ...tail('bits.output')],
    );
    const { problems, shapes } = validateGraph(doc);
    const [problem] = only(problems, 'stateful-feedback');
    expect(problem).toMatchObject({ severity: 'error', nodeId: 'memory', port: 'drive', edgeId: 'e2' });
    expect(problem.message).toContain(
      'feedback from "memory"’s output into its own input ("memory" → "mix" → "memory") is not supported yet; the recurrence inside "memory" already carries its output to the next step.',
    );
    expect(only(problems, 'cycle-without-state')).toEqual([]);
    // Ordering cuts the cycle after the stateful node, so the rest is still checked.
    expect(shapes.get('mix')!.outputs.output).toEqual([1001]);
  });

  it('a graph without a loss', () => {
    const doc = graphOf([{ id: 'patterns', kind: 'BinaryPatternEpisode' }]);
    const [problem] = only(validateGraph(doc).problems, 'no-loss');
    expect(problem.severity).toBe('error');
    expect(problem.nodeId).toBeUndefined();
    expect(problem.message).toContain('no loss node');
  });

  it('several episode sources and nodes that reach no head, as warnings', () => {
    const doc = binaryPatternGraph();
    doc.nodes.push({ id: 'more', kind: 'BinaryPatternEpisode', position: { x: 0, y: 0 }, params: {} });
    doc.nodes.push({ id: 'spare', kind: 'Dense', position: { x: 0, y: 0 }, params: {} });
    doc.edges.push({ id: 'e9', from: { node: 'patterns', port: 'input' }, to: { node: 'spare', port: 'input' } });
    const { problems } = validateGraph(doc);
    expect(errors(problems)).toEqual([]);
    expect(only(problems, 'several-sources').map((p) => p.nodeId)).toEqual(['more']);
    expect(only(problems, 'unused-node').map((p) => p.nodeId)).toEqual(['more', 'spare']);
  });

  it('invalid training settings, by field', () => {
    const doc = setTraining(binaryPatternGraph(), { batchSize: 0, optimizer: { learningRate: -1 } });
    const problems = only(validateGraph(doc).problems, 'invalid-training');
    expect(problems.map((p) => p.field).sort()).toEqual(['training.batchSize', 'training.optimizer.learningRate']);
    expect(problems.find((p) => p.field === 'training.batchSize')!.message).toBe('Training setting "training.batchSize" is 0 but must be greater than 0.');
  });

  it('all problems at once, not only the first', () => {
    const doc = binaryPatternGraph();
    doc.nodes[1].kind = 'Plastic';
    doc.nodes[2].params.size = 'all';
    doc.edges.push({ id: 'e7', from: { node: 'ghost', port: 'x' }, to: { node: 'loss', port: 'weight' } });
    const codes = validateGraph(doc).problems.map((p) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['unknown-kind', 'invalid-param', 'missing-node', 'missing-port']));
  });
});

describe('validateGraph on large or hostile documents', () => {
  it('refuses a graph whose training cannot fit in memory, naming the node, and warns above a gigabyte', () => {
    const sized = (size: number, batchSize = 1) => setTraining(binaryPatternGraph({ patternSize: size - 1 }), { batchSize });
    const paper = validateGraph(sized(1001));
    expect(only(paper.problems, 'large')).toEqual([]);
    expect(paper.cost.traceValues).toBe(1001 * 1001);
    expect(paper.cost.bytes).toBeGreaterThan(80 * 1024 ** 2); // measured: the process grows by ~130 MB
    expect(paper.cost.bytes).toBeLessThan(200 * 1024 ** 2);
    expect(only(validateGraph(sized(3501)).problems, 'large')).toMatchObject([{ severity: 'warning', nodeId: 'memory' }]);
    const [tooLarge] = only(validateGraph(sized(9999)).problems, 'too-large');
    expect(tooLarge).toMatchObject({ severity: 'error', nodeId: 'memory' });
    expect(tooLarge.message).toMatch(/would need about 10\.\d GB of memory, more than the 3\.5 GB it can use; this node takes about/);
    const [batch] = only(validateGraph(sized(1001, 100)).problems, 'too-large');
    expect(batch.message).toMatch(/for batches of 100 episodes .* lower the batch size\.$/);
  });

  it('checks a chain of 10,000 nodes (no recursion as deep as the graph)', () => {
    const base = binaryPatternGraph({ patternSize: 8 });
    const chain = Array.from({ length: 10_000 }, (_, i) => ({ id: `d${i}`, kind: 'Dense', params: { units: 4 } }));
    const links: [string, string][] = chain.map((node, i) => [i === 0 ? 'patterns.input' : `d${i - 1}.output`, `${node.id}.input`]);
    const doc = graphOf([...base.nodes, ...chain], [...base.edges.map((e): [string, string] => [`${e.from.node}.${e.from.port}`, `${e.to.node}.${e.to.port}`]), ...links]);
    const problems = validateGraph(doc).problems;
    expect(errors(problems)).toEqual([]);
    expect(only(problems, 'unused-node')).toHaveLength(10_000); // the chain feeds no loss
  });
});

describe('environments (delayed inputs)', () => {
  // A stand-in for a future maze: emits an observation, consumes the previous step's action.
  const World = defineNodeKind<{ width: number }>({
    kind: 'World',
    title: 'World',
    category: 'environment',
    description: 'test environment',
    inputs: [{ name: 'action', description: 'the agent’s action' }],
    outputs: [{ name: 'observation', description: 'what the agent sees' }],
    params: z.object({ width: z.number().int().default(4).describe('actions') }),
    stateful: true,
    delayedInputs: ['action'],
    inferShapes(params, inputs) {
      if (inputs.action && inputs.action[0] !== params.width) return { ok: false, issues: [{ port: 'action', message: 'wrong action width' }] };
      return { ok: true, outputs: { observation: [3] } };
    },
    countParameters: () => ({ trainable: 0, plastic: 0 }),
    build: () => {
      throw new Error('not built in this test');
    },
  });
  const catalog = new Map<string, NodeKind>([...nodeCatalog, ['World', World as NodeKind]]);

  it('accepts a cycle closed through a delayed input and checks the delayed input’s shape', () => {
    const make = (units: number) =>
      graphOf(
        [
          { id: 'world', kind: 'World' },
          { id: 'policy', kind: 'Dense', params: { units } },
          { id: 'loss', kind: 'SquaredErrorLoss' },
        ],
        [
          ['world.observation', 'policy.input'],
          ['policy.output', 'world.action'],
          ['policy.output', 'loss.prediction'],
          ['policy.output', 'loss.target'],
        ],
      );
    const good = validateGraph(make(4), catalog);
    expect(errors(good.problems)).toEqual([]);
    expect(good.shapes.get('world')!.inputs).toEqual({ action: [4] });
    const bad = validateGraph(make(5), catalog);
    expect(errors(bad.problems).map((p) => [p.nodeId, p.port])).toEqual([['world', 'action']]);
  });
});
