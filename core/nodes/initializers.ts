// Named initialisations used by node params (the authors' code; docs/experiments.md), mapped to the contract's Initializer.
import { z } from 'zod';
import type { Initializer } from './kind.ts';

/** The paper's small inits for w and alpha: 'normal' = 0.01·N(0,1), 'uniform' = 0.01·U[0,1). */
export const SmallInitSchema = z.enum(['normal', 'uniform']);
export type SmallInit = z.infer<typeof SmallInitSchema>;

export function smallInit(kind: SmallInit): Initializer {
  return kind === 'normal' ? { kind: 'normal', std: 0.01 } : { kind: 'uniform', low: 0, high: 0.01 };
}

/** PyTorch's default for nn.Linear / nn.LSTM weights and biases: U(±1/sqrt(fan)). */
export function pytorchDefaultInit(fan: number): Initializer {
  const bound = 1 / Math.sqrt(fan);
  return { kind: 'uniform', low: -bound, high: bound };
}
