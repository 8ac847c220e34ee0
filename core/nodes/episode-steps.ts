// Helpers for heads that judge an episode by its last step, shared so every loss and metric reads it alike.
import type * as tfjs from '@tensorflow/tfjs';

/** The last time step of a [T, B, ...] tensor, flattened per episode: [B, width]. */
export function lastStep(tf: typeof tfjs, x: tfjs.Tensor): tfjs.Tensor2D {
  const [steps, batch] = x.shape;
  return tf.slice(x.reshape([steps, batch, -1]), [steps - 1, 0, 0], [1, batch, -1]).reshape([batch, -1]) as tfjs.Tensor2D;
}

/** Computes a tensor inside tf.tidy and returns its values, freeing every tensor on the way. */
export function readValues(tf: typeof tfjs, compute: () => tfjs.Tensor): Float32Array {
  const tensor = tf.tidy(compute);
  const values = Float32Array.from(tensor.dataSync());
  tensor.dispose();
  return values;
}

/** The mean of one value per episode (what progress and metrics.jsonl show for a batch). */
export function meanOf(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}
