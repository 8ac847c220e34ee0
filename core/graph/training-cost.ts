// What training a graph will cost in memory, known before anything is built: a graph that validates but
// cannot fit would otherwise sit at episode 0 while memory climbs, then die without naming the node at fault.
//
// Training keeps, per trainable parameter, its value, gradient and Adam's two moments, plus the engine's
// temporaries; per episode of a batch, each plastic layer's Hebbian trace and the tensors its step and its
// gradient need; and per step of each episode, every node's outputs and their gradients. The factors were
// measured on the wasm backend with the binary-pattern task (1,001 and 2,001 neurons, batches of 1 and 4: the
// estimate fell within 15% of the measured growth of the process), and are meant as an order of magnitude.
import type { NodeShapes } from './shapes.ts';
import type { ResolvedGraph } from './resolve.ts';

const BYTES_PER_VALUE = 4; // float32
const COPIES_PER_PARAMETER = 8;
const COPIES_PER_TRACE_VALUE = 12;
const COPIES_PER_STEP_OUTPUT = 4;

/** More than this cannot be trained here: the WebAssembly backend addresses at most 4 GiB, and needs some of it. */
export const TRAINING_MEMORY_LIMIT_BYTES = 3.5 * 1024 ** 3;
/** Above this, validation says how much memory training will take, so a laptop user is not surprised. */
export const TRAINING_MEMORY_NOTICE_BYTES = 1024 ** 3;

export interface NodeCost {
  nodeId: string;
  trainable: number;
  /** Values of the node's Hebbian traces in one episode. */
  traceValues: number;
  bytes: number;
}

export interface TrainingCost {
  trainable: number;
  /** Hebbian trace values per episode, over all plastic nodes. */
  traceValues: number;
  batchSize: number;
  /** Steps of one episode, when the graph's source or environment says (undefined: no source yet). */
  steps: number | undefined;
  /** Estimated memory that training takes, in bytes. */
  bytes: number;
  /** The nodes, heaviest first. */
  nodes: NodeCost[];
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function estimateTrainingCost(graph: ResolvedGraph, shapes: Map<string, NodeShapes>, batchSize: number): TrainingCost {
  let steps: number | undefined;
  for (const resolved of graph.nodes.values()) {
    if (resolved.kind?.episodeSteps && resolved.params) steps = Math.max(steps ?? 0, resolved.kind.episodeSteps(resolved.params));
  }
  const nodes: NodeCost[] = [];
  for (const [nodeId, resolved] of graph.nodes) {
    const nodeShapes = shapes.get(nodeId);
    if (!resolved.kind || !resolved.params || !nodeShapes) continue;
    const { trainable, traceValues = 0 } = resolved.kind.countParameters(resolved.params, nodeShapes.inputs);
    const outputsPerStep = Object.values(nodeShapes.outputs).reduce((sum, shape) => sum + product(shape), 0);
    const values =
      COPIES_PER_PARAMETER * trainable + batchSize * (COPIES_PER_TRACE_VALUE * traceValues + COPIES_PER_STEP_OUTPUT * (steps ?? 1) * outputsPerStep);
    nodes.push({ nodeId, trainable, traceValues, bytes: BYTES_PER_VALUE * values });
  }
  nodes.sort((a, b) => b.bytes - a.bytes);
  return {
    trainable: nodes.reduce((sum, n) => sum + n.trainable, 0),
    traceValues: nodes.reduce((sum, n) => sum + n.traceValues, 0),
    batchSize,
    steps,
    bytes: nodes.reduce((sum, n) => sum + n.bytes, 0),
    nodes,
  };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toLocaleString('en-US', { maximumFractionDigits: 1 })} GB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
