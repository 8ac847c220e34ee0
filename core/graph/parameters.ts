// How many numbers a graph trains, per node and in total (the paper quotes these: 2,004,003 for the
// 1001-neuron plastic network). Needs inferred input shapes, so it runs validation's shape pass.
import type { ParameterCount } from '../nodes/kind.ts';
import type { NodeCatalog } from '../nodes/catalog.ts';
import { nodeCatalog } from '../nodes/catalog.ts';
import type { GraphDocument } from './document.ts';
import { resolveGraph } from './resolve.ts';
import { inferShapesInOrder } from './shapes.ts';
import { topologicalOrder } from './topology.ts';

export interface GraphParameterCount {
  /** Only nodes whose shapes could be inferred. */
  nodes: Record<string, ParameterCount>;
  total: ParameterCount;
}

export function countGraphParameters(doc: GraphDocument, catalog: NodeCatalog = nodeCatalog): GraphParameterCount {
  const graph = resolveGraph(doc, catalog);
  const { shapes } = inferShapesInOrder(graph, topologicalOrder(doc, catalog, graph.usableEdges));
  const nodes: Record<string, ParameterCount> = {};
  const total: ParameterCount = { trainable: 0, plastic: 0 };
  for (const [id, resolved] of graph.nodes) {
    const nodeShapes = shapes.get(id);
    if (!resolved.kind || !resolved.params || !nodeShapes) continue;
    const count = resolved.kind.countParameters(resolved.params, nodeShapes.inputs);
    nodes[id] = { trainable: count.trainable, plastic: count.plastic };
    total.trainable += count.trainable;
    total.plastic += count.plastic;
  }
  return { nodes, total };
}
