// The sequence forward one step at a time, without gradients, for environment rollouts (the maze).
// It runs the same sweeps as `sequenceForward` with the same pending-update order, row blocks and
// precision, so its outputs equal the sequence forward's bit for bit (before the final conversion to
// float32), on the native sweeps or the JavaScript ones alike (their forward arithmetic is the same). It stays
// on the caller's thread: one step is too little work to share.
import { nativeKernels } from '../native/kernels.ts';
import { fillDecay, finishStep, startStep, type Precision } from './kernel.ts';
import type { PlasticSpec, PlasticStepper } from './spec.ts';
import { planBlocks } from './sweep-commands.js';
import { forwardSweep, plainForwardSweep } from './trace-sweeps.js';

export interface StepperParams {
  w: Float32Array | Float64Array;
  alpha?: Float32Array | Float64Array;
  eta?: number;
}

export function createStepper(spec: PlasticSpec, params: StepperParams, batchSize: number, options: { precision?: Precision } = {}): PlasticStepper {
  const where = 'plastic stepper';
  const n = spec.size;
  const recurrent = spec.mode === 'recurrent';
  const m = recurrent ? n : spec.inputSize;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${where}: batchSize must be a positive integer, got ${batchSize}`);
  if (recurrent && spec.inputSize !== n) throw new Error(`${where}: recurrent mode needs spec.inputSize (${spec.inputSize}) equal to spec.size (${n})`);
  if (params.w?.length !== m * n) throw new Error(`${where}: 'w' has ${params.w?.length} values, expected [M=${m}, N=${n}] = ${m * n}`);
  const Trace = options.precision === 'float32' ? Float32Array : Float64Array;
  const w = Trace.from(params.w);
  const alpha = new Trace(spec.plastic ? m * n : 0);
  let eta = 0;
  if (spec.plastic) {
    const alphaLength = spec.alpha === 'shared' ? 1 : m * n;
    if (params.alpha?.length !== alphaLength) throw new Error(`${where}: 'alpha' has ${params.alpha?.length} values, expected ${alphaLength}`);
    if (typeof params.eta !== 'number' || !Number.isFinite(params.eta)) throw new Error(`${where}: 'eta' must be a finite number, got ${params.eta}`);
    if (spec.alpha === 'shared') alpha.fill(params.alpha[0]);
    else alpha.set(params.alpha);
    eta = params.eta;
  }
  const clip = spec.traceClip ?? Infinity;
  const batch = batchSize;
  const bn = batch * n;
  const bm = batch * m;

  const trace = new Trace(spec.plastic ? bm * n : 0);
  const sweeps = nativeKernels() ?? { forwardSweep, plainForwardSweep };
  const { blockRows, blocks } = planBlocks(m, n, batch);
  const part = new Float64Array(bn);
  const preCur = new Float64Array(bm);
  const prevPre = new Float64Array(bm);
  const prevPost = new Float64Array(bn);
  const decay = new Float64Array(bn);
  const drive = new Float64Array(bn);
  const acc = new Float64Array(bn);
  const act = spec.inputMode === 'clamp' ? new Float64Array(bn) : null;
  const post = new Float64Array(bn);
  let stepIndex = 0;

  return {
    reset() {
      trace.fill(0);
      prevPre.fill(0);
      prevPost.fill(0);
      stepIndex = 0;
    },
    step(driveValues: Float32Array, preValues?: Float32Array): Float32Array {
      if (driveValues?.length !== bn) throw new Error(`${where}: drive has ${driveValues?.length} values, expected [B=${batch}, N=${n}] = ${bn}`);
      if (recurrent) {
        if (preValues) throw new Error(`${where}: 'pre' is only for feedforward mode`);
        preCur.set(prevPost);
      } else {
        if (preValues?.length !== bm) throw new Error(`${where}: pre has ${preValues?.length} values, expected [B=${batch}, M=${m}] = ${bm}`);
        preCur.set(preValues);
      }
      drive.set(driveValues);
      startStep(spec, acc, drive, 0);
      if (spec.plastic) {
        // Block by block, summed in block order, as sequenceForward does.
        for (let block = 0; block < blocks; block++) {
          const i0 = block * blockRows;
          part.fill(0);
          sweeps.forwardSweep(m, n, batch, i0, Math.min(m, i0 + blockRows), trace, w, alpha, preCur, 0, part, 0, stepIndex >= 1, prevPre, 0, prevPost, 0, decay, 0, eta, clip);
          for (let k = 0; k < bn; k++) acc[k] += part[k];
        }
      } else {
        sweeps.plainForwardSweep(m, n, batch, w, preCur, 0, acc);
      }
      finishStep(spec, batch, acc, drive, 0, act ?? post, post, 0);
      if (spec.plastic) fillDecay(spec.rule, eta, post, 0, bn, decay);
      prevPre.set(preCur);
      prevPost.set(post);
      stepIndex++;
      return Float32Array.from(post);
    },
    trace() {
      return Float32Array.from(trace);
    },
  };
}
