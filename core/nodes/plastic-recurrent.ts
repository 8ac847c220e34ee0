// A fully recurrent layer whose connections are plastic (Miconi et al. 2018, §3): each step
//   post_t = tanh( post_{t-1} · (w + alpha ⊙ Hebb) + gain · drive_t )
// and the Hebbian trace then learns from (post_{t-1}, post_t). w, alpha and eta train; Hebb is episode state.
// The whole episode runs as one fused kernel (core/plasticity) with hand-written backprop through time.
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import type { PlasticSpec, PlasticStepper } from '../plasticity/spec.ts';
import { type ArrayStream, defineNodeKind, type LayerStream, type Shape, type ShapeResult } from './kind.ts';
import { SmallInitSchema, smallInit } from './initializers.ts';
import { flatWidth, formatShape } from './shape-helpers.ts';

export const PlasticRecurrentParams = z.object({
  size: z.number().int().min(1).max(10_000).default(1001).describe('Number of neurons N (the connection matrices are N×N).'),
  rule: z
    .enum(['hebb', 'oja'])
    .default('hebb')
    .describe('Trace update: "hebb" = decaying average of pre·post (Eq. 2); "oja" = Oja’s rule (Eq. 3).'),
  alpha: z
    .enum(['perConnection', 'shared'])
    .default('perConnection')
    .describe('How much plasticity each connection has: its own learned alpha, or one alpha shared by all (“homogeneous”).'),
  learnEta: z.boolean().default(true).describe('Learn the plasticity rate eta by backpropagation; off: keep it at its initial value.'),
  etaInit: z.number().gt(0).lt(1).default(0.01).describe('Initial plasticity rate eta, shared by all connections.'),
  wInit: SmallInitSchema.default('normal').describe('Initial fixed weights w: "normal" = 0.01·N(0,1), "uniform" = 0.01·U[0,1).'),
  alphaInit: SmallInitSchema.default('normal').describe(
    'Initial per-connection alpha: "normal" = 0.01·N(0,1), "uniform" = 0.01·U[0,1). A shared alpha starts at 0.01.',
  ),
  inputMode: z
    .enum(['add', 'clamp'])
    .default('add')
    .describe('"add": the drive (times inputGain) is added before tanh; "clamp": a non-zero drive sets the neuron’s output.'),
  inputGain: z.number().min(0).max(10_000).default(20).describe('Multiplies the drive in "add" mode (the paper uses 20 to saturate tanh).'),
  plasticSelfConnections: z
    .boolean()
    .default(true)
    .describe('Let each neuron’s connection to itself be plastic (the paper’s equations). Off: those alphas are held at zero, as some versions of the authors’ code do.'),
  traceClip: z.number().min(0).max(1000).default(0).describe('Clip the Hebbian trace to ±traceClip after each update; 0 = no clipping (the paper).'),
});
export type PlasticRecurrentParams = z.infer<typeof PlasticRecurrentParams>;

export const PlasticRecurrent = defineNodeKind<PlasticRecurrentParams>({
  kind: 'PlasticRecurrent',
  title: 'Plastic recurrent layer',
  category: 'plastic',
  description:
    'Recurrent tanh neurons whose connections change during the episode by a learned Hebbian rule (differentiable plasticity).',
  inputs: [{ name: 'drive', description: 'Per-neuron input at each step; its width must equal the number of neurons.' }],
  outputs: [{ name: 'output', description: 'The neurons’ activations at each step.' }],
  params: PlasticRecurrentParams,
  stateful: true,
  plasticOutputs: ['output'],
  inferShapes: (params, inputs) => inferRecurrentShapes(params.size, inputs),
  countParameters(params) {
    const n2 = params.size * params.size;
    const alpha = params.alpha === 'perConnection' ? n2 : 1;
    const eta = params.learnEta ? 1 : 0;
    return { trainable: n2 + alpha + eta, plastic: alpha + eta, traceValues: n2 };
  },
  build(params, ctx) {
    const { tf } = ctx;
    const n = params.size;
    const w = ctx.parameter('w', [n, n], smallInit(params.wInit)) as tfjs.Variable<tfjs.Rank.R2>;
    const alpha =
      params.alpha === 'perConnection'
        ? ctx.parameter('alpha', [n, n], smallInit(params.alphaInit))
        : ctx.parameter('alpha', [1], { kind: 'constant', value: 0.01 });
    const eta = ctx.parameter('eta', [1], { kind: 'constant', value: params.etaInit }, { trainable: params.learnEta });
    const spec: PlasticSpec = {
      mode: 'recurrent',
      size: n,
      inputSize: n,
      plastic: true,
      rule: params.rule,
      alpha: params.alpha,
      learnEta: params.learnEta,
      activation: 'tanh',
      inputMode: params.inputMode,
      traceClip: params.traceClip > 0 ? params.traceClip : null,
    };
    const selfMask = params.alpha === 'perConnection' && !params.plasticSelfConnections ? tf.sub(1, tf.eye(n)) : null;
    const arrayStream = (batchSize: number) => {
      const effectiveAlpha = selfMask ? tf.mul(alpha, selfMask) : alpha;
      const values = { w: w.dataSync() as Float32Array, alpha: effectiveAlpha.dataSync() as Float32Array, eta: eta.dataSync()[0] };
      if (effectiveAlpha !== alpha) effectiveAlpha.dispose();
      return recurrentArrayStream(ctx.kernels.stepper(spec, values, batchSize), params, true);
    };
    return {
      role: 'layer',
      forward({ drive }) {
        // Masking (rather than zeroing after each step, as the authors' code does) keeps the diagonal's
        // gradient at exactly zero, so those alphas never matter.
        const effectiveAlpha = selfMask ? tf.mul(alpha, selfMask) : alpha;
        return { output: ctx.kernels.sequence(spec, { drive: prepareDrive(tf, drive, params), w, alpha: effectiveAlpha, eta }) };
      },
      arrayStream,
      stream: (batchSize) => recurrentStream(tf, arrayStream(batchSize), n, batchSize),
    };
  },
});

/** A recurrent layer (plastic or not) one step at a time on arrays: the kernels' stepper, which matches the sequence op's forward. */
export function recurrentArrayStream(stepper: PlasticStepper, params: { inputMode: 'add' | 'clamp'; inputGain: number }, plastic = false): ArrayStream {
  const gain = params.inputMode === 'add' ? params.inputGain : 1;
  return {
    reset: () => stepper.reset(),
    step: ({ drive }) => ({ output: stepper.step(gain === 1 ? drive : drive.map((v) => v * gain)) }),
    ...(plastic && { state: () => ({ hebb: stepper.trace() }) }),
  };
}

/** The same as tensors ([1, B, ...] per port), for streams that carry an episode between calls (exported models). */
export function recurrentStream(tf: typeof tfjs, arrays: ArrayStream, size: number, batchSize: number): LayerStream {
  return {
    reset: () => arrays.reset(),
    step: ({ drive }) => ({ output: tf.tensor3d(arrays.step({ drive: drive.dataSync() as Float32Array }).output, [1, batchSize, size]) }),
    dispose() {},
  };
}

/** Shape rule shared with the non-plastic Recurrent layer: the drive must have one value per neuron. */
export function inferRecurrentShapes(size: number, inputs: Record<string, Shape>): ShapeResult {
  const drive = inputs.drive;
  if (drive && flatWidth(drive) !== size) {
    const width = flatWidth(drive);
    const shown = drive.length > 1 ? ` (shape ${formatShape(drive)})` : '';
    return {
      ok: false,
      issues: [
        {
          port: 'drive',
          message: `input "drive" has width ${width}${shown} but the layer has ${size} neurons; set "size" to ${width} or feed it ${size} values.`,
        },
      ],
    };
  }
  return { ok: true, outputs: { output: [size] } };
}

/** [T, B, ...] drive → [T, B, N], times the gain in 'add' mode (a clamping drive is used as given). */
export function prepareDrive(
  tf: typeof tfjs,
  drive: tfjs.Tensor,
  params: { size: number; inputMode: 'add' | 'clamp'; inputGain: number },
): tfjs.Tensor3D {
  const [steps, batch] = drive.shape;
  const flat = drive.reshape([steps, batch, params.size]) as tfjs.Tensor3D;
  return params.inputMode === 'add' && params.inputGain !== 1 ? tf.mul(flat, params.inputGain) : flat;
}
