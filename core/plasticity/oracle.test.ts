// The tfjs op built on the fused kernel against tfjs autodiff over the plain per-step equations
// (reference.ts), on the cpu backend: forward outputs and gradients for drive, pre, w, alpha and eta.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceSequence } from './reference.ts';
import { createSequenceOp } from './sequence-op.ts';
import type { PlasticSequenceInputs, PlasticSpec } from './spec.ts';
import { makeCase, makeCaseData, norm, relativeError, type KernelCase } from './testing/cases.ts';

const sequence = createSequenceOp(tf);
type SequenceFn = (spec: PlasticSpec, inputs: PlasticSequenceInputs) => tf.Tensor3D;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The case's inputs as tensors, in the order the gradients are reported. */
function tensorsOf(testCase: KernelCase) {
  const { inputs, lossWeights } = makeCaseData(testCase);
  const { spec, steps, batch } = testCase;
  const n = spec.size;
  const m = spec.mode === 'recurrent' ? n : spec.inputSize;
  const named: Record<string, tf.Tensor> = {
    drive: tf.tensor3d(Float32Array.from(inputs.drive), [steps, batch, n]),
    w: tf.tensor2d(Float32Array.from(inputs.w), [m, n]),
  };
  if (inputs.pre) named.pre = tf.tensor3d(Float32Array.from(inputs.pre), [steps, batch, m]);
  if (spec.plastic) {
    named.alpha = spec.alpha === 'shared' ? tf.tensor1d(Float32Array.from(inputs.alpha!)) : tf.tensor2d(Float32Array.from(inputs.alpha!), [m, n]);
    named.eta = tf.tensor1d([inputs.eta!]);
  }
  return { named, lossWeights: tf.tensor3d(Float32Array.from(lossWeights), [steps, batch, n]) };
}

/** Outputs and the gradients of Σ lossWeights ⊙ post with respect to every input. */
function evaluate(fn: SequenceFn, testCase: KernelCase) {
  const { named, lossWeights } = tensorsOf(testCase);
  const names = Object.keys(named);
  const result = tf.tidy(() => {
    const gradients = tf.grads((...xs: tf.Tensor[]) => {
      const inputs = Object.fromEntries(names.map((name, k) => [name, xs[k]])) as unknown as PlasticSequenceInputs;
      return tf.sum(tf.mul(fn(testCase.spec, inputs), lossWeights));
    })(names.map((name) => named[name]));
    const post = fn(testCase.spec, named as unknown as PlasticSequenceInputs);
    return { post: post.dataSync().slice(), gradients: Object.fromEntries(names.map((name, k) => [name, gradients[k].dataSync().slice()])) };
  });
  tf.dispose([...Object.values(named), lossWeights]);
  return result;
}

const oracle: SequenceFn = (spec, inputs) => referenceSequence(tf, spec, inputs);

function compareWithOracle(testCase: KernelCase): void {
  const expected = evaluate(oracle, testCase);
  const actual = evaluate(sequence, testCase);
  // The oracle runs in float32, the kernel in float64; observed differences are ≤ 3e-5.
  const tolerance = 2e-4;
  expect(relativeError(actual.post, expected.post), `${testCase.name}: post`).toBeLessThan(tolerance);
  for (const [name, gradient] of Object.entries(expected.gradients)) {
    if (name === 'eta' && !testCase.spec.learnEta) continue;
    expect(norm(gradient), `${testCase.name}: oracle gradient of ${name} is not trivially small`).toBeGreaterThan(1e-2);
    expect(relativeError(actual.gradients[name], gradient), `${testCase.name}: gradient of ${name}`).toBeLessThan(tolerance);
  }
}

describe('fused op vs tfjs autodiff oracle (cpu backend)', () => {
  const etas = [0.01, 0.1, 0.5];
  let index = 0;
  for (const rule of ['hebb', 'oja'] as const)
    for (const alpha of ['perConnection', 'shared'] as const)
      for (const mode of ['recurrent', 'feedforward'] as const)
        for (const inputMode of ['add', 'clamp'] as const) {
          const testCase = makeCase({ rule, alpha, mode, inputMode, eta: etas[index++ % 3] });
          it(testCase.name, () => compareWithOracle(testCase));
        }
  for (const testCase of [
    makeCase({ steps: 106, eta: 0.1 }),
    makeCase({ steps: 100, rule: 'oja', eta: 0.5 }),
    makeCase({ steps: 100, rule: 'oja', mode: 'feedforward', inputMode: 'clamp', eta: 0.5 }),
    makeCase({ steps: 100, alpha: 'shared', inputMode: 'clamp', eta: 0.01 }),
    makeCase({ activation: 'softmax', eta: 0.1 }),
    makeCase({ activation: 'softmax', rule: 'oja', mode: 'feedforward', inputMode: 'clamp', eta: 0.5 }),
    makeCase({ activation: 'linear', rule: 'oja', eta: 0.1, steps: 12 }),
    makeCase({ traceClip: 0.2, eta: 0.5 }),
    makeCase({ traceClip: 0.1, rule: 'oja', mode: 'feedforward', inputMode: 'clamp', eta: 0.5 }),
    makeCase({ traceClip: 0.3, rule: 'oja', steps: 100, alpha: 'shared', eta: 0.1 }),
    makeCase({ plastic: false }),
    makeCase({ plastic: false, mode: 'feedforward', inputMode: 'clamp' }),
    // Steps that clamp every neuron (the trace-only sweeps), as in the natural-image episodes.
    makeCase({ steps: 60, inputMode: 'clamp', fullyClamped: true, eta: 0.1 }),
    makeCase({ steps: 60, alpha: 'shared', inputMode: 'clamp', fullyClamped: true, eta: 0.01 }),
    // Large enough for several row blocks and, on a multi-core machine, worker threads.
    makeCase({ size: 301, batch: 4, steps: 12, eta: 0.1 }),
    makeCase({ size: 300, mode: 'feedforward', inputSize: 299, batch: 4, steps: 12, rule: 'oja', inputMode: 'clamp', eta: 0.1 }),
  ]) {
    it(testCase.name, () => compareWithOracle(testCase));
  }

  it('returns a zero eta gradient when eta is not learned', () => {
    const testCase = makeCase({ learnEta: false, rule: 'oja', eta: 0.1 });
    compareWithOracle(testCase);
    const { gradients } = evaluate(sequence, testCase);
    expect(Array.from(gradients.eta)).toEqual([0]);
  });
});
