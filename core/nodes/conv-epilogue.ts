// What follows a convolution's matrix product, in one pass over the backend's memory: add the bias, apply
// the activation and move the result from rows of windows to channels-first images.
//
//   z [N·P, F] (row = (n, p), p = y·OW + x), bias [F]  →  out[n, f, p] = act(z[(n, p), f] + bias[f])
//
// With tfjs ops this was an add, the activation, a transpose and their gradients (square, sub, mul, sum,
// transpose): a quarter of an Omniglot training step, a third of that in the wasm backend's libm tanh.
// The gradient needs only the output (act′ is written in terms of y = act(v)), so nothing is kept in JS.
import type * as tfjs from '@tensorflow/tfjs';
import { fastTanh } from '../util/fast-tanh.ts';
import { tensorFilledBy, tensorValues } from '../util/tensor-io.ts';

export type ConvActivation = 'tanh' | 'relu' | 'selu' | 'linear';

export interface EpilogueGeometry {
  filters: number;
  outHeight: number;
  outWidth: number;
}

// tf.selu's constants (Klambauer et al. 2017).
const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

const activations: Record<ConvActivation, { value(v: number): number; slope(y: number): number }> = {
  tanh: { value: fastTanh, slope: (y) => 1 - y * y },
  relu: { value: (v) => (v > 0 ? v : 0), slope: (y) => (y > 0 ? 1 : 0) },
  selu: { value: (v) => (v > 0 ? SELU_SCALE * v : SELU_SCALE * SELU_ALPHA * Math.expm1(v)), slope: (y) => (y > 0 ? SELU_SCALE : y + SELU_SCALE * SELU_ALPHA) },
  linear: { value: (v) => v, slope: () => 1 },
};

/**
 * out [N, F, P] = act(z + bias) from z [N·P, F]; bias may be absent. Each output row (n, f) is written in
 * order while z is read with a stride of F, which the cache holds better than strided writes.
 */
export function epilogueForward(z: Float32Array, bias: Float32Array | null, out: Float32Array, images: number, filters: number, activation: ConvActivation): void {
  const F = filters;
  const P = z.length / (images * F);
  const value = activations[activation].value;
  for (let n = 0; n < images; n++) {
    for (let f = 0; f < F; f++) {
      const b = bias ? bias[f] : 0;
      const row = (n * F + f) * P;
      // tanh is the paper's activation and the hot path: its own loop keeps the call monomorphic and inlined.
      if (activation === 'tanh') {
        for (let p = 0, i = n * P * F + f; p < P; p++, i += F) out[row + p] = fastTanh(z[i] + b);
      } else {
        for (let p = 0, i = n * P * F + f; p < P; p++, i += F) out[row + p] = value(z[i] + b);
      }
    }
  }
}

/** ∂L/∂z [N·P, F] into `dz`, and ∂L/∂bias [F] returned, from ∂L/∂out and out, both [N, F, P]. */
export function epilogueBackward(dOut: Float32Array, out: Float32Array, dz: Float32Array, images: number, filters: number, activation: ConvActivation): Float32Array {
  const F = filters;
  const P = dz.length / (images * F);
  const dBias = new Float64Array(F);
  const slope = activations[activation].slope;
  for (let n = 0; n < images; n++) {
    for (let f = 0; f < F; f++) {
      const row = (n * F + f) * P;
      let sum = 0;
      if (activation === 'tanh') {
        for (let p = 0, i = n * P * F + f; p < P; p++, i += F) {
          const y = out[row + p];
          const g = dOut[row + p] * (1 - y * y);
          dz[i] = g;
          sum += g;
        }
      } else {
        for (let p = 0, i = n * P * F + f; p < P; p++, i += F) {
          const g = dOut[row + p] * slope(out[row + p]);
          dz[i] = g;
          sum += g;
        }
      }
      dBias[f] += sum;
    }
  }
  return Float32Array.from(dBias);
}

/** The tfjs op: (z [N·OH·OW, F], bias [F]?) → [N, F, OH, OW], differentiable in both. */
export function convEpilogueOp(tf: typeof tfjs, g: EpilogueGeometry, activation: ConvActivation, withBias: boolean): (z: tfjs.Tensor2D, bias?: tfjs.Tensor1D) => tfjs.Tensor4D {
  const op = tf.customGrad((...args: (tfjs.Tensor | tfjs.GradSaveFunc)[]) => {
    const z = args[0] as tfjs.Tensor2D;
    const bias = withBias ? (args[1] as tfjs.Tensor1D) : null;
    const save = args[withBias ? 2 : 1] as tfjs.GradSaveFunc;
    const images = z.shape[0] / (g.outHeight * g.outWidth);
    const value = tensorFilledBy<tfjs.Rank.R4>(tf, [images, g.filters, g.outHeight, g.outWidth], (out) =>
      epilogueForward(tensorValues(tf, z), bias ? tensorValues(tf, bias) : null, out, images, g.filters, activation),
    );
    save([value]);
    return {
      value,
      gradFunc: (dy: tfjs.Tensor, saved: tfjs.Tensor[]) => {
        let dBias: Float32Array = new Float32Array(0);
        const dZ = tensorFilledBy<tfjs.Rank.R2>(tf, z.shape, (dz) => (dBias = epilogueBackward(tensorValues(tf, dy), tensorValues(tf, saved[0]), dz, images, g.filters, activation)));
        return withBias ? [dZ, tf.tensor1d(dBias)] : [dZ];
      },
    };
  });
  return (z, bias) => (withBias ? op(z, bias!) : op(z)) as tfjs.Tensor4D;
}
