// A matrix product whose gradients are themselves plain products of untransposed operands.
// tfjs's own gradient of matMul multiplies with transposeA/transposeB set, and the wasm backend runs those
// through a generic loop at ~2 GFLOP/s instead of XNNPACK's ~25-30 (measured on tfjs 4.22, 2,352×576×64);
// transposing explicitly first costs a copy and keeps every product on the fast path.
import type * as tfjs from '@tensorflow/tfjs';

export function matMulOp(tf: typeof tfjs): (a: tfjs.Tensor2D, b: tfjs.Tensor2D) => tfjs.Tensor2D {
  return tf.customGrad((...args: (tfjs.Tensor | tfjs.GradSaveFunc)[]) => {
    const [a, b, save] = args as [tfjs.Tensor, tfjs.Tensor, tfjs.GradSaveFunc];
    save([a, b]);
    return {
      value: tf.matMul(a as tfjs.Tensor2D, b as tfjs.Tensor2D),
      gradFunc: (dy: tfjs.Tensor, saved: tfjs.Tensor[]) => {
        const [savedA, savedB] = saved as tfjs.Tensor2D[];
        return [tf.matMul(dy as tfjs.Tensor2D, tf.transpose(savedB)), tf.matMul(tf.transpose(savedA), dy as tfjs.Tensor2D)];
      },
    };
  }) as (a: tfjs.Tensor2D, b: tfjs.Tensor2D) => tfjs.Tensor2D;
}
