// A plain (non-plastic) recurrent tanh layer, the paper's baseline: post_t = tanh(post_{t-1} · w + gain · drive_t).
// It runs on the same fused kernel as PlasticRecurrent with plasticity switched off.
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import type { PlasticSpec } from '../plasticity/spec.ts';
import { defineNodeKind } from './kind.ts';
import { SmallInitSchema, smallInit } from './initializers.ts';
import { PlasticRecurrent, PlasticRecurrentParams, inferRecurrentShapes, prepareDrive, recurrentArrayStream, recurrentStream } from './plastic-recurrent.ts';

export const RecurrentParams = PlasticRecurrentParams.pick({ size: true, inputMode: true, inputGain: true }).extend({
  wInit: SmallInitSchema.default('normal').describe('Initial weights w: "normal" = 0.01·N(0,1), "uniform" = 0.01·U[0,1).'),
});
export type RecurrentParams = z.infer<typeof RecurrentParams>;

export const Recurrent = defineNodeKind<RecurrentParams>({
  kind: 'Recurrent',
  title: 'Recurrent layer',
  category: 'recurrent',
  description: 'Recurrent tanh neurons with fixed (non-plastic) connections: the baseline the paper compares against.',
  inputs: PlasticRecurrent.inputs,
  outputs: PlasticRecurrent.outputs,
  params: RecurrentParams,
  stateful: true,
  inferShapes: (params, inputs) => inferRecurrentShapes(params.size, inputs),
  countParameters: (params) => ({ trainable: params.size * params.size, plastic: 0 }),
  build(params, ctx) {
    const { tf } = ctx;
    const n = params.size;
    const w = ctx.parameter('w', [n, n], smallInit(params.wInit)) as tfjs.Variable<tfjs.Rank.R2>;
    const spec: PlasticSpec = {
      mode: 'recurrent',
      size: n,
      inputSize: n,
      plastic: false,
      rule: 'hebb',
      alpha: 'shared',
      learnEta: false,
      activation: 'tanh',
      inputMode: params.inputMode,
      traceClip: null,
    };
    const arrayStream = (batchSize: number) => recurrentArrayStream(ctx.kernels.stepper(spec, { w: w.dataSync() as Float32Array }, batchSize), params);
    return {
      role: 'layer',
      forward({ drive }) {
        return { output: ctx.kernels.sequence(spec, { drive: prepareDrive(tf, drive, params), w }) };
      },
      arrayStream,
      stream: (batchSize) => recurrentStream(tf, arrayStream(batchSize), n, batchSize),
    };
  },
});
