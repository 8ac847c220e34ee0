// The fused kernel in float64: finite differences for every input, exactness of the checkpoint replay,
// bounded trace memory, and input validation.
import { describe, expect, it } from 'vitest';
import { planCheckpoints, traceMemoryBytes } from './checkpoints.ts';
import { sequenceBackward, sequenceForward, type KernelInputs } from './kernel.ts';
import { makeCase, makeCaseData, norm, type KernelCase } from './testing/cases.ts';
import { createRng } from '../util/random.ts';

type InputName = 'drive' | 'pre' | 'w' | 'alpha' | 'eta';

function lossOf(testCase: KernelCase, inputs: KernelInputs, lossWeights: Float64Array): number {
  const { post } = sequenceForward(testCase.spec, { steps: testCase.steps, batch: testCase.batch }, inputs);
  let loss = 0;
  for (let k = 0; k < post.length; k++) loss += post[k] * lossWeights[k];
  return loss;
}

/**
 * Central differences along random directions, compared with ⟨gradient, direction⟩. The tolerance is
 * relative to ‖gradient‖·‖direction‖, the largest the directional derivative can be.
 */
function checkFiniteDifferences(testCase: KernelCase, directionsPerInput = 2): void {
  const { inputs, lossWeights } = makeCaseData(testCase);
  const { tape } = sequenceForward(testCase.spec, { steps: testCase.steps, batch: testCase.batch }, inputs);
  const grads = sequenceBackward(tape, lossWeights);
  const rng = createRng(`${testCase.name}/directions`);
  const h = 1e-6;
  const names: InputName[] = ['drive', 'w'];
  if (testCase.spec.mode === 'feedforward') names.push('pre');
  if (testCase.spec.plastic) names.push('alpha', 'eta');
  for (const name of names) {
    for (let d = 0; d < directionsPerInput; d++) {
      if (name === 'eta') {
        const eta = inputs.eta!;
        const numeric = (lossOf(testCase, { ...inputs, eta: eta + h }, lossWeights) - lossOf(testCase, { ...inputs, eta: eta - h }, lossWeights)) / (2 * h);
        expect(Math.abs(numeric - grads.eta), `${testCase.name}: d/deta`).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(grads.eta), 1e-3));
        break;
      }
      const base = inputs[name] as Float64Array;
      const direction = Float64Array.from(base, () => rng.normal());
      // A clamped drive entry that is zero selects the unclamped branch; moving it would switch branches.
      if (name === 'drive' && testCase.spec.inputMode === 'clamp') base.forEach((v, k) => v === 0 && (direction[k] = 0));
      const shifted = (sign: number) => base.map((v, k) => v + sign * h * direction[k]);
      const numeric =
        (lossOf(testCase, { ...inputs, [name]: shifted(1) }, lossWeights) - lossOf(testCase, { ...inputs, [name]: shifted(-1) }, lossWeights)) / (2 * h);
      const gradient = grads[name] as Float64Array;
      let analytic = 0;
      for (let k = 0; k < gradient.length; k++) analytic += gradient[k] * direction[k];
      const scale = norm(gradient) * norm(direction);
      expect(scale, `${testCase.name}: gradient of ${name} is not trivially small`).toBeGreaterThan(1e-2);
      expect(Math.abs(numeric - analytic), `${testCase.name}: d/d${name} along direction ${d}`).toBeLessThanOrEqual(1e-6 * scale);
    }
  }
}

describe('fused kernel gradients match central finite differences (float64)', () => {
  const cases: KernelCase[] = [];
  const etas = [0.01, 0.1, 0.5];
  let index = 0;
  for (const rule of ['hebb', 'oja'] as const)
    for (const alpha of ['perConnection', 'shared'] as const)
      for (const mode of ['recurrent', 'feedforward'] as const)
        for (const inputMode of ['add', 'clamp'] as const) cases.push(makeCase({ rule, alpha, mode, inputMode, eta: etas[index++ % 3], steps: 16 }));
  cases.push(
    makeCase({ rule: 'oja', eta: 0.5, steps: 100, batch: 2 }),
    makeCase({ rule: 'hebb', mode: 'feedforward', inputMode: 'clamp', eta: 0.1, steps: 100, batch: 2 }),
    makeCase({ activation: 'softmax', eta: 0.1 }),
    makeCase({ activation: 'softmax', rule: 'oja', mode: 'feedforward', inputMode: 'clamp', alpha: 'shared', eta: 0.5 }),
    makeCase({ activation: 'linear', rule: 'oja', eta: 0.1, steps: 12 }),
    makeCase({ traceClip: 0.2, eta: 0.5 }),
    makeCase({ traceClip: 0.1, rule: 'oja', inputMode: 'clamp', eta: 0.5 }),
    makeCase({ traceClip: 0.15, rule: 'hebb', mode: 'feedforward', alpha: 'shared', eta: 0.1 }),
    makeCase({ plastic: false }),
    makeCase({ plastic: false, mode: 'feedforward', inputMode: 'clamp', activation: 'softmax' }),
    makeCase({ batch: 1, eta: 0.1 }),
    // Steps that clamp every neuron take the trace-only sweeps (fast Hebbian, general rule with clip, odd size).
    makeCase({ rule: 'hebb', inputMode: 'clamp', fullyClamped: true, eta: 0.1 }),
    makeCase({ rule: 'oja', inputMode: 'clamp', traceClip: 0.2, fullyClamped: true, eta: 0.5 }),
    makeCase({ size: 7, rule: 'hebb', mode: 'feedforward', inputSize: 5, inputMode: 'clamp', fullyClamped: true, eta: 0.1 }),
    // Odd sizes exercise the one-row tails of the two-row loops.
    makeCase({ size: 7, rule: 'oja', eta: 0.1 }),
    makeCase({ size: 7, mode: 'feedforward', inputSize: 5, inputMode: 'clamp', traceClip: 0.2, eta: 0.5 }),
    makeCase({ size: 9, mode: 'feedforward', inputSize: 7, eta: 0.1 }),
  );
  for (const testCase of cases) it(testCase.name, () => checkFiniteDifferences(testCase));

  it('clipping is active in the clipped cases (their outputs differ from unclipped runs)', () => {
    for (const testCase of cases.filter((c) => c.spec.traceClip !== null)) {
      const { inputs } = makeCaseData(testCase);
      const shape = { steps: testCase.steps, batch: testCase.batch };
      const clipped = sequenceForward(testCase.spec, shape, inputs).post;
      const free = sequenceForward({ ...testCase.spec, traceClip: null }, shape, inputs).post;
      let maxDiff = 0;
      for (let k = 0; k < clipped.length; k++) maxDiff = Math.max(maxDiff, Math.abs(clipped[k] - free[k]));
      expect(maxDiff, testCase.name).toBeGreaterThan(1e-2);
    }
  });

  it('learnEta false gives eta no gradient', () => {
    const testCase = makeCase({ learnEta: false, eta: 0.1 });
    const { inputs, lossWeights } = makeCaseData(testCase);
    const { tape } = sequenceForward(testCase.spec, { steps: testCase.steps, batch: testCase.batch }, inputs);
    const grads = sequenceBackward(tape, lossWeights);
    expect(grads.eta).toBe(0);
    expect(norm(grads.alpha!)).toBeGreaterThan(1e-2);
  });
});

describe('trace checkpointing', () => {
  it('replay is exact: every segment plan (equal, default, nested) gives bitwise the same outputs and gradients', () => {
    for (const testCase of [
      makeCase({ rule: 'oja', eta: 0.5, traceClip: 0.3, inputMode: 'clamp', steps: 37 }),
      makeCase({ rule: 'hebb', eta: 0.5, mode: 'feedforward', steps: 37 }),
    ]) {
      const { inputs, lossWeights } = makeCaseData(testCase);
      const shape = { steps: testCase.steps, batch: testCase.batch };
      const reference = sequenceForward(testCase.spec, shape, inputs, { segmentLength: testCase.steps });
      expect(reference.tape.checkpoints).toHaveLength(0);
      const referenceGrads = sequenceBackward(reference.tape, lossWeights);
      for (const options of [{ segmentLength: 1 }, { segmentLength: 2 }, { segmentLength: 5 }, { segmentLength: 6 }, {}, { traceBuffers: 4 }, { traceBuffers: 6 }]) {
        const label = JSON.stringify(options);
        const run = sequenceForward(testCase.spec, shape, inputs, options);
        expect(run.post).toEqual(reference.post);
        const grads = sequenceBackward(run.tape, lossWeights);
        for (const name of ['drive', 'pre', 'w', 'alpha'] as const) expect(grads[name], `${name}, ${label}`).toEqual(referenceGrads[name]);
        expect(grads.eta).toBe(referenceGrads.eta);
      }
    }
  });

  it('gives bitwise the same results with 1 or 2 threads, in both precisions (several row blocks, odd rows)', () => {
    for (const testCase of [
      makeCase({ size: 301, batch: 4, steps: 12, eta: 0.1 }),
      makeCase({ size: 301, batch: 4, steps: 12, rule: 'oja', traceClip: 0.05, inputMode: 'clamp', eta: 0.5 }),
      makeCase({ size: 301, batch: 4, steps: 12, inputMode: 'clamp', fullyClamped: true, eta: 0.1 }),
      makeCase({ size: 300, mode: 'feedforward', inputSize: 299, batch: 4, steps: 12, rule: 'oja', eta: 0.1 }),
    ]) {
      const { inputs, lossWeights } = makeCaseData(testCase);
      const shape = { steps: testCase.steps, batch: testCase.batch };
      for (const precision of ['float64', 'float32'] as const) {
        const runs = [1, 2].map((threads) => {
          const { post, tape } = sequenceForward(testCase.spec, shape, inputs, { threads, precision });
          return { post, grads: sequenceBackward(tape, lossWeights) };
        });
        expect(runs[1].post, `${testCase.name} ${precision}`).toEqual(runs[0].post);
        for (const name of ['drive', 'pre', 'w', 'alpha'] as const) expect(runs[1].grads[name], `${testCase.name} ${precision} ${name}`).toEqual(runs[0].grads[name]);
        expect(runs[1].grads.eta).toBe(runs[0].grads.eta);
        expect(norm(runs[0].grads.alpha!)).toBeGreaterThan(1e-2);
      }
    }
  });

  it('forward passes without a backward (evaluation) reuse a bounded set of workspaces, and an evicted tape says so', () => {
    const testCase = makeCase({ size: 64, steps: 10 });
    const { inputs, lossWeights } = makeCaseData(testCase);
    const shape = { steps: testCase.steps, batch: testCase.batch };
    const first = sequenceForward(testCase.spec, shape, inputs);
    const buffers = new Set<ArrayBufferLike>([first.tape.work.ws.buffer]);
    for (let k = 0; k < 40; k++) buffers.add(sequenceForward(testCase.spec, shape, inputs).tape.work.ws.buffer);
    // 8 pending tapes, and the cache of idle workspaces: far fewer than 41 buffers.
    expect(buffers.size).toBeLessThanOrEqual(12);
    expect(() => sequenceBackward(first.tape, lossWeights)).toThrow(/memory was reclaimed because 8 later forward passes ran before its backward pass/);
    // The latest forward pass still has its backward, equal to a fresh run's.
    const last = sequenceForward(testCase.spec, shape, inputs);
    const fresh = sequenceForward(testCase.spec, shape, inputs);
    expect(sequenceBackward(last.tape, lossWeights).w).toEqual(sequenceBackward(fresh.tape, lossWeights).w);
  });

  it('refuses to run a backward pass twice on one tape (its workspace is reused)', () => {
    const testCase = makeCase({});
    const { inputs, lossWeights } = makeCaseData(testCase);
    const { tape } = sequenceForward(testCase.spec, { steps: testCase.steps, batch: testCase.batch }, inputs);
    sequenceBackward(tape, lossWeights);
    expect(() => sequenceBackward(tape, lossWeights)).toThrow(/already run/);
  });

  it('keeps 9 traces for T = 106, not 106, replaying at most 1.75 trace updates per step', () => {
    const plan = planCheckpoints(106);
    expect(plan).toMatchObject({ segmentCount: 9, checkpointCount: 8, bufferCount: 9 });
    expect(plan.segmentStarts).toEqual([0, 36, 72, 85, 91, 96, 100, 103, 105]);
    expect(plan.segments[0].children?.map((c) => c.end - c.start)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(plan.replaySteps).toBeLessThanOrEqual(1.75 * 106);
    const testCase = makeCase({ steps: 106, batch: 2 });
    const { inputs, lossWeights } = makeCaseData(testCase);
    const { tape } = sequenceForward(testCase.spec, { steps: 106, batch: 2 }, inputs);
    expect(tape.plan).toEqual(plan);
    expect(tape.checkpoints).toHaveLength(8);
    const traceLength = 2 * 8 * 8;
    for (const checkpoint of tape.checkpoints) expect(checkpoint).toHaveLength(traceLength);
    sequenceBackward(tape, lossWeights);
    // N = 1001, B = 1: 10 trace-sized buffers (with the trace gradient) instead of 106; 4 MB each in float32.
    expect(traceMemoryBytes(plan, 1, 1001, 1001, 4) / 1e6).toBeLessThan(42);
  });

  it('every episode length runs within its plan, bitwise equal to plain segments, with few buffers', () => {
    const base = makeCase({ size: 3, batch: 1, rule: 'oja', eta: 0.3 });
    for (let steps = 1; steps <= 130; steps++) {
      const plan = planCheckpoints(steps);
      expect(plan.bufferCount, `T=${steps}`).toBeLessThanOrEqual(Math.sqrt(2 * steps) + 2);
      expect(plan.replaySteps, `T=${steps}`).toBeLessThanOrEqual(1.75 * steps);
      const covered: number[] = [];
      const walk = (segment: (typeof plan.segments)[number]) => {
        if (segment.children) segment.children.forEach(walk);
        else for (let t = segment.start; t < segment.end; t++) covered.push(t);
      };
      plan.segments.forEach(walk);
      expect(covered).toEqual(Array.from({ length: steps }, (_, t) => t));
      // Running it checks the buffer bookkeeping (the kernel throws if a plan asks for more than it has).
      const testCase = { ...base, steps, name: `T=${steps}` };
      const { inputs, lossWeights } = makeCaseData(testCase);
      const shape = { steps, batch: 1 };
      const planned = sequenceForward(testCase.spec, shape, inputs);
      const plain = sequenceForward(testCase.spec, shape, inputs, { segmentLength: steps });
      expect(planned.post).toEqual(plain.post);
      expect(sequenceBackward(planned.tape, lossWeights).alpha, `T=${steps}`).toEqual(sequenceBackward(plain.tape, lossWeights).alpha);
    }
  });
});

describe('input validation names the input', () => {
  const testCase = makeCase({ mode: 'feedforward' });
  const { inputs } = makeCaseData(testCase);
  const shape = { steps: testCase.steps, batch: testCase.batch };
  it.each([
    ['drive', { ...inputs, drive: inputs.drive.subarray(1) }, /'drive' has 575 values, expected \[T=24, B=3, N=8\]/],
    ['pre', { ...inputs, pre: undefined }, /'pre' is missing/],
    ['w', { ...inputs, w: new Float64Array(3) }, /'w' has 3 values, expected \[M=6, N=8\]/],
    ['alpha', { ...inputs, alpha: new Float64Array(1) }, /'alpha' has 1 values/],
    ['eta', { ...inputs, eta: Number.NaN }, /'eta' must be a finite number/],
  ])('%s', (_name, bad, message) => {
    expect(() => sequenceForward(testCase.spec, shape, bad as KernelInputs)).toThrow(message);
  });
  it('output gradient length', () => {
    const { tape } = sequenceForward(testCase.spec, shape, inputs);
    expect(() => sequenceBackward(tape, new Float64Array(5))).toThrow(/output gradient has 5 values/);
  });
});
