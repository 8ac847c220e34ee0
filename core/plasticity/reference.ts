// The oracle: the plain per-step equations of spec.ts written with ordinary tfjs ops, so tfjs autodiff
// (tf.grads / tf.variableGrads) differentiates them. Slow and memory-hungry (it keeps every step's trace);
// it exists only so tests can hold the fused kernel to it.
import type * as tfjs from '@tensorflow/tfjs';
import type { PlasticSequenceInputs, PlasticSpec } from './spec.ts';

/** post for every step, [T, B, N], built from differentiable tfjs ops. */
export function referenceSequence(tf: typeof tfjs, spec: PlasticSpec, inputs: PlasticSequenceInputs): tfjs.Tensor3D {
  const [steps, batch, n] = inputs.drive.shape;
  const m = spec.mode === 'recurrent' ? n : spec.inputSize;
  const driveSteps = tf.unstack(inputs.drive) as tfjs.Tensor2D[];
  // Which neurons are clamped is a constant of the episode: built from the values, so autodiff does not try
  // to differentiate the comparison (NotEqual has no gradient in tfjs).
  const clampMasks = tf.unstack(tf.tensor(Array.from(inputs.drive.dataSync(), (v) => v !== 0), inputs.drive.shape, 'bool'));
  const preSteps = spec.mode === 'feedforward' ? (tf.unstack(inputs.pre!) as tfjs.Tensor2D[]) : null;
  let trace: tfjs.Tensor3D = tf.zeros([batch, m, n]);
  let previous: tfjs.Tensor2D = tf.zeros([batch, n]);
  const outputs: tfjs.Tensor2D[] = [];
  for (let t = 0; t < steps; t++) {
    const pre = preSteps ? preSteps[t] : previous;
    const drive = driveSteps[t];
    // Effective weights per batch element: w + alpha ⊙ Hebb_{t−1}.
    const weights = spec.plastic ? tf.add(inputs.w, tf.mul(inputs.alpha!, trace)) : tf.tile(tf.expandDims(inputs.w, 0), [batch, 1, 1]);
    let a = tf.reshape(tf.matMul(tf.reshape(pre, [batch, 1, m]), weights as tfjs.Tensor3D), [batch, n]) as tfjs.Tensor2D;
    if (spec.inputMode === 'add') a = tf.add(a, drive);
    const act: tfjs.Tensor2D =
      spec.activation === 'tanh' ? tf.tanh(a) : spec.activation === 'softmax' ? tf.softmax(a) : a;
    const post: tfjs.Tensor2D = spec.inputMode === 'clamp' ? tf.where(clampMasks[t], drive, act) : act;
    if (spec.plastic) {
      const preCol = tf.reshape(pre, [batch, m, 1]);
      const postRow = tf.reshape(post, [batch, 1, n]);
      const eta = inputs.eta!;
      if (spec.rule === 'hebb') {
        trace = tf.add(tf.mul(tf.sub(1, eta), trace), tf.mul(eta, tf.mul(preCol, postRow)));
      } else {
        trace = tf.add(trace, tf.mul(tf.mul(eta, postRow), tf.sub(preCol, tf.mul(postRow, trace))));
      }
      if (spec.traceClip !== null) trace = tf.clipByValue(trace, -spec.traceClip, spec.traceClip);
    }
    outputs.push(post);
    previous = post;
  }
  return tf.stack(outputs) as tfjs.Tensor3D;
}
