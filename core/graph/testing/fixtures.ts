// Small documents for tests (here and in core/compile): the paper's binary pattern network, and a helper
// to write a graph as a list of nodes and "node.port → node.port" connections.
import { GraphDocumentSchema, type GraphDocument } from '../document.ts';

export interface FixtureNode {
  id: string;
  kind: string;
  label?: string;
  params?: Record<string, unknown>;
}

/** A document from nodes and edges written as ['a.out', 'b.in'] pairs; edge ids are e1, e2, … */
export function graphOf(nodes: FixtureNode[], connections: [string, string][] = []): GraphDocument {
  const ref = (text: string) => {
    const dot = text.lastIndexOf('.');
    return { node: text.slice(0, dot), port: text.slice(dot + 1) };
  };
  return GraphDocumentSchema.parse({
    format: 'plasticity-graph',
    version: 1,
    meta: { name: 'fixture' },
    nodes: nodes.map((node, i) => ({ position: { x: 200 * i, y: 0 }, params: {}, ...node })),
    edges: connections.map(([from, to], i) => ({ id: `e${i + 1}`, from: ref(from), to: ref(to) })),
  });
}

/** Miconi et al. 2018, §4.1: patterns → 1001-neuron plastic layer → first 1000 neurons → loss and sign error. */
export function binaryPatternGraph(params: { patternSize?: number; size?: number } = {}): GraphDocument {
  const patternSize = params.patternSize ?? 1000;
  return graphOf(
    [
      { id: 'patterns', kind: 'BinaryPatternEpisode', params: { patternSize } },
      { id: 'memory', kind: 'PlasticRecurrent', params: { size: params.size ?? patternSize + 1 } },
      { id: 'bits', kind: 'Slice', params: { start: 0, size: patternSize } },
      { id: 'loss', kind: 'SquaredErrorLoss' },
      { id: 'signError', kind: 'SignErrorMetric' },
    ],
    [
      ['patterns.input', 'memory.drive'],
      ['memory.output', 'bits.input'],
      ['bits.output', 'loss.prediction'],
      ['patterns.target', 'loss.target'],
      ['bits.output', 'signError.prediction'],
      ['patterns.target', 'signError.target'],
    ],
  );
}
