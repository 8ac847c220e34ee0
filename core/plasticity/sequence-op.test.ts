// The op inside ordinary tfjs programs (variables, optimizers, upstream ops), its input checks, and the
// stepper against the op's forward.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { plasticKernels } from './index.ts';
import { pendingTapeCount, sequenceForward, type Precision } from './kernel.ts';
import { createStepper } from './stepper.ts';
import { referenceSequence } from './reference.ts';
import type { PlasticSequenceInputs, PlasticSpec } from './spec.ts';
import { makeCase, makeCaseData, relativeError, type KernelCase } from './testing/cases.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type SequenceFn = (spec: PlasticSpec, inputs: PlasticSequenceInputs) => tf.Tensor3D;
const oracle: SequenceFn = (spec, inputs) => referenceSequence(tf, spec, inputs);

/**
 * A small model around the plastic layer: an upstream dense+tanh produces the presynaptic input
 * (feedforward) and the drive, and the loss reads the last step only, like the paper's tasks.
 */
function buildModel(testCase: KernelCase, prefix: string) {
  const { spec, steps, batch } = testCase;
  const { inputs } = makeCaseData(testCase);
  const n = spec.size;
  const m = spec.inputSize;
  const variables = {
    encoder: tf.variable(tf.randomNormal([5, m], 0, 0.5, 'float32', 7), true, `${prefix}/encoder`),
    w: tf.variable(tf.tensor2d(Float32Array.from(inputs.w), [m, n]), true, `${prefix}/w`),
    alpha: tf.variable(tf.tensor2d(Float32Array.from(inputs.alpha!), [m, n]), true, `${prefix}/alpha`),
    eta: tf.variable(tf.tensor1d([testCase.eta]), true, `${prefix}/eta`),
  };
  const raw = tf.randomNormal([steps, batch, 5], 0, 1, 'float32', 11);
  const drive = tf.tensor3d(Float32Array.from(inputs.drive), [steps, batch, n]);
  const target = tf.randomUniform([batch, n], -0.5, 0.5, 'float32', 13);
  const loss = (fn: SequenceFn) => () => {
    const pre = tf.tanh(tf.reshape(tf.matMul(tf.reshape(raw, [steps * batch, 5]), variables.encoder), [steps, batch, m])) as tf.Tensor3D;
    const post = fn(spec, { drive, pre, w: variables.w, alpha: variables.alpha, eta: variables.eta });
    const last = tf.reshape(tf.slice(post, [steps - 1, 0, 0], [1, batch, n]), [batch, n]);
    return tf.losses.meanSquaredError(target, last) as tf.Scalar;
  };
  return { variables, loss };
}

describe('sequence op in a tfjs program', () => {
  it('variableGrads through an upstream layer match the autodiff oracle', () => {
    const testCase = makeCase({ mode: 'feedforward', rule: 'oja', eta: 0.1, steps: 30 });
    const { variables, loss } = buildModel(testCase, 'grads');
    const fused = tf.variableGrads(loss(plasticKernels.sequence));
    const reference = tf.variableGrads(loss(oracle));
    expect(fused.value.dataSync()[0]).toBeCloseTo(reference.value.dataSync()[0], 5);
    for (const variable of Object.values(variables)) {
      const expected = reference.grads[variable.name].dataSync();
      expect(Math.max(...Array.from(expected, Math.abs)), variable.name).toBeGreaterThan(1e-4);
      expect(relativeError(fused.grads[variable.name].dataSync(), expected), variable.name).toBeLessThan(2e-4);
    }
    tf.dispose([fused.value, reference.value, ...Object.values(fused.grads), ...Object.values(reference.grads)]);
  });

  it('trains with an optimizer and leaks no tensors', () => {
    const testCase = makeCase({ mode: 'feedforward', eta: 0.1, steps: 20 });
    const { variables, loss } = buildModel(testCase, 'train');
    const optimizer = tf.train.adam(0.02);
    const objective = loss(plasticKernels.sequence);
    const first = tf.tidy(() => objective().dataSync()[0]);
    const etaBefore = variables.eta.dataSync()[0];
    optimizer.minimize(objective); // Adam creates its slot variables on the first step.
    const tensorsBefore = tf.memory().numTensors;
    for (let step = 0; step < 29; step++) optimizer.minimize(objective);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const last = tf.tidy(() => objective().dataSync()[0]);
    expect(last).toBeLessThan(0.5 * first);
    expect(variables.eta.dataSync()[0]).not.toBe(etaBefore);
  });

  it('gives its working memory back at once when no gradient is recorded (evaluation), and not when one is', () => {
    const testCase = makeCase({ mode: 'feedforward', eta: 0.1, steps: 12 });
    const { variables, loss } = buildModel(testCase, 'forward-only');
    const objective = loss(plasticKernels.sequence);
    const before = pendingTapeCount();
    for (let k = 0; k < 5; k++) tf.tidy(() => objective().dataSync());
    expect(pendingTapeCount()).toBe(before);
    const grads = tf.tidy(() => tf.variableGrads(objective, [variables.w]).grads[variables.w.name].dataSync());
    expect(grads.some((g) => g !== 0)).toBe(true);
    expect(pendingTapeCount()).toBe(before);
  });

  it('rejects tensors of the wrong shape, naming the input', () => {
    const spec = makeCase({}).spec;
    const drive = tf.zeros([4, 2, 8]) as tf.Tensor3D;
    const w = tf.zeros([8, 8]) as tf.Tensor2D;
    const alpha = tf.zeros([8, 8]);
    const eta = tf.zeros([1]);
    expect(() => plasticKernels.sequence(spec, { drive, w: tf.zeros([8, 7]) as tf.Tensor2D, alpha, eta })).toThrow(/'w' has shape \[8, 7\], expected \[8, 8\]/);
    expect(() => plasticKernels.sequence(spec, { drive, w, alpha: tf.zeros([1]), eta })).toThrow(/'alpha' has shape \[1\], expected \[8, 8\]/);
    expect(() => plasticKernels.sequence(spec, { drive, w, alpha })).toThrow(/'eta' is missing/);
    expect(() => plasticKernels.sequence(spec, { drive: tf.zeros([4, 8]) as unknown as tf.Tensor3D, w, alpha, eta })).toThrow(/'drive' must be \[T, B, N=8\]/);
    expect(() => plasticKernels.sequence({ ...spec, mode: 'feedforward', inputSize: 8 }, { drive, w, alpha, eta })).toThrow(/'pre' is missing/);
  });
});

describe('stepper', () => {
  const cases = [
    makeCase({ inputMode: 'clamp', eta: 0.5, steps: 30 }),
    makeCase({ rule: 'oja', mode: 'feedforward', traceClip: 0.2, alpha: 'shared', eta: 0.5, steps: 30 }),
    makeCase({ activation: 'softmax', rule: 'oja', eta: 0.1, steps: 30 }),
    makeCase({ plastic: false, steps: 30 }),
  ];
  // plasticKernels' stepper is float32, like its op; createStepper alone defaults to float64, like the kernel.
  const steppers: [Precision, (testCase: KernelCase, params: { w: Float32Array; alpha?: Float32Array; eta?: number }) => ReturnType<typeof createStepper>][] = [
    ['float32', (testCase, params) => plasticKernels.stepper(testCase.spec, params, testCase.batch)],
    ['float64', (testCase, params) => createStepper(testCase.spec, params, testCase.batch)],
  ];
  for (const testCase of cases)
    for (const [precision, makeStepper] of steppers) {
      it(`matches the sequence forward (${precision}): ${testCase.name}`, () => {
        const { spec, steps, batch } = testCase;
        const n = spec.size;
        const m = spec.inputSize;
        const { inputs } = makeCaseData(testCase);
        const f32 = {
          drive: Float32Array.from(inputs.drive),
          pre: inputs.pre && Float32Array.from(inputs.pre),
          w: Float32Array.from(inputs.w),
          alpha: inputs.alpha && Float32Array.from(inputs.alpha),
          eta: inputs.eta === undefined ? undefined : Math.fround(inputs.eta),
        };
        const expected = Float32Array.from(sequenceForward(spec, { steps, batch }, f32, { precision }).post);
        const stepper = makeStepper(testCase, { w: f32.w, alpha: f32.alpha, eta: f32.eta });
        for (let episode = 0; episode < 2; episode++) {
          stepper.reset();
          const actual = new Float32Array(steps * batch * n);
          for (let t = 0; t < steps; t++) {
            const drive = f32.drive.subarray(t * batch * n, (t + 1) * batch * n);
            const pre = f32.pre?.subarray(t * batch * m, (t + 1) * batch * m);
            actual.set(stepper.step(drive, pre), t * batch * n);
          }
          expect(actual).toEqual(expected);
        }
      });
    }

  it('checks its inputs', () => {
    const { spec } = makeCase({});
    expect(() => plasticKernels.stepper(spec, { w: new Float32Array(64) }, 1)).toThrow(/'alpha' has undefined values, expected 64/);
    const stepper = plasticKernels.stepper(spec, { w: new Float32Array(64), alpha: new Float32Array(64), eta: 0.1 }, 2);
    expect(() => stepper.step(new Float32Array(8))).toThrow(/drive has 8 values, expected \[B=2, N=8\] = 16/);
  });
});
