// A problem found in a graph, addressed to what the user must fix: a node and one of its ports or
// parameters, an edge, or a document field. `message` is a full sentence that names the node.
import type { GraphNode } from './document.ts';

export type ProblemCode =
  | 'unknown-kind'
  | 'duplicate-node-id'
  | 'duplicate-edge-id'
  | 'missing-node'
  | 'missing-port'
  | 'wrong-direction'
  | 'input-already-connected'
  | 'required-input'
  | 'invalid-param'
  | 'unknown-param'
  | 'shape'
  | 'cycle-without-state'
  | 'stateful-feedback'
  | 'no-loss'
  | 'several-sources'
  | 'unused-node'
  | 'invalid-training'
  /** Training would need more memory than the app can use (an error), or over a gigabyte (a warning). */
  | 'too-large'
  | 'large'
  /** A dataset a node reads is not where it says (found by the Node side before training: core/compile). */
  | 'missing-dataset'
  /** The graph cannot be played step by step against its environment (core/compile/rollout.ts). */
  | 'rollout'
  | 'internal';

export interface Problem {
  severity: 'error' | 'warning';
  /** Stable machine-readable class of the problem (the message wording may change). */
  code: ProblemCode;
  nodeId?: string;
  port?: string;
  param?: string;
  edgeId?: string;
  /** A document field outside the nodes, e.g. `training.optimizer.learningRate`. */
  field?: string;
  message: string;
}

/** How messages name a node: its label (else id) and what kind of node it is, in words when the kind is known. */
export function nodeTitle(node: Pick<GraphNode, 'id' | 'kind' | 'label'>, kindTitle: string = node.kind): string {
  const name = node.label?.trim() ? node.label.trim() : node.id;
  return `Node "${name}" (${kindTitle})`;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((problem) => problem.severity === 'error');
}
