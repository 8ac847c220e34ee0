// First pass of validation: look up each node's kind, check its params and check every edge's two ends.
// The result says which nodes and edges are usable, so later passes (cycles, shapes) run on what is sound
// and do not repeat problems already reported here.
import type { z } from 'zod';
import type { NodeKind } from '../nodes/kind.ts';
import type { NodeCatalog } from '../nodes/catalog.ts';
import { describeKindParams, describeRange, type ParamDescription } from '../nodes/describe-params.ts';
import type { GraphDocument, GraphEdge, GraphNode } from './document.ts';
import { closestName } from './closest-name.ts';
import { nodeTitle, type Problem } from './problems.ts';
import { showValue } from '../util/show-value.ts';

export interface ResolvedNode {
  node: GraphNode;
  /** Position in the document (orders ties deterministically). */
  index: number;
  kind?: NodeKind;
  /** Params with defaults filled in; undefined when the kind is unknown or a param is invalid. */
  params?: Record<string, unknown>;
  title: string;
}

export interface ResolvedGraph {
  doc: GraphDocument;
  catalog: NodeCatalog;
  /** By id; for a duplicated id, the first node with it. */
  nodes: Map<string, ResolvedNode>;
  /** Edges whose both ends are sound: existing nodes of known kinds, output → input, first edge into that input. */
  usableEdges: GraphEdge[];
  /** Ids of edges that are not usable (their problem is reported, or an end node is already reported). */
  brokenEdges: Set<string>;
  problems: Problem[];
}

export function resolveGraph(doc: GraphDocument, catalog: NodeCatalog): ResolvedGraph {
  const problems: Problem[] = [];
  const nodes = new Map<string, ResolvedNode>();
  const seenIds = new Map<string, number>();

  doc.nodes.forEach((node, index) => {
    const earlier = seenIds.get(node.id);
    if (earlier !== undefined) {
      problems.push({
        severity: 'error',
        code: 'duplicate-node-id',
        nodeId: node.id,
        message: `Nodes ${earlier + 1} and ${index + 1} in the file share the id "${node.id}"; node ids must be unique (rename one).`,
      });
      return;
    }
    seenIds.set(node.id, index);
    const kind = catalog.get(node.kind);
    const resolved: ResolvedNode = { node, index, kind, title: nodeTitle(node, kind?.title) };
    nodes.set(node.id, resolved);
    if (!kind) {
      const suggestion = closestName(node.kind, catalog.keys());
      problems.push({
        severity: 'error',
        code: 'unknown-kind',
        nodeId: node.id,
        message: `${resolved.title}: unknown node kind "${node.kind}"${suggestion ? `; did you mean "${suggestion}"?` : '.'}`,
      });
      return;
    }
    resolved.params = checkParams(resolved, kind, problems);
  });

  const usableEdges: GraphEdge[] = [];
  const brokenEdges = new Set<string>();
  const edgeIds = new Set<string>();
  const intoInput = new Map<string, GraphEdge>();
  for (const edge of doc.edges) {
    if (edgeIds.has(edge.id)) {
      problems.push({
        severity: 'error',
        code: 'duplicate-edge-id',
        edgeId: edge.id,
        message: `Two edges share the id "${edge.id}"; edge ids must be unique.`,
      });
    }
    edgeIds.add(edge.id);
    if (!checkEdgeEnds(edge, nodes, problems)) {
      brokenEdges.add(edge.id);
      continue;
    }
    const inputKey = `${edge.to.node}\u0000${edge.to.port}`;
    const first = intoInput.get(inputKey);
    if (first) {
      const target = nodes.get(edge.to.node)!;
      problems.push({
        severity: 'error',
        code: 'input-already-connected',
        nodeId: edge.to.node,
        port: edge.to.port,
        edgeId: edge.id,
        message: `${target.title}: input "${edge.to.port}" already receives edge "${first.id}" from "${first.from.node}"; edge "${edge.id}" from "${edge.from.node}" would be a second connection, and an input takes only one.`,
      });
      brokenEdges.add(edge.id);
      continue;
    }
    intoInput.set(inputKey, edge);
    usableEdges.push(edge);
  }

  // Any edge aimed at a port counts as an attempt to connect it: a broken one is reported on its own.
  const aimedAt = new Set(doc.edges.map((edge) => `${edge.to.node}\u0000${edge.to.port}`));
  for (const resolved of nodes.values()) {
    for (const port of resolved.kind?.inputs ?? []) {
      const aimed = aimedAt.has(`${resolved.node.id}\u0000${port.name}`);
      if (!port.optional && !aimed) {
        problems.push({
          severity: 'error',
          code: 'required-input',
          nodeId: resolved.node.id,
          port: port.name,
          message: `${resolved.title}: input "${port.name}" is not connected (${lowerFirst(port.description)}).`,
        });
      }
    }
  }
  return { doc, catalog, nodes, usableEdges, brokenEdges, problems };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '');
}

/** Parses the node's params with its kind's schema; reports every invalid and unknown param. */
function checkParams(resolved: ResolvedNode, kind: NodeKind, problems: Problem[]): Record<string, unknown> | undefined {
  const described = describeKindParams(kind);
  const byName = new Map(described.map((param) => [param.name, param]));
  const given = resolved.node.params ?? {};
  for (const name of Object.keys(given)) {
    if (byName.has(name)) continue;
    const suggestion = closestName(name, byName.keys());
    problems.push({
      severity: 'warning',
      code: 'unknown-param',
      nodeId: resolved.node.id,
      param: name,
      message: `${resolved.title}: has no parameter "${name}", so it is ignored${suggestion ? `; did you mean "${suggestion}"?` : '.'}`,
    });
  }
  const parsed = kind.params.safeParse(given);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  for (const issue of parsed.error.issues) {
    const name = String(issue.path[0] ?? '');
    problems.push({
      severity: 'error',
      code: 'invalid-param',
      nodeId: resolved.node.id,
      param: name || undefined,
      message: `${resolved.title}: ${describeParamIssue(name, (given as Record<string, unknown>)[name], issue, byName.get(name))}`,
    });
  }
  return undefined;
}

function describeParamIssue(name: string, value: unknown, issue: z.core.$ZodIssue, param?: ParamDescription): string {
  const shown = `parameter "${name}" is ${showValue(value)}`;
  const range = param ? describeRange(param) : undefined;
  switch (issue.code) {
    case 'too_small':
    case 'too_big':
      return `${shown} but must be ${range ?? issue.message}.`;
    case 'invalid_type': {
      const expected =
        issue.expected === 'int' ? 'a whole number' : issue.expected === 'boolean' ? 'true or false' : `a ${issue.expected}`;
      return `${shown} but must be ${expected}${range ? ` ${range}` : ''}.`;
    }
    case 'invalid_value':
      return `${shown} but must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
    default:
      return `${shown}: ${issue.message}.`;
  }
}

/** Both ends exist, have known kinds, and the edge runs from an output to an input. Reports what is wrong. */
function checkEdgeEnds(edge: GraphEdge, nodes: Map<string, ResolvedNode>, problems: Problem[]): boolean {
  const source = nodes.get(edge.from.node);
  const target = nodes.get(edge.to.node);
  let ok = true;
  for (const [end, resolved, other] of [
    ['from', source, target],
    ['to', target, source],
  ] as const) {
    const ref = edge[end];
    if (!resolved) {
      ok = false;
      const otherRef = end === 'from' ? edge.to : edge.from;
      problems.push({
        severity: 'error',
        code: 'missing-node',
        edgeId: edge.id,
        // Address the problem to the end that exists, so the editor can point at it.
        ...(other && { nodeId: otherRef.node, port: otherRef.port }),
        message: `Edge "${edge.id}" ${end === 'from' ? 'comes from' : 'goes to'} node "${ref.node}", which does not exist.`,
      });
      continue;
    }
    if (!resolved.kind) {
      ok = false; // unknown kind: already reported, its ports cannot be checked
      continue;
    }
    const wanted = end === 'from' ? resolved.kind.outputs : resolved.kind.inputs;
    const opposite = end === 'from' ? resolved.kind.inputs : resolved.kind.outputs;
    if (wanted.some((port) => port.name === ref.port)) continue;
    ok = false;
    const direction = end === 'from' ? 'output' : 'input';
    if (opposite.some((port) => port.name === ref.port)) {
      problems.push({
        severity: 'error',
        code: 'wrong-direction',
        nodeId: ref.node,
        port: ref.port,
        edgeId: edge.id,
        message: `${resolved.title}: "${ref.port}" is an ${end === 'from' ? 'input' : 'output'}, but edge "${edge.id}" ${end === 'from' ? 'starts' : 'ends'} there; an edge runs from an output to an input.`,
      });
    } else {
      const names = wanted.map((port) => `"${port.name}"`).join(', ');
      problems.push({
        severity: 'error',
        code: 'missing-port',
        nodeId: ref.node,
        port: ref.port,
        edgeId: edge.id,
        message: `${resolved.title}: has no ${direction} "${ref.port}" (edge "${edge.id}"); its ${direction}s are ${names || 'none'}.`,
      });
    }
  }
  return ok;
}
