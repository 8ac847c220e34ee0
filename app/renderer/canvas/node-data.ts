// What one node on the canvas shows, computed from the document, the catalog and the latest validation.
import type { Edge, Node } from '@xyflow/react';
import type { GraphDocument, GraphNode, Problem, ValidationResult } from '../../../core/graph/index.ts';
import { describeParams, formatShape, getNodeKind, type NodeCategory } from '../../../core/nodes/index.ts';

export interface PortView {
  name: string;
  description: string;
  optional: boolean;
  /** The inferred shape, e.g. "[1001]", when known. */
  shape: string | null;
  plastic: boolean;
  problem: string | null;
}

export interface NodeViewData extends Record<string, unknown> {
  title: string;
  kindTitle: string;
  category: NodeCategory | 'unknown';
  inputs: PortView[];
  outputs: PortView[];
  keyParams: { name: string; value: string; problem: boolean }[];
  problems: Problem[];
  plastic: boolean;
}

export type CanvasNode = Node<NodeViewData, 'graphNode'>;

/** The parameters worth seeing on the node itself: the first few of the kind's form, plus any with a problem. */
const KEY_PARAM_COUNT = 3;

function formatValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(+value.toPrecision(4));
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value);
}

export function nodeViewData(node: GraphNode, validation: ValidationResult): NodeViewData {
  const kind = getNodeKind(node.kind);
  const problems = validation.problems.filter((p) => p.nodeId === node.id);
  const shapes = validation.shapes.get(node.id);
  const portProblem = (port: string) => problems.find((p) => p.port === port)?.message ?? null;
  if (!kind) {
    return {
      title: node.label?.trim() || node.id,
      kindTitle: node.kind,
      category: 'unknown',
      inputs: [],
      outputs: [],
      keyParams: [],
      problems,
      plastic: false,
    };
  }
  const params = describeParams(node.kind);
  const withProblem = new Set(problems.map((p) => p.param).filter(Boolean));
  const shown = params.filter((p, i) => i < KEY_PARAM_COUNT || withProblem.has(p.name));
  return {
    title: node.label?.trim() || node.id,
    kindTitle: kind.title,
    category: kind.category,
    inputs: kind.inputs.map((port) => ({
      name: port.name,
      description: port.description,
      optional: Boolean(port.optional),
      shape: shapes?.inputs[port.name] ? formatShape(shapes.inputs[port.name]) : null,
      plastic: false,
      problem: portProblem(port.name),
    })),
    outputs: kind.outputs.map((port) => ({
      name: port.name,
      description: port.description,
      optional: false,
      shape: shapes?.outputs[port.name] ? formatShape(shapes.outputs[port.name]) : null,
      plastic: Boolean(kind.plasticOutputs?.includes(port.name)),
      problem: portProblem(port.name),
    })),
    keyParams: shown.map((p) => ({ name: p.name, value: formatValue(node.params[p.name] ?? p.default), problem: withProblem.has(p.name) })),
    problems,
    plastic: kind.category === 'plastic',
  };
}

export function canvasNodes(doc: GraphDocument, validation: ValidationResult, selected: ReadonlySet<string>, previous: readonly CanvasNode[]): CanvasNode[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  return doc.nodes.map((node) => {
    const old = before.get(node.id);
    return {
      // Keep React Flow's measurements so nodes do not flash while it measures them again.
      ...(old && { measured: old.measured, width: old.width, height: old.height }),
      id: node.id,
      type: 'graphNode',
      position: { x: node.position.x, y: node.position.y },
      data: nodeViewData(node, validation),
      selected: selected.has(node.id),
    };
  });
}

export function canvasEdges(doc: GraphDocument, validation: ValidationResult, selected: ReadonlySet<string>): Edge[] {
  const edgeProblems = new Set(validation.problems.filter((p) => p.edgeId && p.severity === 'error').map((p) => p.edgeId));
  return doc.edges.map((edge) => {
    const source = doc.nodes.find((n) => n.id === edge.from.node);
    const plastic = Boolean(source && getNodeKind(source.kind)?.plasticOutputs?.includes(edge.from.port));
    const classes = [plastic ? 'edge-plastic' : 'edge-plain', edgeProblems.has(edge.id) ? 'edge-problem' : ''].filter(Boolean);
    return {
      id: edge.id,
      source: edge.from.node,
      sourceHandle: edge.from.port,
      target: edge.to.node,
      targetHandle: edge.to.port,
      className: classes.join(' '),
      animated: plastic,
      selected: selected.has(edge.id),
      data: { plastic },
    };
  });
}
