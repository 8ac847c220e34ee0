// A feedforward layer with plastic weights, the Omniglot head (Miconi et al. 2018, §4.3):
//   out_t = act( x_t · (w + alpha ⊙ Hebb) + teachGain · teach_t )
// The large teaching input pins the output to the label during support steps, so the Hebbian trace binds
// each class's features to its label; at the query step (teach = 0) the trace recalls it.
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import type { PlasticSpec } from '../plasticity/spec.ts';
import { defineNodeKind } from './kind.ts';
import { SmallInitSchema, smallInit } from './initializers.ts';
import { PlasticRecurrentParams } from './plastic-recurrent.ts';
import { flatWidth, formatShape } from './shape-helpers.ts';

export const PlasticDenseParams = z.object({
  units: z.number().int().min(1).max(100_000).default(5).describe('Number of outputs N (5 for 5-way classification).'),
  rule: z.enum(['hebb', 'oja']).default('oja').describe(
    'Trace update: "oja" = Oja’s rule (the paper’s Omniglot choice), "hebb" = decaying average of pre·post.',
  ),
  alpha: PlasticRecurrentParams.shape.alpha,
  learnEta: PlasticRecurrentParams.shape.learnEta,
  etaInit: PlasticRecurrentParams.shape.etaInit,
  activation: z
    .enum(['softmax', 'tanh', 'linear'])
    .default('softmax')
    .describe('Function applied to the outputs ("softmax" for class probabilities).'),
  teachGain: z.number().min(0).max(1e6).default(1000).describe('Multiplies the teaching input (the paper adds 1000 × the one-hot label).'),
  wInit: SmallInitSchema.default('normal').describe('Initial fixed weights w: "normal" = 0.01·N(0,1), "uniform" = 0.01·U[0,1).'),
  alphaInit: SmallInitSchema.default('uniform').describe(
    'Initial per-connection alpha: "uniform" = 0.01·U[0,1) (the paper’s Omniglot init), "normal" = 0.01·N(0,1). A shared alpha starts at 0.01.',
  ),
});
export type PlasticDenseParams = z.infer<typeof PlasticDenseParams>;

export const PlasticDense = defineNodeKind<PlasticDenseParams>({
  kind: 'PlasticDense',
  title: 'Plastic dense layer',
  category: 'plastic',
  description:
    'Feedforward layer whose weights change during the episode by a learned Hebbian rule; a teaching input can pin its outputs.',
  inputs: [
    { name: 'input', description: 'Presynaptic values at each step (flattened if multi-dimensional).' },
    { name: 'teach', description: 'Teaching signal added (times teachGain) to the outputs, e.g. the one-hot label.', optional: true },
  ],
  outputs: [{ name: 'output', description: 'The layer’s outputs.' }],
  params: PlasticDenseParams,
  stateful: true,
  plasticOutputs: ['output'],
  inferShapes(params, inputs) {
    const teach = inputs.teach;
    if (teach && flatWidth(teach) !== params.units) {
      const message = `input "teach" has shape ${formatShape(teach)} but the layer has ${params.units} outputs; set "units" to ${flatWidth(teach)} or feed it ${params.units} values.`;
      return { ok: false, issues: [{ port: 'teach', message }] };
    }
    return { ok: true, outputs: { output: [params.units] } };
  },
  countParameters(params, inputs) {
    const connections = (inputs.input ? flatWidth(inputs.input) : 0) * params.units;
    const alpha = params.alpha === 'perConnection' ? connections : 1;
    const eta = params.learnEta ? 1 : 0;
    return { trainable: connections + alpha + eta, plastic: alpha + eta, traceValues: connections };
  },
  build(params, ctx) {
    const { tf } = ctx;
    const m = flatWidth(ctx.inputShapes.input);
    const n = params.units;
    const w = ctx.parameter('w', [m, n], smallInit(params.wInit)) as tfjs.Variable<tfjs.Rank.R2>;
    const alpha =
      params.alpha === 'perConnection'
        ? ctx.parameter('alpha', [m, n], smallInit(params.alphaInit))
        : ctx.parameter('alpha', [1], { kind: 'constant', value: 0.01 });
    const eta = ctx.parameter('eta', [1], { kind: 'constant', value: params.etaInit }, { trainable: params.learnEta });
    const spec: PlasticSpec = {
      mode: 'feedforward',
      size: n,
      inputSize: m,
      plastic: true,
      rule: params.rule,
      alpha: params.alpha,
      learnEta: params.learnEta,
      activation: params.activation,
      inputMode: 'add',
      traceClip: null,
    };
    return {
      role: 'layer',
      forward({ input, teach }) {
        const [steps, batch] = input.shape;
        const pre = input.reshape([steps, batch, m]) as tfjs.Tensor3D;
        const drive = teach
          ? (tf.mul(teach.reshape([steps, batch, n]), params.teachGain) as tfjs.Tensor3D)
          : tf.zeros([steps, batch, n]) as tfjs.Tensor3D;
        return { output: ctx.kernels.sequence(spec, { drive, pre, w, alpha, eta }) };
      },
      stream(batchSize) {
        const values = { w: w.dataSync() as Float32Array, alpha: alpha.dataSync() as Float32Array, eta: eta.dataSync()[0] };
        const stepper = ctx.kernels.stepper(spec, values, batchSize);
        return {
          reset: () => stepper.reset(),
          step({ input, teach }) {
            // One step of [1, B, ...] flattens to [B, M] (and [B, N]) in the same order as forward's reshape.
            const pre = input.dataSync() as Float32Array;
            const drive = teach
              ? tf.tidy(() => tf.mul(teach, params.teachGain).dataSync() as Float32Array)
              : new Float32Array(batchSize * n);
            return { output: tf.tensor3d(stepper.step(drive, pre), [1, batchSize, n]) };
          },
          state: () => ({ hebb: stepper.trace() }),
          dispose() {},
        };
      },
    };
  },
});
