// A fully connected layer, applied to each step independently: output = act(x · W + b).
// Time and batch are folded into one axis for the matrix product. PyTorch default init: U(±1/sqrt(fan_in)).
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import { defineNodeKind } from './kind.ts';
import { pytorchDefaultInit } from './initializers.ts';
import { flatWidth } from './shape-helpers.ts';
import { matMulOp } from './matmul.ts';

export const DenseParams = z.object({
  units: z.number().int().min(1).max(100_000).default(64).describe('Number of outputs.'),
  activation: z
    .enum(['linear', 'tanh', 'relu', 'sigmoid', 'softmax'])
    .default('linear')
    .describe('Function applied to x·W + b ("softmax" normalises over the outputs).'),
  bias: z.boolean().default(true).describe('Add a learned bias b.'),
});
export type DenseParams = z.infer<typeof DenseParams>;

export function applyActivation(tf: typeof tfjs, x: tfjs.Tensor, activation: DenseParams['activation']): tfjs.Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'tanh':
      return tf.tanh(x);
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softmax':
      return tf.softmax(x);
  }
}

/** The activation on one row of plain values, in place (the array step of rollouts); as applyActivation computes it. */
export function activateRow(row: Float32Array, activation: DenseParams['activation']): void {
  switch (activation) {
    case 'linear':
      return;
    case 'tanh':
      for (let j = 0; j < row.length; j++) row[j] = Math.tanh(row[j]);
      return;
    case 'relu':
      for (let j = 0; j < row.length; j++) row[j] = Math.max(0, row[j]);
      return;
    case 'sigmoid':
      for (let j = 0; j < row.length; j++) row[j] = 1 / (1 + Math.exp(-row[j]));
      return;
    case 'softmax': {
      let max = -Infinity;
      for (let j = 0; j < row.length; j++) max = Math.max(max, row[j]);
      let sum = 0;
      for (let j = 0; j < row.length; j++) sum += row[j] = Math.exp(row[j] - max);
      for (let j = 0; j < row.length; j++) row[j] /= sum;
    }
  }
}

export const Dense = defineNodeKind<DenseParams>({
  kind: 'Dense',
  title: 'Dense layer',
  category: 'layer',
  description: 'Fully connected layer applied at every step: act(x·W + b). Multi-dimensional inputs are flattened.',
  inputs: [{ name: 'input', description: 'Values at each step (flattened if multi-dimensional).' }],
  outputs: [{ name: 'output', description: 'The layer’s outputs.' }],
  params: DenseParams,
  stateful: false,
  inferShapes: (params) => ({ ok: true, outputs: { output: [params.units] } }),
  countParameters(params, inputs) {
    const fanIn = inputs.input ? flatWidth(inputs.input) : 0;
    return { trainable: fanIn * params.units + (params.bias ? params.units : 0), plastic: 0 };
  },
  build(params, ctx) {
    const { tf } = ctx;
    const fanIn = flatWidth(ctx.inputShapes.input);
    const weight = ctx.parameter('weight', [fanIn, params.units], pytorchDefaultInit(fanIn));
    const bias = params.bias ? ctx.parameter('bias', [params.units], pytorchDefaultInit(fanIn)) : undefined;
    const matMul = matMulOp(tf);
    return {
      role: 'layer',
      forward({ input }) {
        const [steps, batch] = input.shape;
        const folded = input.reshape([steps * batch, fanIn]) as tfjs.Tensor2D;
        const product = matMul(folded, weight as tfjs.Tensor2D);
        const linear = bias ? tf.add(product, bias) : product;
        return { output: applyActivation(tf, linear, params.activation).reshape([steps, batch, params.units]) };
      },
      arrayStream(batchSize) {
        const w = weight.dataSync() as Float32Array;
        const b = bias?.dataSync() as Float32Array | undefined;
        const units = params.units;
        return {
          reset() {},
          step({ input }) {
            const output = new Float32Array(batchSize * units);
            // Accumulated in float64, row by row of W, so the sum is at least as exact as the backend's.
            const acc = new Float64Array(units);
            for (let e = 0; e < batchSize; e++) {
              if (b) for (let j = 0; j < units; j++) acc[j] = b[j];
              else acc.fill(0);
              for (let i = 0; i < fanIn; i++) {
                const x = input[e * fanIn + i];
                if (x === 0) continue;
                const row = i * units;
                for (let j = 0; j < units; j++) acc[j] += x * w[row + j];
              }
              const out = output.subarray(e * units, (e + 1) * units);
              for (let j = 0; j < units; j++) out[j] = acc[j];
              activateRow(out, params.activation);
            }
            return { output };
          },
        };
      },
    };
  },
});
