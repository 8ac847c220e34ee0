// Order and cycles. A graph is one time step; evaluation follows edges, except:
// - edges into a kind's `delayedInputs` carry the previous step's value (an environment's action), so they
//   impose no order and may close a cycle legally;
// - inside a cycle, edges OUT of a stateful node are where the cycle would be cut for ordering (the state
//   carries the value to the next step). In sequence mode such feedback is not compilable yet, so validation
//   reports it; ordering still cuts there so everything else can be checked.
import type { NodeCatalog } from '../nodes/catalog.ts';
import { nodeCatalog } from '../nodes/catalog.ts';
import type { GraphDocument, GraphEdge } from './document.ts';

interface Arc {
  from: string;
  to: string;
  edge: GraphEdge;
}

export interface Cycle {
  /** Node ids along the cycle, starting at `nodes[0]` and returning to it. */
  nodes: string[];
  /** The edge that closes the cycle back into `nodes[0]`. */
  closingEdge: GraphEdge;
}

export interface CycleReport {
  /** Cycles through a stateful node: a layer's output fed back into its own input. nodes[0] is that node. */
  statefulFeedback: Cycle[];
  /** Cycles with no stateful node on them: the step cannot be evaluated at all. */
  withoutState: Cycle[];
}

/** Node ids in document order, first occurrence of each id. */
function nodeOrder(doc: GraphDocument): Map<string, number> {
  const order = new Map<string, number>();
  doc.nodes.forEach((node, index) => {
    if (!order.has(node.id)) order.set(node.id, index);
  });
  return order;
}

/** Edges that order evaluation: both ends exist and the target port is not a delayed input. */
function orderingArcs(doc: GraphDocument, catalog: NodeCatalog, order: Map<string, number>, edges?: readonly GraphEdge[]): Arc[] {
  const kindOf = new Map<string, string>();
  for (const node of doc.nodes) if (!kindOf.has(node.id)) kindOf.set(node.id, node.kind);
  return (edges ?? doc.edges)
    .filter((edge) => order.has(edge.from.node) && order.has(edge.to.node))
    .filter((edge) => !catalog.get(kindOf.get(edge.to.node)!)?.delayedInputs?.includes(edge.to.port))
    .map((edge) => ({ from: edge.from.node, to: edge.to.node, edge }));
}

/** Tarjan's strongly connected components; returns component index per node. */
function components(ids: string[], arcs: Arc[]): Map<string, number> {
  const next = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const arc of arcs) next.get(arc.from)!.push(arc.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  let counter = 0;
  let componentCount = 0;
  const visit = (id: string) => {
    index.set(id, counter);
    low.set(id, counter++);
    stack.push(id);
    onStack.add(id);
    for (const to of next.get(id)!) {
      if (!index.has(to)) {
        visit(to);
        low.set(id, Math.min(low.get(id)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(id, Math.min(low.get(id)!, index.get(to)!));
    }
    if (low.get(id) === index.get(id)) {
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.set(member, componentCount);
      } while (member !== id);
      componentCount++;
    }
  };
  for (const id of ids) if (!index.has(id)) visit(id);
  return component;
}

/** Shortest cycle from `start` back to itself using only arcs inside its component (breadth-first). */
function shortestCycle(start: string, arcs: Arc[], component: Map<string, number>): Cycle | undefined {
  const inside = arcs.filter((arc) => component.get(arc.from) === component.get(start) && component.get(arc.to) === component.get(start));
  const cameFrom = new Map<string, Arc>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    for (const arc of inside.filter((a) => a.from === id)) {
      if (arc.to === start) {
        const path = [id];
        for (let at = id; at !== start; ) {
          at = cameFrom.get(at)!.from;
          path.unshift(at);
        }
        return { nodes: [...path, start], closingEdge: arc.edge };
      }
      if (!cameFrom.has(arc.to)) {
        cameFrom.set(arc.to, arc);
        queue.push(arc.to);
      }
    }
  }
  return undefined;
}

function isCyclic(id: string, arcs: Arc[], component: Map<string, number>): boolean {
  const c = component.get(id);
  return arcs.some((arc) => component.get(arc.from) === c && component.get(arc.to) === c);
}

function isStateful(doc: GraphDocument, catalog: NodeCatalog, id: string): boolean {
  const node = doc.nodes.find((n) => n.id === id);
  return Boolean(node && catalog.get(node.kind)?.stateful);
}

interface Analysis {
  order: Map<string, number>;
  ids: string[];
  arcs: Arc[];
  component: Map<string, number>;
  /** Arcs left after cutting edges out of stateful nodes inside cycles. */
  cutArcs: Arc[];
  cutComponent: Map<string, number>;
}

function analyse(doc: GraphDocument, catalog: NodeCatalog, edges?: readonly GraphEdge[]): Analysis {
  const order = nodeOrder(doc);
  const ids = [...order.keys()];
  const arcs = orderingArcs(doc, catalog, order, edges);
  const component = components(ids, arcs);
  const cutArcs = arcs.filter(
    (arc) => !(component.get(arc.from) === component.get(arc.to) && isStateful(doc, catalog, arc.from)),
  );
  return { order, ids, arcs, component, cutArcs, cutComponent: components(ids, cutArcs) };
}

/** Every cycle problem, one cycle per strongly connected group of nodes. Pass `edges` to consider only those. */
export function findCycles(doc: GraphDocument, catalog: NodeCatalog = nodeCatalog, edges?: readonly GraphEdge[]): CycleReport {
  const { ids, arcs, component, cutArcs, cutComponent } = analyse(doc, catalog, edges);
  const report: CycleReport = { statefulFeedback: [], withoutState: [] };
  const seen = new Set<number>();
  for (const id of ids) {
    const c = component.get(id)!;
    if (seen.has(c) || !isStateful(doc, catalog, id) || !isCyclic(id, arcs, component)) continue;
    seen.add(c);
    const cycle = shortestCycle(id, arcs, component);
    if (cycle) report.statefulFeedback.push(cycle);
  }
  const seenCut = new Set<number>();
  for (const id of ids) {
    const c = cutComponent.get(id)!;
    if (seenCut.has(c) || !isCyclic(id, cutArcs, cutComponent)) continue;
    seenCut.add(c);
    const cycle = shortestCycle(id, cutArcs, cutComponent);
    if (cycle) report.withoutState.push(cycle);
  }
  return report;
}

/**
 * Node ids in an order where each node comes after the nodes feeding it (ties in document order).
 * Edges out of stateful nodes inside cycles and edges into delayed inputs do not constrain the order;
 * nodes on a cycle without state (an invalid graph) come last, in document order.
 */
export function topologicalOrder(doc: GraphDocument, catalog: NodeCatalog = nodeCatalog, edges?: readonly GraphEdge[]): string[] {
  const { order, ids, cutArcs } = analyse(doc, catalog, edges);
  const waitingOn = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const arc of cutArcs) waitingOn.set(arc.to, waitingOn.get(arc.to)! + 1);
  const ready = ids.filter((id) => waitingOn.get(id) === 0);
  const result: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => order.get(a)! - order.get(b)!);
    const id = ready.shift()!;
    result.push(id);
    for (const arc of cutArcs) {
      if (arc.from !== id) continue;
      const left = waitingOn.get(arc.to)! - 1;
      waitingOn.set(arc.to, left);
      if (left === 0) ready.push(arc.to);
    }
  }
  const placed = new Set(result);
  return [...result, ...ids.filter((id) => !placed.has(id))];
}
