// Order and cycles. A graph is one time step; evaluation follows edges, except:
// - edges into a kind's `delayedInputs` carry the previous step's value (an environment's action), so they
//   impose no order and may close a cycle legally;
// - inside a cycle, edges OUT of a stateful node are where the cycle would be cut for ordering (the state
//   carries the value to the next step). In sequence mode such feedback is not compilable yet, so validation
//   reports it; ordering still cuts there so everything else can be checked.
import type { NodeCatalog } from '../nodes/catalog.ts';
import { nodeCatalog } from '../nodes/catalog.ts';
import type { GraphDocument, GraphEdge } from './document.ts';
import TinyQueue from 'tinyqueue';

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

function successors(ids: readonly string[], arcs: readonly Arc[]): Map<string, Arc[]> {
  const next = new Map<string, Arc[]>(ids.map((id) => [id, []]));
  for (const arc of arcs) next.get(arc.from)!.push(arc);
  return next;
}

/**
 * Tarjan's strongly connected components; returns the component index of each node. Iterative, with an explicit
 * stack of (node, next arc) frames: a chain of 10,000 nodes would overflow the call stack of a recursive one.
 */
function components(ids: string[], arcs: Arc[]): Map<string, number> {
  const next = successors(ids, arcs);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  let counter = 0;
  let componentCount = 0;
  const enter = (id: string, frames: { id: string; arc: number }[]) => {
    index.set(id, counter);
    low.set(id, counter++);
    stack.push(id);
    onStack.add(id);
    frames.push({ id, arc: 0 });
  };
  for (const root of ids) {
    if (index.has(root)) continue;
    const frames: { id: string; arc: number }[] = [];
    enter(root, frames);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const out = next.get(frame.id)!;
      if (frame.arc < out.length) {
        const to = out[frame.arc++].to;
        if (!index.has(to)) enter(to, frames);
        else if (onStack.has(to)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(to)!));
        continue;
      }
      frames.pop();
      const id = frame.id;
      if (frames.length > 0) {
        const parent = frames[frames.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(id)!));
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
    }
  }
  return component;
}

/** Shortest cycle from `start` back to itself using only arcs inside its component (breadth-first). */
function shortestCycle(start: string, next: Map<string, Arc[]>, component: Map<string, number>): Cycle | undefined {
  const own = component.get(start);
  const cameFrom = new Map<string, Arc>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    for (const arc of next.get(id)!) {
      if (component.get(arc.to) !== own) continue;
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

/** Components that contain a cycle: those with an arc between two of their own nodes (a self-loop counts). */
function cyclicComponents(arcs: Arc[], component: Map<string, number>): Set<number> {
  const cyclic = new Set<number>();
  for (const arc of arcs) if (component.get(arc.from) === component.get(arc.to)) cyclic.add(component.get(arc.from)!);
  return cyclic;
}

function statefulNodes(doc: GraphDocument, catalog: NodeCatalog): Set<string> {
  return new Set(doc.nodes.filter((n) => catalog.get(n.kind)?.stateful).map((n) => n.id));
}

interface Analysis {
  order: Map<string, number>;
  ids: string[];
  arcs: Arc[];
  component: Map<string, number>;
  stateful: Set<string>;
  /** Arcs left after cutting edges out of stateful nodes inside cycles. */
  cutArcs: Arc[];
  cutComponent: Map<string, number>;
}

function analyse(doc: GraphDocument, catalog: NodeCatalog, edges?: readonly GraphEdge[]): Analysis {
  const order = nodeOrder(doc);
  const ids = [...order.keys()];
  const arcs = orderingArcs(doc, catalog, order, edges);
  const component = components(ids, arcs);
  const stateful = statefulNodes(doc, catalog);
  const cutArcs = arcs.filter((arc) => !(component.get(arc.from) === component.get(arc.to) && stateful.has(arc.from)));
  return { order, ids, arcs, component, stateful, cutArcs, cutComponent: components(ids, cutArcs) };
}

/** Every cycle problem, one cycle per strongly connected group of nodes. Pass `edges` to consider only those. */
export function findCycles(doc: GraphDocument, catalog: NodeCatalog = nodeCatalog, edges?: readonly GraphEdge[]): CycleReport {
  const { ids, arcs, component, stateful, cutArcs, cutComponent } = analyse(doc, catalog, edges);
  const report: CycleReport = { statefulFeedback: [], withoutState: [] };
  const cyclic = cyclicComponents(arcs, component);
  const next = successors(ids, arcs);
  const seen = new Set<number>();
  for (const id of ids) {
    const c = component.get(id)!;
    if (seen.has(c) || !stateful.has(id) || !cyclic.has(c)) continue;
    seen.add(c);
    const cycle = shortestCycle(id, next, component);
    if (cycle) report.statefulFeedback.push(cycle);
  }
  const cyclicCut = cyclicComponents(cutArcs, cutComponent);
  const nextCut = successors(ids, cutArcs);
  const seenCut = new Set<number>();
  for (const id of ids) {
    const c = cutComponent.get(id)!;
    if (seenCut.has(c) || !cyclicCut.has(c)) continue;
    seenCut.add(c);
    const cycle = shortestCycle(id, nextCut, cutComponent);
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
  const next = successors(ids, cutArcs);
  const waitingOn = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const arc of cutArcs) waitingOn.set(arc.to, waitingOn.get(arc.to)! + 1);
  // Kahn's algorithm, taking the earliest ready node in document order each time.
  const ready = new TinyQueue<string>([], (a, b) => order.get(a)! - order.get(b)!);
  for (const id of ids) if (waitingOn.get(id) === 0) ready.push(id);
  const result: string[] = [];
  for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
    result.push(id);
    for (const arc of next.get(id)!) {
      const left = waitingOn.get(arc.to)! - 1;
      waitingOn.set(arc.to, left);
      if (left === 0) ready.push(arc.to);
    }
  }
  const placed = new Set(result);
  return [...result, ...ids.filter((id) => !placed.has(id))];
}
