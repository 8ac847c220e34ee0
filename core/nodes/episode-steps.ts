// Helpers for heads that judge an episode by its last step, shared so every loss and metric reads it alike.
import type * as tfjs from '@tensorflow/tfjs';

/** The last time step of a [T, B, ...] tensor, flattened per episode: [B, width]. */
export function lastStep(tf: typeof tfjs, x: tfjs.Tensor): tfjs.Tensor2D {
  const [steps, batch] = x.shape;
  return tf.slice(x.reshape([steps, batch, -1]), [steps - 1, 0, 0], [1, batch, -1]).reshape([batch, -1]) as tfjs.Tensor2D;
}

/** Computes a scalar inside tf.tidy and returns it as a number, freeing every tensor on the way. */
export function readScalar(tf: typeof tfjs, compute: () => tfjs.Tensor): number {
  const scalar = tf.tidy(compute);
  const value = scalar.dataSync()[0];
  scalar.dispose();
  return value;
}
