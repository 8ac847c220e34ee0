// Utility: widens each step's input with zeros, e.g. to give a 2,051-neuron baseline network the
// 51 pattern inputs while its 2,000 extra neurons get no input (the paper's non-plastic baseline).
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import { defineNodeKind } from './kind.ts';
import { flatWidth } from './shape-helpers.ts';

export const PadParams = z.object({
  size: z.number().int().min(1).max(10_000_000).default(2051).describe('Width of the output; the input fills the first values and zeros the rest.'),
});
export type PadParams = z.infer<typeof PadParams>;

export const Pad = defineNodeKind<PadParams>({
  kind: 'Pad',
  title: 'Pad with zeros',
  category: 'utility',
  description: 'Appends zeros to each step’s input until it is `size` values wide.',
  inputs: [{ name: 'input', description: 'Values to widen (flattened if multi-dimensional).' }],
  outputs: [{ name: 'output', description: 'The input followed by zeros.' }],
  params: PadParams,
  stateful: false,
  inferShapes(params, inputs) {
    const input = inputs.input;
    if (input && flatWidth(input) > params.size) {
      const message = `"size" is ${params.size} but the input already has ${flatWidth(input)} values; set "size" to at least ${flatWidth(input)}.`;
      return { ok: false, issues: [{ param: 'size', message }] };
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
        return { output: ctx.tf.pad(flat, [[0, 0], [0, 0], [0, params.size - flat.shape[2]]]) };
      },
    };
  },
});
