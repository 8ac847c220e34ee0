// Utility: a contiguous run of values from each step's input, e.g. the 1000 pattern neurons out of a
// 1001-neuron layer whose last neuron is the bias. Multi-dimensional inputs are flattened first.
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import { defineNodeKind } from './kind.ts';
import { flatWidth } from './shape-helpers.ts';

export const SliceParams = z.object({
  start: z.number().int().min(0).max(10_000_000).default(0).describe('Index of the first value kept (0 = the first).'),
  size: z.number().int().min(1).max(10_000_000).default(1000).describe('How many consecutive values are kept.'),
});
export type SliceParams = z.infer<typeof SliceParams>;

export const Slice = defineNodeKind<SliceParams>({
  kind: 'Slice',
  title: 'Slice',
  category: 'utility',
  description: 'Keeps `size` consecutive values starting at `start` from each step’s input.',
  inputs: [{ name: 'input', description: 'Values to take the slice from (flattened if multi-dimensional).' }],
  outputs: [{ name: 'output', description: 'The kept values.' }],
  params: SliceParams,
  stateful: false,
  inferShapes(params, inputs) {
    const input = inputs.input;
    if (input) {
      const width = flatWidth(input);
      if (params.start >= width) {
        const message = `"start" is ${params.start} but the input has only ${width} values (indices 0 to ${width - 1}).`;
        return { ok: false, issues: [{ param: 'start', message }] };
      }
      if (params.start + params.size > width) {
        const room = width - params.start;
        const message = `"size" is ${params.size} but only ${room} values follow "start" (${params.start}) in the ${width}-wide input; set "size" to at most ${room}.`;
        return { ok: false, issues: [{ param: 'size', message }] };
      }
    }
    return { ok: true, outputs: { output: [params.size] } };
  },
  countParameters: () => ({ trainable: 0, plastic: 0 }),
  build(params, ctx) {
    return {
      role: 'layer',
      forward({ input }) {
        const [steps, batch] = input.shape;
        const flat = input.reshape([steps, batch, -1]) as tfjs.Tensor3D;
        return { output: ctx.tf.slice(flat, [0, 0, params.start], [steps, batch, params.size]) };
      },
      arrayStream(batchSize) {
        const width = ctx.inputShapes.input.reduce((a, b) => a * b, 1);
        return {
          reset() {},
          step({ input }) {
            const output = new Float32Array(batchSize * params.size);
            for (let e = 0; e < batchSize; e++) output.set(input.subarray(e * width + params.start, e * width + params.start + params.size), e * params.size);
            return { output };
          },
        };
      },
    };
  },
});
