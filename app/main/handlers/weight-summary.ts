// A trained parameter as the inspector shows it: shape and statistics rather than the values themselves
// (a plastic layer of 1001 neurons has two 1001×1001 matrices, too much to send to the page for display).
import type { TrainedParameter } from '../../shared/channels.ts';

/**
 * Statistics over the finite values, in float64. Two passes (mean, then squared deviations) so the
 * standard deviation of a million values close to each other does not cancel to noise.
 */
export function summarizeParameter(name: string, nodeId: string, shape: readonly number[], values: ArrayLike<number>): TrainedParameter {
  let finite = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    finite++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = finite ? sum / finite : null;
  let squares = 0;
  if (mean !== null) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isFinite(v)) squares += (v - mean) * (v - mean);
    }
  }
  return {
    name,
    node: nodeId,
    param: name.slice(nodeId.length + 1),
    shape: [...shape],
    count: values.length,
    mean,
    std: finite ? Math.sqrt(squares / finite) : null,
    min: finite ? min : null,
    max: finite ? max : null,
    nonFinite: values.length - finite,
    ...(values.length === 1 && { value: Number.isFinite(values[0]) ? values[0] : null }),
  };
}

/**
 * The node a weight belongs to: weights are named `<node id>/<parameter>`, and since an id may itself hold
 * a slash, the longest id that prefixes the name wins.
 */
export function ownerNode(weightName: string, nodeIds: readonly string[]): string {
  let best = '';
  for (const id of nodeIds) if (id.length > best.length && weightName.startsWith(`${id}/`)) best = id;
  return best || weightName.slice(0, Math.max(0, weightName.indexOf('/')));
}
