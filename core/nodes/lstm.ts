// An LSTM layer (PyTorch's nn.LSTM equations and gate order i, f, g, o), scanned over the episode with plain
// tfjs ops so tfjs autodiff provides the gradient:
//   gates = gain·x_t · W_ihᵀ + b_ih + h_{t-1} · W_hhᵀ + b_hh
//   c_t = σ(f)·c_{t-1} + σ(i)·tanh(g);   h_t = σ(o)·tanh(c_t)
// The optional "clamping trick" of the paper's LSTM baseline (PAPER.md §2(a)) lets input bits pin the first
// min(M, H) units, like the ×20 drive does in the recurrent network.
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import { defineNodeKind } from './kind.ts';
import { pytorchDefaultInit } from './initializers.ts';
import { flatWidth } from './shape-helpers.ts';

export const LSTMParams = z.object({
  hiddenSize: z.number().int().min(1).max(10_000).default(50).describe('Number of LSTM units H.'),
  inputGain: z.number().min(0).max(10_000).default(1).describe('Multiplies the input (the paper’s LSTM baseline uses 100).'),
  clampTrick: z
    .boolean()
    .default(false)
    .describe(
      'Before every pass, fix the first min(inputs, units) units so an input bit pins them: input→cell weights identity×10, input and output gate biases +10, forget gate bias −1000, hidden biases 0.',
    ),
});
export type LSTMParams = z.infer<typeof LSTMParams>;

/** Fixed values the clamping trick writes over the parameters; `mask` is 1 where a value is forced. */
interface Clamp {
  mask: tfjs.Tensor;
  value: tfjs.Tensor;
}

function clampTrickTensors(tf: typeof tfjs, inputSize: number, hidden: number): { wIh: Clamp; bIh: Clamp; bHh: Clamp } {
  const pinned = Math.min(inputSize, hidden);
  const wMask = new Float32Array(inputSize * 4 * hidden); // stored [M, 4H] so that x · W needs no transpose
  const wValue = new Float32Array(inputSize * 4 * hidden);
  const bIhMask = new Float32Array(4 * hidden);
  const bIhValue = new Float32Array(4 * hidden);
  const bHhMask = new Float32Array(4 * hidden);
  for (let unit = 0; unit < pinned; unit++) {
    const cellColumn = 2 * hidden + unit;
    for (let input = 0; input < inputSize; input++) {
      wMask[input * 4 * hidden + cellColumn] = 1;
      wValue[input * 4 * hidden + cellColumn] = input === unit ? 10 : 0;
    }
    for (const [gate, value] of [[0, 10], [1, -1000], [3, 10]] as const) {
      bIhMask[gate * hidden + unit] = 1;
      bIhValue[gate * hidden + unit] = value;
    }
    for (let gate = 0; gate < 4; gate++) bHhMask[gate * hidden + unit] = 1;
  }
  return {
    wIh: { mask: tf.tensor2d(wMask, [inputSize, 4 * hidden]), value: tf.tensor2d(wValue, [inputSize, 4 * hidden]) },
    bIh: { mask: tf.tensor1d(bIhMask), value: tf.tensor1d(bIhValue) },
    bHh: { mask: tf.tensor1d(bHhMask), value: tf.zeros([4 * hidden]) },
  };
}

export const LSTM = defineNodeKind<LSTMParams>({
  kind: 'LSTM',
  title: 'LSTM',
  category: 'recurrent',
  description: 'Long short-term memory layer (the paper’s non-plastic baseline). Its state carries over from step to step.',
  inputs: [{ name: 'input', description: 'Values at each step (flattened if multi-dimensional).' }],
  outputs: [{ name: 'output', description: 'The hidden state h at each step.' }],
  params: LSTMParams,
  stateful: true,
  inferShapes: (params) => ({ ok: true, outputs: { output: [params.hiddenSize] } }),
  countParameters(params, inputs) {
    const m = inputs.input ? flatWidth(inputs.input) : 0;
    const h = params.hiddenSize;
    // W_ih, W_hh and PyTorch's two bias vectors.
    return { trainable: 4 * h * (m + h) + 8 * h, plastic: 0 };
  },
  build(params, ctx) {
    const { tf } = ctx;
    const m = flatWidth(ctx.inputShapes.input);
    const h = params.hiddenSize;
    const init = pytorchDefaultInit(h);
    const wIh = ctx.parameter('weightIh', [m, 4 * h], init);
    const wHh = ctx.parameter('weightHh', [h, 4 * h], init);
    const bIh = ctx.parameter('biasIh', [4 * h], init);
    const bHh = ctx.parameter('biasHh', [4 * h], init);
    const clamp = params.clampTrick ? clampTrickTensors(tf, m, h) : undefined;
    // Forced entries take the fixed value and get no gradient, as when PyTorch overwrites them before each pass.
    const effective = (p: tfjs.Tensor, c?: Clamp) => (c ? tf.add(tf.mul(p, tf.sub(1, c.mask)), c.value) : p);
    return {
      role: 'layer',
      forward({ input }) {
        const [steps, batch] = input.shape;
        const x = input.reshape([steps * batch, m]);
        const scaled = params.inputGain !== 1 ? tf.mul(x, params.inputGain) : x;
        const fromInput = tf
          .add(tf.matMul(scaled as tfjs.Tensor2D, effective(wIh, clamp?.wIh) as tfjs.Tensor2D), effective(bIh, clamp?.bIh))
          .reshape([steps, batch, 4 * h]);
        const recurrentW = wHh as tfjs.Tensor2D;
        const recurrentB = effective(bHh, clamp?.bHh);
        let hidden = tf.zeros([batch, h]) as tfjs.Tensor2D;
        let cell = tf.zeros([batch, h]) as tfjs.Tensor2D;
        const outputs: tfjs.Tensor2D[] = [];
        const perStep = tf.unstack(fromInput) as tfjs.Tensor2D[];
        for (let t = 0; t < steps; t++) {
          const gates = tf.add(tf.add(perStep[t], tf.matMul(hidden, recurrentW)), recurrentB);
          const [i, f, g, o] = tf.split(gates, 4, 1);
          cell = tf.add(tf.mul(tf.sigmoid(f), cell), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tfjs.Tensor2D;
          hidden = tf.mul(tf.sigmoid(o), tf.tanh(cell)) as tfjs.Tensor2D;
          outputs.push(hidden);
        }
        return { output: tf.stack(outputs) };
      },
    };
  },
});
