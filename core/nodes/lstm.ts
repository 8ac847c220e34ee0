// An LSTM layer (PyTorch's nn.LSTM equations and gate order i, f, g, o), scanned over the episode with plain
// tfjs ops so tfjs autodiff provides the gradient:
//   gates = gain·x_t · W_ihᵀ + b_ih + h_{t-1} · W_hhᵀ + b_hh
//   c_t = σ(f)·c_{t-1} + σ(i)·tanh(g);   h_t = σ(o)·tanh(c_t)
// The optional "clamping trick" of the paper's LSTM baseline (Miconi et al. 2018, §4.1) lets input bits pin the first
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

/** The parameters as the equations use them (the clamping trick's forced entries written in). */
type LSTMWeights = {
  wIh: tfjs.Tensor2D;
  bIh: tfjs.Tensor;
  wHh: tfjs.Tensor2D;
  bHh: tfjs.Tensor;
};

// Type aliases (not interfaces) so tf.tidy accepts them as tensor containers.
type LSTMState = {
  hidden: tfjs.Tensor2D;
  cell: tfjs.Tensor2D;
};

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
    const effectiveWeights = (): LSTMWeights => ({
      wIh: effective(wIh, clamp?.wIh) as tfjs.Tensor2D,
      bIh: effective(bIh, clamp?.bIh),
      wHh: wHh as tfjs.Tensor2D,
      bHh: effective(bHh, clamp?.bHh),
    });
    // x: [rows, M] → the input's part of the gates, [rows, 4H].
    const inputGates = (x: tfjs.Tensor2D, p: LSTMWeights) =>
      tf.add(tf.matMul((params.inputGain !== 1 ? tf.mul(x, params.inputGain) : x) as tfjs.Tensor2D, p.wIh), p.bIh) as tfjs.Tensor2D;
    // One step of the cell, shared by forward and stream so both compute exactly the same numbers.
    const cellStep = (fromInput: tfjs.Tensor2D, state: LSTMState, p: LSTMWeights): LSTMState => {
      const gates = tf.add(tf.add(fromInput, tf.matMul(state.hidden, p.wHh)), p.bHh);
      const [i, f, g, o] = tf.split(gates, 4, 1);
      const cell = tf.add(tf.mul(tf.sigmoid(f), state.cell), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tfjs.Tensor2D;
      return { cell, hidden: tf.mul(tf.sigmoid(o), tf.tanh(cell)) as tfjs.Tensor2D };
    };
    const zeroState = (batch: number): LSTMState => ({ hidden: tf.zeros([batch, h]), cell: tf.zeros([batch, h]) });
    return {
      role: 'layer',
      forward({ input }) {
        const [steps, batch] = input.shape;
        const p = effectiveWeights();
        const fromInput = inputGates(input.reshape([steps * batch, m]), p).reshape([steps, batch, 4 * h]);
        let state = zeroState(batch);
        const outputs: tfjs.Tensor2D[] = [];
        const perStep = tf.unstack(fromInput) as tfjs.Tensor2D[];
        for (let t = 0; t < steps; t++) {
          state = cellStep(perStep[t], state, p);
          outputs.push(state.hidden);
        }
        return { output: tf.stack(outputs) };
      },
      stream(batchSize) {
        // The stream owns these tensors across steps: kept, so a caller's tf.tidy around a step cannot free them.
        const p = tf.tidy(() => effectiveWeights());
        Object.values(p).forEach((t) => tf.keep(t));
        const keptZeros = () => {
          const zeros = zeroState(batchSize);
          return { hidden: tf.keep(zeros.hidden), cell: tf.keep(zeros.cell) };
        };
        let state = keptZeros();
        const release = () => tf.dispose([state.hidden, state.cell]);
        return {
          reset() {
            release();
            state = keptZeros();
          },
          step({ input }) {
            const next = tf.tidy(() => cellStep(inputGates(input.reshape([batchSize, m]), p), state, p));
            release();
            state = { hidden: tf.keep(next.hidden), cell: tf.keep(next.cell) };
            return { output: state.hidden.reshape([1, batchSize, h]) };
          },
          dispose() {
            release();
            // The clamped copies are the stream's own; the parameters themselves are not.
            const own = Object.values(p).filter((t) => t !== wIh && t !== wHh && t !== bIh && t !== bHh);
            tf.dispose(own);
          },
        };
      },
    };
  },
});
