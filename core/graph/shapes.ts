// Shape inference: each node's per-step input and output shapes, node by node in evaluation order. A node is
// skipped (no shapes, no new problem) when something feeding it is already broken, so one mistake gives
// one message instead of a cascade down the graph.
import type { GraphEdge } from './document.ts';
import type { Shape } from '../nodes/kind.ts';
import type { ResolvedGraph, ResolvedNode } from './resolve.ts';
import type { Problem } from './problems.ts';

export interface NodeShapes {
  inputs: Record<string, Shape>;
  outputs: Record<string, Shape>;
}

export function inferShapesInOrder(graph: ResolvedGraph, order: readonly string[]): { shapes: Map<string, NodeShapes>; problems: Problem[] } {
  const shapes = new Map<string, NodeShapes>();
  const problems: Problem[] = [];
  const delayedChecks: ResolvedNode[] = [];

  const position = new Map(order.map((id, i) => [id, i]));
  const incoming = edgesInto(graph);
  for (const id of order) {
    const resolved = graph.nodes.get(id);
    if (!resolved?.kind || !resolved.params) continue;
    // Ports fed from later in the step (delayed inputs, or a cycle cut after a stateful node) are left out
    // for now and checked once every shape is known.
    const delayed = new Set(resolved.kind.delayedInputs ?? []);
    for (const edge of incoming.get(id) ?? []) {
      const from = position.get(edge.from.node);
      if (from !== undefined && from >= position.get(id)!) delayed.add(edge.to.port);
    }
    const inputs = gatherInputs(graph, resolved, shapes, delayed, incoming);
    if (!inputs) continue;
    const outputs = runInference(resolved, inputs, problems);
    if (!outputs) continue;
    shapes.set(id, { inputs, outputs });
    if (delayed.size > 0) delayedChecks.push(resolved);
  }

  for (const resolved of delayedChecks) {
    const inputs = gatherInputs(graph, resolved, shapes, new Set(), incoming);
    if (!inputs) continue;
    if (runInference(resolved, inputs, problems)) shapes.get(resolved.node.id)!.inputs = inputs;
  }
  return { shapes, problems };
}

/** Each node's incoming edges, in document order: looked up once per node instead of scanning every edge. */
function edgesInto(graph: ResolvedGraph): Map<string, GraphEdge[]> {
  const incoming = new Map<string, GraphEdge[]>();
  for (const edge of graph.doc.edges) {
    const list = incoming.get(edge.to.node);
    if (list) list.push(edge);
    else incoming.set(edge.to.node, [edge]);
  }
  return incoming;
}

/** Shapes arriving at each connected input, or undefined when an incoming edge or its source is broken. */
function gatherInputs(
  graph: ResolvedGraph,
  resolved: ResolvedNode,
  shapes: Map<string, NodeShapes>,
  skipPorts: Set<string>,
  incoming: Map<string, GraphEdge[]>,
): Record<string, Shape> | undefined {
  const inputs: Record<string, Shape> = {};
  for (const edge of incoming.get(resolved.node.id) ?? []) {
    if (skipPorts.has(edge.to.port)) continue;
    if (graph.brokenEdges.has(edge.id)) return undefined;
    const shape = shapes.get(edge.from.node)?.outputs[edge.from.port];
    if (!shape) return undefined;
    inputs[edge.to.port] = shape;
  }
  return inputs;
}

function runInference(resolved: ResolvedNode, inputs: Record<string, Shape>, problems: Problem[]): Record<string, Shape> | undefined {
  const { kind, params, node, title } = resolved;
  try {
    const result = kind!.inferShapes(params!, inputs);
    if (result.ok) return result.outputs;
    for (const issue of result.issues) {
      problems.push({
        severity: 'error',
        code: 'shape',
        nodeId: node.id,
        ...(issue.port && { port: issue.port }),
        ...(issue.param && { param: issue.param }),
        message: `${title}: ${issue.message}`,
      });
    }
  } catch (error) {
    problems.push({
      severity: 'error',
      code: 'internal',
      nodeId: node.id,
      message: `${title}: its shape rule failed (${(error as Error).message}); this is a bug in the node kind.`,
    });
  }
  return undefined;
}
