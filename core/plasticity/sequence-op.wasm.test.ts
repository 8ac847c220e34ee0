// The op on the wasm backend (its own file: the active backend is global to the process).
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../compile/backend.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { plasticKernels } from './index.ts';
import { sequenceBackward, sequenceForward } from './kernel.ts';
import { makeCase, makeCaseData, relativeError } from './testing/cases.ts';

// The product's own way to the wasm backend (it tells the backend where its .wasm files are).
beforeAll(async () => expect(await selectBackend('wasm')).toBe('wasm'));

describe('sequence op on the wasm backend', () => {
  it('gives the fused kernel outputs and gradients through tf.grads', () => {
    expect(tf.getBackend()).toBe('wasm');
    const testCase = makeCase({ rule: 'oja', mode: 'feedforward', inputMode: 'clamp', traceClip: 0.5, eta: 0.1, steps: 40 });
    const { spec, steps, batch } = testCase;
    const n = spec.size;
    const m = spec.inputSize;
    const { inputs, lossWeights } = makeCaseData(testCase);
    const f32 = {
      drive: Float32Array.from(inputs.drive),
      pre: Float32Array.from(inputs.pre!),
      w: Float32Array.from(inputs.w),
      alpha: Float32Array.from(inputs.alpha!),
      eta: Math.fround(inputs.eta!),
    };
    const { post, tape } = sequenceForward(spec, { steps, batch }, f32);
    const expected = sequenceBackward(tape, Float32Array.from(lossWeights));

    const tensors = [
      tf.tensor3d(f32.drive, [steps, batch, n]),
      tf.tensor3d(f32.pre, [steps, batch, m]),
      tf.tensor2d(f32.w, [m, n]),
      tf.tensor2d(f32.alpha, [m, n]),
      tf.tensor1d([f32.eta]),
    ];
    const weights = tf.tensor3d(Float32Array.from(lossWeights), [steps, batch, n]);
    const run = (drive: tf.Tensor, pre: tf.Tensor, w: tf.Tensor, alpha: tf.Tensor, eta: tf.Tensor) =>
      plasticKernels.sequence(spec, { drive: drive as tf.Tensor3D, pre: pre as tf.Tensor3D, w: w as tf.Tensor2D, alpha, eta });
    const output = run(...(tensors as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]));
    expect(relativeError(output.dataSync(), post)).toBeLessThan(1e-6);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(run(xs[0], xs[1], xs[2], xs[3], xs[4]), weights)))(tensors);
    const names = ['drive', 'pre', 'w', 'alpha'] as const;
    names.forEach((name, k) => expect(relativeError(grads[k].dataSync(), expected[name]!), name).toBeLessThan(1e-6));
    expect(grads[4].dataSync()[0]).toBeCloseTo(expected.eta, 4);
    expect(Math.abs(expected.eta)).toBeGreaterThan(1e-2);
  });
});
