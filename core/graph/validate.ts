// validateGraph: every problem in a graph, each addressed to a node and port/param (or edge, or field),
// plus the shapes that could be inferred. Pure and fast enough to run on every edit in the editor.
import type { NodeCatalog } from '../nodes/catalog.ts';
import { nodeCatalog } from '../nodes/catalog.ts';
import { describeSchemaIssue, formatJsonPath, TrainingSettingsSchema, type GraphDocument } from './document.ts';
import type { Problem } from './problems.ts';
import { resolveGraph, type ResolvedGraph } from './resolve.ts';
import { inferShapesInOrder, type NodeShapes } from './shapes.ts';
import { findCycles, topologicalOrder, type Cycle } from './topology.ts';
import { estimateTrainingCost, formatBytes, TRAINING_MEMORY_LIMIT_BYTES, TRAINING_MEMORY_NOTICE_BYTES, type TrainingCost } from './training-cost.ts';

export interface ValidationResult {
  problems: Problem[];
  shapes: Map<string, NodeShapes>;
  /** Parameters and the memory training will take (an estimate; see training-cost.ts). */
  cost: TrainingCost;
}

export function validateGraph(doc: GraphDocument, catalog: NodeCatalog = nodeCatalog): ValidationResult {
  const graph = resolveGraph(doc, catalog);
  const problems = [...graph.problems];
  problems.push(...cycleProblems(graph));
  const order = topologicalOrder(doc, catalog, graph.usableEdges);
  const inferred = inferShapesInOrder(graph, order);
  problems.push(...inferred.problems);
  problems.push(...wholeGraphProblems(graph));
  problems.push(...trainingProblems(doc));
  const batchSize = Number.isSafeInteger(doc.training.batchSize) && doc.training.batchSize > 0 ? doc.training.batchSize : 1;
  const cost = estimateTrainingCost(graph, inferred.shapes, batchSize);
  problems.push(...costProblems(graph, cost));
  return { problems, shapes: inferred.shapes, cost };
}

/** Training that cannot fit is an error on the heaviest node; training that takes over a gigabyte, a warning. */
function costProblems(graph: ResolvedGraph, cost: TrainingCost): Problem[] {
  const heaviest = cost.nodes[0];
  if (!heaviest || cost.bytes <= TRAINING_MEMORY_NOTICE_BYTES) return [];
  const node = graph.nodes.get(heaviest.nodeId)!;
  const share = `this node takes about ${formatBytes(heaviest.bytes)} of it`;
  const batch = cost.batchSize > 1 ? ` for batches of ${cost.batchSize.toLocaleString('en-US')} episodes` : '';
  const fix = cost.batchSize > 1 ? 'make it smaller or lower the batch size' : 'make it smaller';
  if (cost.bytes > TRAINING_MEMORY_LIMIT_BYTES) {
    return [
      {
        severity: 'error',
        code: 'too-large',
        nodeId: heaviest.nodeId,
        message: `${node.title}: training this graph${batch} would need about ${formatBytes(cost.bytes)} of memory, more than the ${formatBytes(TRAINING_MEMORY_LIMIT_BYTES)} it can use; ${share}: ${fix}.`,
      },
    ];
  }
  return [
    {
      severity: 'warning',
      code: 'large',
      nodeId: heaviest.nodeId,
      message: `${node.title}: training this graph${batch} will need about ${formatBytes(cost.bytes)} of memory; ${share}.`,
    },
  ];
}

function describeCycle(graph: ResolvedGraph, cycle: Cycle): string {
  return cycle.nodes.map((id) => `"${graph.nodes.get(id)?.node.label?.trim() || id}"`).join(' → ');
}

function cycleProblems(graph: ResolvedGraph): Problem[] {
  const { statefulFeedback, withoutState } = findCycles(graph.doc, graph.catalog, graph.usableEdges);
  const problems: Problem[] = [];
  for (const cycle of statefulFeedback) {
    const layer = graph.nodes.get(cycle.nodes[0])!;
    const name = layer.node.label?.trim() || layer.node.id;
    problems.push({
      severity: 'error',
      code: 'stateful-feedback',
      nodeId: layer.node.id,
      edgeId: cycle.closingEdge.id,
      port: cycle.closingEdge.to.node === layer.node.id ? cycle.closingEdge.to.port : undefined,
      message: `${layer.title}: feedback from "${name}"’s output into its own input (${describeCycle(graph, cycle)}) is not supported yet; the recurrence inside "${name}" already carries its output to the next step.`,
    });
  }
  for (const cycle of withoutState) {
    const first = graph.nodes.get(cycle.nodes[0])!;
    problems.push({
      severity: 'error',
      code: 'cycle-without-state',
      nodeId: first.node.id,
      edgeId: cycle.closingEdge.id,
      message: `${first.title}: the connections ${describeCycle(graph, cycle)} form a cycle without any stateful node, so no node can be computed first; remove edge "${cycle.closingEdge.id}" or route the loop through a recurrent or plastic layer.`,
    });
  }
  return problems;
}

/** Problems of the graph as a whole: no loss, several episode sources, nodes that feed nothing. */
function wholeGraphProblems(graph: ResolvedGraph): Problem[] {
  const problems: Problem[] = [];
  const nodes = [...graph.nodes.values()];
  const heads = nodes.filter((n) => n.kind?.category === 'loss' || n.kind?.category === 'metric');
  if (!nodes.some((n) => n.kind?.category === 'loss')) {
    problems.push({
      severity: 'error',
      code: 'no-loss',
      message: 'The graph has no loss node, so training has nothing to minimise; add one (e.g. Squared error loss) and connect a prediction and a target to it.',
    });
  }
  const sources = nodes.filter((n) => n.kind?.category === 'source' || n.kind?.category === 'environment');
  if (sources.length > 1) {
    const names = sources.map((s) => `"${s.node.label?.trim() || s.node.id}"`).join(', ');
    for (const extra of sources.slice(1)) {
      problems.push({
        severity: 'warning',
        code: 'several-sources',
        nodeId: extra.node.id,
        message: `${extra.title}: the graph has ${sources.length} episode sources (${names}); each draws its own episodes, so they must all produce the same number of steps.`,
      });
    }
  }
  if (heads.length > 0) {
    // Walk backwards from every loss and metric; anything not reached does not influence training.
    const reached = new Set(heads.map((h) => h.node.id));
    const pending = [...reached];
    const sourcesOf = new Map<string, string[]>();
    for (const edge of graph.doc.edges) {
      const list = sourcesOf.get(edge.to.node);
      if (list) list.push(edge.from.node);
      else sourcesOf.set(edge.to.node, [edge.from.node]);
    }
    while (pending.length > 0) {
      const id = pending.pop()!;
      for (const from of sourcesOf.get(id) ?? []) {
        if (!reached.has(from)) {
          reached.add(from);
          pending.push(from);
        }
      }
    }
    for (const n of nodes) {
      if (!n.kind || reached.has(n.node.id)) continue;
      problems.push({
        severity: 'warning',
        code: 'unused-node',
        nodeId: n.node.id,
        message: `${n.title}: its outputs do not reach any loss or metric, so it has no effect on training.`,
      });
    }
  }
  return problems;
}

/** Training settings may have been edited after parsing (setTraining stores what it is given). */
function trainingProblems(doc: GraphDocument): Problem[] {
  const parsed = TrainingSettingsSchema.safeParse(doc.training);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const field = formatJsonPath(['training', ...issue.path]);
    const message = `Training setting "${field}" ${describeSchemaIssue(issue, doc.training)}.`;
    return { severity: 'error', code: 'invalid-training', field, message };
  });
}
