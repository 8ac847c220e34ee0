// Named edit operations on a graph document. Each is a pure function (document in, new document out,
// built with immer so unchanged parts are shared), so the editor's undo/redo is a stack of documents.
// Operations a user can ask for with a bad argument (connect, renameNode) return a reason instead of
// throwing; the others throw only on programming errors (an id that is not in the document).
import { produce } from 'immer';
import type { NodeCatalog } from '../nodes/catalog.ts';
import { nodeCatalog } from '../nodes/catalog.ts';
import type { Shape } from '../nodes/kind.ts';
import type { GraphDocument, GraphEdge, GraphMeta, GraphNode, PortRef, TrainingSettings } from './document.ts';
import { resolveGraph } from './resolve.ts';
import { inferShapesInOrder } from './shapes.ts';
import { topologicalOrder } from './topology.ts';
import { nodeTitle } from './problems.ts';

export type EditResult = { ok: true; document: GraphDocument } | { ok: false; reason: string };
export type ConnectCheck = { ok: true } | { ok: false; reason: string };

export interface Position {
  x: number;
  y: number;
}

/** Nodes and the edges between them, as copied to the clipboard. */
export interface GraphFragment {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

function findNode(doc: GraphDocument, id: string): GraphNode {
  const node = doc.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`No node "${id}" in graph "${doc.meta.name}".`);
  return node;
}

/** `PlasticRecurrent` → `plasticRecurrent`, `LSTM` → `lstm`, `memory2` → `memory`. */
function idBase(name: string): string {
  const base = name.replace(/\d+$/, '') || 'node';
  return base === base.toUpperCase() ? base.toLowerCase() : base.charAt(0).toLowerCase() + base.slice(1);
}

function freshId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}${n}`)) return `${base}${n}`;
}

/** An unused node id derived from a kind name or an existing id. */
export function freshNodeId(doc: GraphDocument, kindOrId: string): string {
  return freshId(idBase(kindOrId), new Set(doc.nodes.map((n) => n.id)));
}

/** An unused edge id: e1, e2, … */
export function freshEdgeId(doc: GraphDocument): string {
  const taken = new Set(doc.edges.map((e) => e.id));
  for (let n = doc.edges.length + 1; ; n++) if (!taken.has(`e${n}`)) return `e${n}`;
}

/** Appends a node of `kind` with every param at its default (overridden by `params`). */
export function addNode(
  doc: GraphDocument,
  args: { kind: string; position: Position; id?: string; label?: string; params?: Record<string, unknown> },
  catalog: NodeCatalog = nodeCatalog,
): GraphDocument {
  const kind = catalog.get(args.kind);
  if (!kind) throw new Error(`Cannot add a node of unknown kind "${args.kind}".`);
  const id = args.id ?? freshNodeId(doc, args.kind);
  if (doc.nodes.some((n) => n.id === id)) throw new Error(`Cannot add node "${id}": the graph already has a node with that id.`);
  const params = { ...(kind.params.parse({}) as Record<string, unknown>), ...args.params };
  return produce(doc, (draft) => {
    draft.nodes.push({ id, kind: args.kind, ...(args.label && { label: args.label }), position: { ...args.position }, params });
  });
}

/** Removes the nodes and every edge touching them. */
export function removeNodes(doc: GraphDocument, ids: readonly string[]): GraphDocument {
  const gone = new Set(ids);
  return produce(doc, (draft) => {
    draft.nodes = draft.nodes.filter((n) => !gone.has(n.id));
    draft.edges = draft.edges.filter((e) => !gone.has(e.from.node) && !gone.has(e.to.node));
  });
}

export function moveNodes(doc: GraphDocument, moves: readonly { id: string; position: Position }[]): GraphDocument {
  return produce(doc, (draft) => {
    for (const move of moves) {
      const node = findNode(draft as GraphDocument, move.id);
      node.position = { ...node.position, x: move.position.x, y: move.position.y };
    }
  });
}

/** Shape arriving from `from`, if it can be inferred in the current document. */
function outputShape(doc: GraphDocument, from: PortRef, catalog: NodeCatalog): { shapes: Map<string, { outputs: Record<string, Shape> }>; shape?: Shape } {
  const graph = resolveGraph(doc, catalog);
  const { shapes } = inferShapesInOrder(graph, topologicalOrder(doc, catalog, graph.usableEdges));
  return { shapes, shape: shapes.get(from.node)?.outputs[from.port] };
}

/** Whether `to.node` can reach `from.node` through ordering edges (so the new edge would close a cycle). */
function wouldCloseCycle(doc: GraphDocument, from: PortRef, to: PortRef, catalog: NodeCatalog): string[] | undefined {
  const delayed = (edge: { to: PortRef }) => {
    const kind = catalog.get(doc.nodes.find((n) => n.id === edge.to.node)?.kind ?? '');
    return kind?.delayedInputs?.includes(edge.to.port) ?? false;
  };
  if (delayed({ to })) return undefined;
  const cameFrom = new Map<string, string>([[to.node, '']]);
  const queue = [to.node];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    if (id === from.node) {
      const path = [id];
      for (let at = id; at !== to.node; at = cameFrom.get(at)!) path.unshift(cameFrom.get(at)!);
      return path;
    }
    for (const edge of doc.edges) {
      if (edge.from.node === id && !cameFrom.has(edge.to.node) && !delayed(edge)) {
        cameFrom.set(edge.to.node, id);
        queue.push(edge.to.node);
      }
    }
  }
  return undefined;
}

/** Whether an edge from output `from` to input `to` may be drawn; if not, a sentence saying why. */
export function canConnect(doc: GraphDocument, from: PortRef, to: PortRef, catalog: NodeCatalog = nodeCatalog): ConnectCheck {
  const source = doc.nodes.find((n) => n.id === from.node);
  const target = doc.nodes.find((n) => n.id === to.node);
  if (!source) return { ok: false, reason: `There is no node "${from.node}".` };
  if (!target) return { ok: false, reason: `There is no node "${to.node}".` };
  const sourceKind = catalog.get(source.kind);
  const targetKind = catalog.get(target.kind);
  if (!sourceKind) return { ok: false, reason: `Node "${source.id}" has an unknown kind ("${source.kind}"), so its ports are unknown.` };
  if (!targetKind) return { ok: false, reason: `Node "${target.id}" has an unknown kind ("${target.kind}"), so its ports are unknown.` };
  if (!sourceKind.outputs.some((p) => p.name === from.port)) {
    const isInput = sourceKind.inputs.some((p) => p.name === from.port);
    return {
      ok: false,
      reason: isInput
        ? `"${from.port}" of "${source.id}" is an input; a connection starts at an output.`
        : `${nodeTitle(source, sourceKind.title)} has no output "${from.port}".`,
    };
  }
  if (!targetKind.inputs.some((p) => p.name === to.port)) {
    const isOutput = targetKind.outputs.some((p) => p.name === to.port);
    return {
      ok: false,
      reason: isOutput
        ? `"${to.port}" of "${target.id}" is an output too; connect an output to an input.`
        : `${nodeTitle(target, targetKind.title)} has no input "${to.port}".`,
    };
  }
  const existing = doc.edges.find((e) => e.to.node === to.node && e.to.port === to.port);
  if (existing) {
    return {
      ok: false,
      reason: `Input "${to.port}" of "${target.id}" already receives "${existing.from.node}"."${existing.from.port}"; an input takes one connection, so remove that one first.`,
    };
  }
  const loop = wouldCloseCycle(doc, from, to, catalog);
  if (loop) {
    const path = [...loop, to.node].map((id) => `"${id}"`).join(' → ');
    const stateful = loop.some((id) => catalog.get(doc.nodes.find((n) => n.id === id)?.kind ?? '')?.stateful);
    return {
      ok: false,
      reason: stateful
        ? `This would feed a layer's output back into its own input (${path}); that is not supported yet, and a recurrent or plastic layer already carries its output to the next step.`
        : `This would close a cycle without any stateful node (${path}), so no node could be computed first.`,
    };
  }
  const { shapes, shape } = outputShape(doc, from, catalog);
  const parsed = targetKind.params.safeParse(target.params ?? {});
  if (shape && parsed.success) {
    const inputs: Record<string, Shape> = {};
    for (const edge of doc.edges) {
      const arriving = edge.to.node === to.node ? shapes.get(edge.from.node)?.outputs[edge.from.port] : undefined;
      if (arriving) inputs[edge.to.port] = arriving;
    }
    // Refuse when the new input brings a port problem that was not there before (e.g. a loss's prediction
    // no longer matching its target is reported on "prediction" even when "target" is the new edge).
    const portIssues = (given: Record<string, Shape>) => {
      const result = targetKind.inferShapes(parsed.data, given);
      return result.ok ? [] : result.issues.filter((issue) => issue.port);
    };
    const before = new Set(portIssues(inputs).map((issue) => issue.message));
    const issue = portIssues({ ...inputs, [to.port]: shape }).find((i) => !before.has(i.message));
    if (issue) return { ok: false, reason: `${nodeTitle(target, targetKind.title)}: ${issue.message}` };
  }
  return { ok: true };
}

/** Adds an edge when canConnect allows it; otherwise returns the reason. */
export function connect(
  doc: GraphDocument,
  args: { from: PortRef; to: PortRef; id?: string },
  catalog: NodeCatalog = nodeCatalog,
): EditResult {
  const check = canConnect(doc, args.from, args.to, catalog);
  if (!check.ok) return check;
  const id = args.id ?? freshEdgeId(doc);
  if (doc.edges.some((e) => e.id === id)) return { ok: false, reason: `The graph already has an edge "${id}".` };
  const document = produce(doc, (draft) => {
    draft.edges.push({ id, from: { node: args.from.node, port: args.from.port }, to: { node: args.to.node, port: args.to.port } });
  });
  return { ok: true, document };
}

export function disconnect(doc: GraphDocument, edgeIds: readonly string[]): GraphDocument {
  const gone = new Set(edgeIds);
  return produce(doc, (draft) => {
    draft.edges = draft.edges.filter((e) => !gone.has(e.id));
  });
}

/**
 * Stores a param value as given, even an invalid one, so the inspector keeps what the user typed while
 * validation reports the problem. `undefined` removes the value (the kind's default applies).
 */
export function setParam(doc: GraphDocument, nodeId: string, name: string, value: unknown): GraphDocument {
  return produce(doc, (draft) => {
    const node = findNode(draft as GraphDocument, nodeId);
    if (value === undefined) delete node.params[name];
    else node.params[name] = value;
  });
}

/** Changes a node's id and every edge that refers to it. */
export function renameNode(doc: GraphDocument, oldId: string, newId: string): EditResult {
  findNode(doc, oldId);
  if (newId === oldId) return { ok: true, document: doc };
  if (!newId.trim() || newId !== newId.trim()) {
    return { ok: false, reason: `A node id must be non-empty and have no spaces at either end; got ${JSON.stringify(newId)}.` };
  }
  if (doc.nodes.some((n) => n.id === newId)) return { ok: false, reason: `The graph already has a node "${newId}".` };
  const document = produce(doc, (draft) => {
    findNode(draft as GraphDocument, oldId).id = newId;
    for (const edge of draft.edges) {
      if (edge.from.node === oldId) edge.from.node = newId;
      if (edge.to.node === oldId) edge.to.node = newId;
    }
  });
  return { ok: true, document };
}

/** Sets the name shown for a node; an empty label removes it (the id is shown). */
export function setLabel(doc: GraphDocument, nodeId: string, label: string): GraphDocument {
  return produce(doc, (draft) => {
    const node = findNode(draft as GraphDocument, nodeId);
    if (label.trim()) node.label = label;
    else delete node.label;
  });
}

/** The nodes and the edges between them (edges to nodes outside the selection are left behind). */
export function copyNodes(doc: GraphDocument, ids: readonly string[]): GraphFragment {
  const chosen = new Set(ids);
  for (const id of ids) findNode(doc, id);
  return structuredClone({
    nodes: doc.nodes.filter((n) => chosen.has(n.id)),
    edges: doc.edges.filter((e) => chosen.has(e.from.node) && chosen.has(e.to.node)),
  });
}

/**
 * Adds a copied fragment with fresh node and edge ids (its internal edges follow), shifted by `offset`.
 * The new nodes are appended in the fragment's order, so they are the document's last nodes.
 */
export function pasteNodes(doc: GraphDocument, fragment: GraphFragment, offset: Position = { x: 40, y: 40 }): GraphDocument {
  return produce(doc, (draft) => {
    const takenNodes = new Set(draft.nodes.map((n) => n.id));
    const renamed = new Map<string, string>();
    for (const node of fragment.nodes) {
      const id = freshId(idBase(node.id), takenNodes);
      takenNodes.add(id);
      renamed.set(node.id, id);
      const position = { ...node.position, x: node.position.x + offset.x, y: node.position.y + offset.y };
      draft.nodes.push({ ...structuredClone(node), id, position });
    }
    for (const edge of fragment.edges) {
      const from = renamed.get(edge.from.node);
      const to = renamed.get(edge.to.node);
      if (!from || !to) continue;
      const id = freshEdgeId(draft as GraphDocument);
      draft.edges.push({ ...structuredClone(edge), id, from: { ...edge.from, node: from }, to: { ...edge.to, node: to } });
    }
  });
}

export function duplicateNodes(doc: GraphDocument, ids: readonly string[], offset: Position = { x: 40, y: 40 }): GraphDocument {
  return pasteNodes(doc, copyNodes(doc, ids), offset);
}

export type TrainingPatch = Partial<Omit<TrainingSettings, 'optimizer' | 'schedule'>> & {
  optimizer?: Partial<TrainingSettings['optimizer']>;
  schedule?: TrainingSettings['schedule'];
};

/** Merges training settings; `optimizer` fields merge into the current optimizer, `schedule` replaces it. */
export function setTraining(doc: GraphDocument, patch: TrainingPatch): GraphDocument {
  return produce(doc, (draft) => {
    const { optimizer, schedule, ...rest } = patch;
    // A field set to undefined is removed (e.g. initialWeights: training starts from fresh weights again).
    for (const [key, value] of Object.entries(rest)) {
      if (value === undefined) delete (draft.training as Record<string, unknown>)[key];
      else (draft.training as Record<string, unknown>)[key] = value;
    }
    if (optimizer) Object.assign(draft.training.optimizer, optimizer);
    if (schedule) draft.training.schedule = structuredClone(schedule);
  });
}

/**
 * A schedule of another kind with starting values drawn from the training settings, for a schedule picker:
 * step thirds the rate at each third of the run, cosine anneals to zero over the whole run.
 */
export function scheduleOfKind(kind: TrainingSettings['schedule']['kind'], training: TrainingSettings): TrainingSettings['schedule'] {
  if (kind === training.schedule.kind) return training.schedule;
  if (kind === 'step') return { kind, everyEpisodes: Math.max(1, Math.round(training.episodes / 3)), gamma: 1 / 3 };
  if (kind === 'cosine') return { kind, overEpisodes: training.episodes, minLearningRate: 0 };
  return { kind };
}

/** Merges meta fields (name, description, expected); a field set to undefined is removed. */
export function setMeta(doc: GraphDocument, patch: Partial<GraphMeta>): GraphDocument {
  return produce(doc, (draft) => {
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) delete (draft.meta as Record<string, unknown>)[key];
      else (draft.meta as Record<string, unknown>)[key] = structuredClone(value);
    }
  });
}
