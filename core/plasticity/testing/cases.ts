// Random, seeded episodes for the kernel tests: a spec plus flat inputs large enough that every gradient
// is far from zero (weights ~ 1/√M, drives of order 1, a third of the clamp drive set).
import type { KernelInputs } from '../kernel.ts';
import type { PlasticSpec } from '../spec.ts';
import { createRng } from '../../util/random.ts';

export interface KernelCase {
  name: string;
  spec: PlasticSpec;
  steps: number;
  batch: number;
  eta: number;
  /** Clamp mode: two steps in three clamp every neuron (as while an image is shown), the third a third of them. */
  fullyClamped?: boolean;
}

export interface CaseData {
  inputs: KernelInputs & { drive: Float64Array; w: Float64Array; pre?: Float64Array; alpha?: Float64Array };
  /** Weights of the test loss L = Σ lossWeights ⊙ post, [T, B, N]. */
  lossWeights: Float64Array;
}

export const baseSpec: PlasticSpec = {
  mode: 'recurrent',
  size: 8,
  inputSize: 8,
  plastic: true,
  rule: 'hebb',
  alpha: 'perConnection',
  learnEta: true,
  activation: 'tanh',
  inputMode: 'add',
  traceClip: null,
};

/** A case from overrides; feedforward cases get a presynaptic width of 6 so M ≠ N is exercised. */
export function makeCase(
  overrides: Partial<PlasticSpec> & { steps?: number; batch?: number; eta?: number; name?: string; fullyClamped?: boolean },
): KernelCase {
  const { steps = 24, batch = 3, eta = 0.1, name, fullyClamped, ...specOverrides } = overrides;
  const spec: PlasticSpec = { ...baseSpec, ...specOverrides };
  if (spec.mode === 'feedforward' && specOverrides.inputSize === undefined) spec.inputSize = 6;
  if (spec.mode === 'recurrent') spec.inputSize = spec.size;
  const label =
    name ??
    [spec.mode, spec.plastic ? spec.rule : 'nonplastic', spec.plastic ? `alpha=${spec.alpha}` : '', spec.activation, spec.inputMode,
      spec.traceClip === null ? '' : `clip=${spec.traceClip}`, fullyClamped ? 'fully clamped steps' : '', `eta=${eta}`, `T=${steps}`, `B=${batch}`]
      .filter(Boolean)
      .join(' ');
  return { name: label, spec, steps, batch, eta, fullyClamped };
}

export function makeCaseData(testCase: KernelCase, seed: number | string = testCase.name): CaseData {
  const rng = createRng(seed);
  const { spec, steps, batch } = testCase;
  const n = spec.size;
  const m = spec.mode === 'recurrent' ? n : spec.inputSize;
  const normal = (length: number, scale: number) => Float64Array.from({ length }, () => scale * rng.normal());
  const drive = normal(steps * batch * n, 1);
  if (spec.inputMode === 'clamp') {
    const perStep = batch * n;
    for (let k = 0; k < drive.length; k++) {
      const everyNeuron = testCase.fullyClamped && Math.floor(k / perStep) % 3 !== 2;
      drive[k] = everyNeuron || rng.uniform() < 0.35 ? (rng.uniform() < 0.5 ? -1 : 1) * (0.5 + rng.uniform()) : 0;
    }
  }
  // A linear recurrent layer has no squashing, so it gets weaker weights to keep T steps from exploding.
  const gain = spec.activation === 'linear' ? 0.5 : 1;
  const inputs: CaseData['inputs'] = { drive, w: normal(m * n, (gain * 1.2) / Math.sqrt(m)) };
  if (spec.mode === 'feedforward') inputs.pre = normal(steps * batch * m, 1);
  if (spec.plastic) {
    inputs.alpha = spec.alpha === 'shared' ? Float64Array.of(gain * 0.8) : normal(m * n, (gain * 1.5) / Math.sqrt(m));
    inputs.eta = testCase.eta;
  }
  return { inputs, lossWeights: normal(steps * batch * n, 1) };
}

/** The inputs rounded to float32, so a float32 oracle and the kernel see identical values. */
export function toFloat32Inputs(inputs: KernelInputs): KernelInputs {
  const round = (values: Float32Array | Float64Array | undefined) => (values ? Float32Array.from(values) : undefined);
  return {
    drive: Float32Array.from(inputs.drive),
    pre: round(inputs.pre),
    w: Float32Array.from(inputs.w),
    alpha: round(inputs.alpha),
    eta: inputs.eta === undefined ? undefined : Math.fround(inputs.eta),
  };
}

/** ‖a − b‖₂ / ‖b‖₂. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relativeError: lengths differ (${a.length} vs ${b.length})`);
  let diff = 0;
  let norm = 0;
  for (let k = 0; k < a.length; k++) {
    diff += (a[k] - b[k]) ** 2;
    norm += b[k] ** 2;
  }
  return Math.sqrt(diff) / Math.sqrt(norm);
}

export function norm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < values.length; k++) sum += values[k] ** 2;
  return Math.sqrt(sum);
}
