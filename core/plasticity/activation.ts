// The output nonlinearity of one step and its clamping, forward and backward, on one [N] vector.
//
//   act = σ(a)                  σ ∈ {tanh, softmax (over the N neurons), linear}
//   post[j] = drive[j] if clamping and drive[j] ≠ 0, else act[j]
//
// Backward, from gPost = ∂L/∂post:
//   clamped j:  ∂L/∂drive[j] = gPost[j] and nothing reaches act[j];
//   others:     gAct[j] = gPost[j], then
//     tanh:     ∂L/∂a = gAct ⊙ (1 − act²)
//     softmax:  ∂L/∂a = act ⊙ (gAct − Σ_k gAct[k]·act[k])   (clamped neurons still share the denominator)
//     linear:   ∂L/∂a = gAct
import type { PlasticSpec } from './spec.ts';

export type Activation = PlasticSpec['activation'];

/** act[0..n) = σ(a[0..n)) at the given offsets. */
export function activate(activation: Activation, a: Float64Array, aOff: number, act: Float64Array, actOff: number, n: number): void {
  if (activation === 'tanh') {
    for (let j = 0; j < n; j++) act[actOff + j] = Math.tanh(a[aOff + j]);
  } else if (activation === 'linear') {
    for (let j = 0; j < n; j++) act[actOff + j] = a[aOff + j];
  } else {
    // Subtracting the max keeps exp finite; it cancels in the ratio.
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, a[aOff + j]);
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.exp(a[aOff + j] - max);
      act[actOff + j] = e;
      sum += e;
    }
    for (let j = 0; j < n; j++) act[actOff + j] /= sum;
  }
}

/**
 * gA = ∂L/∂a given gAct = ∂L/∂act (clamped entries of gAct must already be zero). gA may alias gAct.
 */
export function activationBackward(
  activation: Activation,
  act: Float64Array,
  actOff: number,
  gAct: Float64Array,
  gActOff: number,
  gA: Float64Array,
  gAOff: number,
  n: number,
): void {
  if (activation === 'tanh') {
    for (let j = 0; j < n; j++) {
      const y = act[actOff + j];
      gA[gAOff + j] = gAct[gActOff + j] * (1 - y * y);
    }
  } else if (activation === 'linear') {
    for (let j = 0; j < n; j++) gA[gAOff + j] = gAct[gActOff + j];
  } else {
    let dot = 0;
    for (let j = 0; j < n; j++) dot += gAct[gActOff + j] * act[actOff + j];
    for (let j = 0; j < n; j++) gA[gAOff + j] = act[actOff + j] * (gAct[gActOff + j] - dot);
  }
}
