// A 2-D convolution over each step's image, applied to every step independently (the Omniglot
// feature extractor, PAPER.md §2(c): 4 × Conv2d(3×3, stride 2, 64 channels) + tanh, 31 → 15 → 7 → 3 → 1).
//
//   out[f, y, x] = act( bias[f] + Σ_c Σ_i Σ_j kernel[i, j, c, f] · in[c, s·y + i − padTop, s·x + j − padLeft] )
//
// Images are channels-first per step ([C, H, W], as PyTorch); the time and batch axes are folded into one
// image axis. The convolution is computed as one matrix product ("im2col"): for each kernel tap (i, j)
// the pixels under that tap at every output position are cut out with slices and reshapes, the k·k cuts
// are concatenated into [positions, k·k·C] and multiplied by the kernel viewed as [k·k·C, filters].
// Only slice, reshape, concat, pad and matMul are used, whose gradients are right on every backend.
// (tfjs's own convolutions are not usable here: on the wasm backend, which `auto` picks, tf.conv2d has no
// kernel gradient and tf.conv3d's gradients are wrong for strides above 1 — checked on tfjs 4.22.)
// The kernel is stored in TensorFlow's layout [kernelSize, kernelSize, C, filters]; PyTorch's default
// init U(±1/sqrt(C·k·k)) is used for kernel and bias.
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import { defineNodeKind, type NodeIssue, type Shape, type ShapeResult } from './kind.ts';
import { pytorchDefaultInit } from './initializers.ts';
import { formatShape } from './shape-helpers.ts';

export const Conv2dParams = z.object({
  filters: z.number().int().min(1).max(4096).default(64).describe('Output channels (feature maps); the paper’s Omniglot network uses 64.'),
  kernelSize: z.number().int().min(1).max(64).default(3).describe('Side of the square kernel (3 = 3×3).'),
  stride: z.number().int().min(1).max(64).default(2).describe('Step between kernel positions, in pixels (2 halves the image).'),
  padding: z
    .enum(['valid', 'same'])
    .default('valid')
    .describe(
      '"valid": no padding, the kernel stays inside the image (the paper), side = floor((H − kernelSize) / stride) + 1; "same": zero padding as TensorFlow does it, side = ceil(H / stride).',
    ),
  activation: z
    .enum(['tanh', 'relu', 'selu', 'linear'])
    .default('tanh')
    .describe('Function applied after the convolution ("tanh" as the paper; its code also offers relu and selu).'),
  bias: z.boolean().default(true).describe('Add a learned bias per output channel.'),
});
export type Conv2dParams = z.infer<typeof Conv2dParams>;

/** Output side along one axis (the kernel is known to fit). */
function outputSide(side: number, params: Conv2dParams): number {
  return params.padding === 'same' ? Math.ceil(side / params.stride) : Math.floor((side - params.kernelSize) / params.stride) + 1;
}

function inferConvShapes(params: Conv2dParams, inputs: Record<string, Shape>): ShapeResult {
  const input = inputs.input;
  // The output's size depends on the image's: unknown until an image is connected.
  if (!input) return { ok: true, outputs: {} };
  if (input.length !== 3) {
    const hint = input.length === 2 ? ` (a single-channel image is [1, ${input[0]}, ${input[1]}])` : '';
    const message = `input "input" has shape ${formatShape(input)} but a convolution needs an image [channels, height, width]${hint}.`;
    return { ok: false, issues: [{ port: 'input', message }] };
  }
  const [, height, width] = input;
  if (params.padding === 'valid' && (params.kernelSize > height || params.kernelSize > width)) {
    const issue: NodeIssue = {
      param: 'kernelSize',
      message: `"kernelSize" is ${params.kernelSize} but the input image is only ${height}×${width} (shape ${formatShape(input)}); use a kernel of at most ${Math.min(height, width)} or padding "same".`,
    };
    return { ok: false, issues: [issue] };
  }
  return { ok: true, outputs: { output: [params.filters, outputSide(height, params), outputSide(width, params)] } };
}

export const Conv2d = defineNodeKind<Conv2dParams>({
  kind: 'Conv2d',
  title: '2-D convolution',
  category: 'layer',
  description:
    'Convolves each step’s image [channels, height, width] with learned kernels, then applies the activation: act(kernel ∗ x + b).',
  inputs: [{ name: 'input', description: 'An image per step, channels first: [channels, height, width].' }],
  outputs: [{ name: 'output', description: 'Feature maps per step: [filters, height′, width′].' }],
  params: Conv2dParams,
  stateful: false,
  inferShapes: inferConvShapes,
  countParameters(params, inputs) {
    // Nothing to count until an image [C, H, W] arrives (the shape rule reports any other input).
    const input = inputs.input;
    if (!input || input.length !== 3) return { trainable: 0, plastic: 0 };
    const kernel = params.kernelSize * params.kernelSize * input[0] * params.filters;
    return { trainable: kernel + (params.bias ? params.filters : 0), plastic: 0 };
  },
  build(params, ctx) {
    const { tf } = ctx;
    const [filters, outHeight, outWidth] = inferOutput(params, ctx.inputShapes.input);
    const [channels, height, width] = ctx.inputShapes.input;
    const k = params.kernelSize;
    const fanIn = channels * k * k;
    const kernel = ctx.parameter('kernel', [k, k, channels, filters], pytorchDefaultInit(fanIn)) as tfjs.Variable<tfjs.Rank.R4>;
    const bias = params.bias ? ctx.parameter('bias', [filters], pytorchDefaultInit(fanIn)) : undefined;
    const geometry = convGeometry(params, height, width, outHeight, outWidth);
    return {
      role: 'layer',
      forward({ input }) {
        const [steps, batch] = input.shape;
        const images = steps * batch;
        const nhwc = tf.transpose(input.reshape([images, channels, height, width]) as tfjs.Tensor4D, [0, 2, 3, 1]);
        const columns = imageColumns(tf, nhwc, geometry);
        const linear = tf.matMul(columns, kernel.reshape([k * k * channels, filters]) as tfjs.Tensor2D) as tfjs.Tensor2D;
        const out = bias ? (tf.add(linear, bias) as tfjs.Tensor2D) : linear;
        const activated = activate(tf, out, params.activation).reshape([images, outHeight, outWidth, filters]);
        return { output: tf.transpose(activated, [0, 3, 1, 2]).reshape([steps, batch, filters, outHeight, outWidth]) };
      },
    };
  },
});

interface ConvGeometry {
  kernelSize: number;
  stride: number;
  outHeight: number;
  outWidth: number;
  /** Zero rows/columns added before and after the image ("same" padding, plus room for the last cut). */
  pad: [[number, number], [number, number]];
}

/** TensorFlow's "same" padding: the total is split with the smaller half first; "valid" adds none. */
function convGeometry(params: Conv2dParams, height: number, width: number, outHeight: number, outWidth: number): ConvGeometry {
  const { kernelSize: k, stride: s } = params;
  const along = (size: number, out: number): [number, number] => {
    const total = params.padding === 'same' ? Math.max((out - 1) * s + k - size, 0) : 0;
    const before = Math.floor(total / 2);
    // Each cut below takes s·out rows from its tap's offset; up to s − 1 of them may lie past the last
    // row the convolution reads, so zeros are added there (they are never used).
    const after = Math.max(total - before, (k - 1) + s * out - (size + before));
    return [before, after];
  };
  return { kernelSize: k, stride: s, outHeight, outWidth, pad: [along(height, outHeight), along(width, outWidth)] };
}

/**
 * [N, H, W, C] → [N·H'·W', k·k·C]: row (n, y, x) holds, for each tap (i, j) in order and each channel c,
 * the padded pixel at (s·y + i, s·x + j), so that row · kernel[k·k·C, F] is the convolution at (y, x).
 */
function imageColumns(tf: typeof tfjs, nhwc: tfjs.Tensor4D, g: ConvGeometry): tfjs.Tensor2D {
  const { kernelSize: k, stride: s, outHeight: oh, outWidth: ow } = g;
  const [n, , , c] = nhwc.shape;
  const padded = g.pad.flat().some((p) => p > 0) ? tf.pad(nhwc, [[0, 0], g.pad[0], g.pad[1], [0, 0]]) : nhwc;
  const cuts: tfjs.Tensor2D[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      // Rows i, i + s, …, i + s·(oh − 1): take s·oh rows from i, group them by s and keep the first of each group.
      const window = tf.slice(padded, [0, i, j, 0], [n, s * oh, s * ow, c]);
      const rows = tf.slice(window.reshape([n * oh, s, s * ow, c]), [0, 0, 0, 0], [n * oh, 1, s * ow, c]);
      const pixels = tf.slice(rows.reshape([n * oh * ow, s, c]), [0, 0, 0], [n * oh * ow, 1, c]);
      cuts.push(pixels.reshape([n * oh * ow, c]));
    }
  }
  return cuts.length === 1 ? cuts[0] : tf.concat(cuts, 1);
}

/** The output shape at build time (validation has already run the shape rule on the same input). */
function inferOutput(params: Conv2dParams, input: Shape | undefined): Shape {
  const result = inferConvShapes(params, input ? { input } : {});
  if (!result.ok) throw new Error(`Conv2d: ${result.issues.map((i) => i.message).join(' ')}`);
  if (!result.outputs.output) throw new Error('Conv2d: input "input" is not connected.');
  return result.outputs.output;
}

function activate(tf: typeof tfjs, x: tfjs.Tensor2D, activation: Conv2dParams['activation']): tfjs.Tensor2D {
  switch (activation) {
    case 'tanh':
      return tf.tanh(x);
    case 'relu':
      return tf.relu(x);
    case 'selu':
      return tf.selu(x);
    case 'linear':
      return x;
  }
}
