// Our kernels' way in and out of tfjs tensors on the wasm backend (its own file: the active backend is global
// to the process): reads are views of the wasm heap, writes go straight into a new tensor's heap memory.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../compile/backend.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { tensorFilledBy, tensorValues } from './tensor-io.ts';

// The product's own way to the wasm backend (it tells the backend where its .wasm files are).
beforeAll(async () => expect(await selectBackend('wasm')).toBe('wasm'));

describe('tensor values on the wasm backend', () => {
  it('tensorValues reads what dataSync reads, as a view of the heap (no copy)', () => {
    const tensor = tf.tensor2d([1, -2, 3.5, 4, 5, 6], [2, 3]);
    const view = tensorValues(tf, tensor);
    expect(Array.from(view)).toEqual(Array.from(tensor.dataSync()));
    expect(view.buffer).toBe((tf.backend() as unknown as { wasm: { HEAPF32: Float32Array } }).wasm.HEAPF32.buffer);
    tensor.dispose();
  });

  it('tensorFilledBy makes a tensor of the values written, and each call a tensor of its own', () => {
    const first = tensorFilledBy(tf, [2, 2], (values) => values.set([1, 2, 3, 4]));
    const second = tensorFilledBy(tf, [4], (values) => values.set([5, 6, 7, 8]));
    expect(first.shape).toEqual([2, 2]);
    expect(Array.from(first.dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(second.dataSync())).toEqual([5, 6, 7, 8]);
    tf.dispose([first, second]);
  });

  it('a zeroed fill starts from zeros even where freed memory held other values', () => {
    const before = tf.memory().numTensors;
    for (let round = 0; round < 5; round++) {
      // Freed just before, so the allocator is likely to hand the same bytes out again.
      tf.fill([64], 7).dispose();
      const tensor = tensorFilledBy(tf, [64], (values) => (values[3] = 1), true);
      const expected = new Array(64).fill(0);
      expected[3] = 1;
      expect(Array.from(tensor.dataSync())).toEqual(expected);
      tensor.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
