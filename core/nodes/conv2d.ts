// A 2-D convolution over each step's image, applied to every step independently (the Omniglot
// feature extractor, Miconi et al. 2018, §4.3: 4 × Conv2d(3×3, stride 2, 64 channels) + tanh, 31 → 15 → 7 → 3 → 1).
//
//   out[f, y, x] = act( bias[f] + Σ_c Σ_i Σ_j kernel[i, j, c, f] · in[c, s·y + i − padTop, s·x + j − padLeft] )
//
// Images are channels-first per step ([C, H, W], as PyTorch); the time and batch axes are folded into one
// image axis, so all images of all episodes go through the layer in one call. The convolution is one
// matrix product: every kernel window is laid out as a row ("im2col", our own op in image-columns.ts,
// whose gradient adds the rows back onto the pixels) and multiplied by the kernel viewed as [k·k·C, filters].
// Where the native kernels are built (core/native), layers they cover run on them instead (native-conv.ts).
// (tfjs's own convolutions are not usable here: on the wasm backend, which `auto` picks, tf.conv2d has no
// kernel gradient and tf.conv3d's gradients are wrong for strides above 1 — checked on tfjs 4.22.)
// The kernel is stored in TensorFlow's layout [kernelSize, kernelSize, C, filters]; PyTorch's default
// init U(±1/sqrt(C·k·k)) is used for kernel and bias.
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import { defineNodeKind, type NodeIssue, type Shape, type ShapeResult } from './kind.ts';
import { pytorchDefaultInit } from './initializers.ts';
import { formatShape } from './shape-helpers.ts';
import { type ColumnGeometry, imageColumnsOp } from './image-columns.ts';
import { convEpilogueOp } from './conv-epilogue.ts';
import { matMulOp } from './matmul.ts';
import { nativeConvCovers, nativeConvOp } from './native-conv.ts';

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
    const geometry = convGeometry(params, channels, height, width, outHeight, outWidth);
    const native = ctx.native;
    if (native && nativeConvCovers(geometry, params.activation)) {
      const convolve = nativeConvOp(tf, native, geometry, filters, params.activation, bias !== undefined, ctx.inputNeedsGradient('input'));
      return {
        role: 'layer',
        forward({ input }) {
          const [steps, batch] = input.shape;
          const output = convolve(input.reshape([steps * batch, channels, height, width]) as tfjs.Tensor4D, kernel, bias as tfjs.Tensor1D | undefined);
          return { output: output.reshape([steps, batch, filters, outHeight, outWidth]) };
        },
      };
    }
    const columnsOf = imageColumnsOp(tf, geometry);
    const matMul = matMulOp(tf);
    const epilogue = convEpilogueOp(tf, { filters, outHeight, outWidth }, params.activation, bias !== undefined);
    return {
      role: 'layer',
      forward({ input }) {
        const [steps, batch] = input.shape;
        const images = steps * batch;
        const columns = columnsOf(input.reshape([images, channels, height, width]) as tfjs.Tensor4D);
        const linear = matMul(columns, kernel.reshape([k * k * channels, filters]) as tfjs.Tensor2D);
        const activated = epilogue(linear, bias as tfjs.Tensor1D | undefined);
        return { output: activated.reshape([steps, batch, filters, outHeight, outWidth]) };
      },
    };
  },
});

/** Where each kernel window sits: TensorFlow's "same" padding puts the smaller half of the total first; "valid" adds none. */
function convGeometry(params: Conv2dParams, channels: number, height: number, width: number, outHeight: number, outWidth: number): ColumnGeometry {
  const { kernelSize: k, stride: s } = params;
  const before = (size: number, out: number) => (params.padding === 'same' ? Math.floor(Math.max((out - 1) * s + k - size, 0) / 2) : 0);
  return { channels, height, width, kernelSize: k, stride: s, outHeight, outWidth, padTop: before(height, outHeight), padLeft: before(width, outWidth) };
}

/** The output shape at build time (validation has already run the shape rule on the same input). */
function inferOutput(params: Conv2dParams, input: Shape | undefined): Shape {
  const result = inferConvShapes(params, input ? { input } : {});
  if (!result.ok) throw new Error(`Conv2d: ${result.issues.map((i) => i.message).join(' ')}`);
  if (!result.outputs.output) throw new Error('Conv2d: input "input" is not connected.');
  return result.outputs.output;
}
