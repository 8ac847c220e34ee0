// Public face of the plastic kernels.
export type { PlasticKernels, PlasticSpec, PlasticSequenceInputs, PlasticStepper, PlasticityRule } from './spec.ts';
