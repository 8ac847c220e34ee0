// Public face of the plastic kernels.
import * as tf from '@tensorflow/tfjs';
import type { KernelOptions } from './kernel.ts';
import { createSequenceOp } from './sequence-op.ts';
import type { PlasticKernels } from './spec.ts';
import { createStepper } from './stepper.ts';

export type { PlasticKernels, PlasticSpec, PlasticSequenceInputs, PlasticStepper, PlasticityRule } from './spec.ts';
export {
  sequenceForward,
  sequenceBackward,
  validateKernelInputs,
  type ForwardResult,
  type ForwardTape,
  type KernelGradients,
  type KernelInputs,
  type KernelOptions,
  type KernelShape,
  type Precision,
} from './kernel.ts';
export { planCheckpoints, traceMemoryBytes, type CheckpointPlan } from './checkpoints.ts';
export { createSequenceOp, validateSequenceInputs } from './sequence-op.ts';
export { createStepper, type StepperParams } from './stepper.ts';
export { defaultThreadCount } from './thread-pool.ts';
export { referenceSequence } from './reference.ts';

/**
 * The kernels on a given tfjs instance (its active backend is the caller's choice). Trace-sized arrays are
 * float32 unless options.precision says otherwise; the stepper uses the same precision as the op, so a
 * rollout sees the network it was trained as.
 */
export function createPlasticKernels(tfLib: typeof tf, options: KernelOptions = {}): PlasticKernels {
  const precision = options.precision ?? 'float32';
  return {
    sequence: createSequenceOp(tfLib, { ...options, precision }),
    stepper: (spec, params, batchSize) => createStepper(spec, params, batchSize, { precision }),
  };
}

export const plasticKernels: PlasticKernels = createPlasticKernels(tf);
