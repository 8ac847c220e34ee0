// The native sweeps (native/trace-sweeps.cc) against the JavaScript ones (trace-sweeps.js) they replace:
// forward, replay and ∂L/∂w bit for bit, the backward's sums at rounding level; then whole episodes through the
// kernel on both paths, the stepper on one path against the kernel on the other, and the binding's argument
// checks. The kernel's own tests (finite differences, the autodiff oracle, threads, replay exactness) run on the
// native path wherever the addon is built, so these tests tie the JavaScript path to them.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { nativeKernels, nativeKernelsStatus, type NativeKernels } from '../native/kernels.ts';
import { createRng } from '../util/random.ts';
import { sequenceBackward, sequenceForward, type Precision } from './kernel.ts';
import { createStepper } from './stepper.ts';
import { makeCase, makeCaseData, type KernelCase } from './testing/cases.ts';
import * as script from './trace-sweeps.js';

let native: NativeKernels;
beforeAll(() => {
  const loaded = nativeKernels();
  if (!loaded) throw new Error(`${nativeKernelsStatus()}: the native kernels' tests need them built (npm run build:native).`);
  native = loaded;
});

const savedSetting = process.env.PLASTICITY_NATIVE;
afterEach(() => {
  if (savedSetting === undefined) delete process.env.PLASTICITY_NATIVE;
  else process.env.PLASTICITY_NATIVE = savedSetting;
  vi.restoreAllMocks();
});

/** Runs `body` with the native kernels turned on or off (the loader reads the setting at each call). */
function onPath<T>(path: 'native' | 'script', body: () => T): T {
  process.env.PLASTICITY_NATIVE = path === 'native' ? '1' : '0';
  try {
    return body();
  } finally {
    delete process.env.PLASTICITY_NATIVE;
  }
}

type Traces = Float32Array | Float64Array;
const bytes = (values: Traces | Float64Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
const expectBitwise = (got: Traces, expected: Traces, what: string) => expect(bytes(got).equals(bytes(expected)), `${what} bitwise`).toBe(true);
function expectClose(got: ArrayLike<number>, expected: ArrayLike<number>, what: string, tolerance = 1e-12) {
  expect(got.length, what).toBe(expected.length);
  let scale = 1e-30;
  let worst = 0;
  for (let k = 0; k < expected.length; k++) scale = Math.max(scale, Math.abs(expected[k]));
  for (let k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs(got[k] - expected[k]));
  expect(worst / scale, what).toBeLessThan(tolerance);
}

// A block of rows [1, m) of an m × n layer: one group of four rows and a remainder (the JavaScript's two loop
// shapes), n not a multiple of four (the native vector loop and its scalar tail), two batch elements, zeros in
// pre (the forward's skipped rows), and a clip small enough to cut some traces.
const m = 7;
const n = 13;
const batch = 2;
const i0 = 1;
const eta = 0.3;

function sweepData(precision: Precision, seed: string) {
  const rng = createRng(seed);
  const vector = (length: number, scale = 1) => Float64Array.from({ length }, () => scale * rng.normal());
  const traces = (length: number, scale: number): Traces => (precision === 'float32' ? Float32Array.from(vector(length, scale)) : vector(length, scale));
  const pre = vector(3 * batch * m);
  pre.fill(0, batch * m, batch * m + 5); // step 1's first rows silent
  return {
    trace: traces(batch * m * n, 0.6), hPrev: traces(batch * m * n, 0.6), gTrace: traces(batch * m * n, 1),
    w: traces(m * n, 0.4), alpha: traces(m * n, 0.4), gAlpha: traces(m * n, 0.1),
    pre, post: vector(3 * batch * n), decay: Float64Array.from({ length: 3 * batch * n }, () => 1 - eta * rng.uniform()),
    acc: vector(2 * batch * n), gA: vector(2 * batch * n), byPost: vector(batch * n, 0.2), byEta: vector(batch * n, 0.5),
    trPreCur: vector(batch * m), trPost: vector(2 * batch * n), outerPre: vector(7 * m), outerG: vector(7 * n),
  };
}

const precisions: Precision[] = ['float32', 'float64'];
const clips = [Infinity, 0.5];

// Both native paths: vectorised (AVX2, every x86-64 machine these tests run on) and plain (what other CPUs run).
for (const vectorised of [true, false]) describe(`native sweeps, ${vectorised ? 'vectorised' : 'plain'} path, against trace-sweeps.js`, () => {
  beforeAll(() => {
    expect(native.sweepsVectorised(vectorised)).toBe(vectorised && process.arch === 'x64');
  });
  afterAll(() => native.sweepsVectorised(true));

  for (const precision of precisions) {
    for (const clip of clips) {
      const label = `${precision}, clip ${clip}`;
      it(`forward (with and without the pending update) and replay, bit for bit: ${label}`, () => {
        for (const update of [true, false]) {
          const sides = [script, native].map((sweeps) => {
            const d = sweepData(precision, `forward ${label}`);
            // Step 1 (pre offset one step in) after step 0 (the update's operands), accumulators offset too.
            sweeps.forwardSweep(m, n, batch, i0, m, d.trace, d.w, d.alpha, d.pre, batch * m, d.acc, batch * n, update, d.pre, 0, d.post, batch * n, d.decay, batch * n, eta, clip);
            sweeps.traceUpdateSweep(m, n, batch, i0, m, d.trace, d.hPrev, d.pre, 2 * batch * m, d.post, 2 * batch * n, d.decay, 0, eta, clip);
            sweeps.traceUpdateSweep(m, n, batch, 0, m, d.hPrev, d.hPrev, d.pre, 0, d.post, 0, d.decay, batch * n, eta, clip);
            return d;
          });
          const [js, cc] = sides;
          expectBitwise(cc.trace, js.trace, `${label} update=${update}: trace`);
          expectBitwise(cc.acc, js.acc, `${label} update=${update}: pre-activation`);
          expectBitwise(cc.hPrev, js.hPrev, `${label} update=${update}: replayed trace`);
          if (clip !== Infinity && update) expect(cc.trace.some((h) => Math.abs(h) === clip), 'the clip cuts some traces').toBe(true);
        }
      });

      it(`backward and its trace-only variant at rounding level, per-element gradients bit for bit: ${label}`, () => {
        for (const traceOnly of [false, true]) {
          for (const hasPrevStep of [true, false]) {
            const results = [script, native].map((sweeps) => {
              const d = sweepData(precision, `backward ${label}`);
              const gPre = new Float64Array(batch * m);
              const trPrePrev = new Float64Array(batch * m);
              const tail = [
                d.trPreCur, gPre, hasPrevStep, d.pre, 0, d.post, batch * n, d.decay, 2 * batch * n, d.byPost, d.byEta, d.trPost, batch * n, trPrePrev,
                'oja', eta, clip,
              ] as const;
              const etaGrad = traceOnly
                ? sweeps.backwardSweepTraceOnly(m, n, batch, i0, m, d.hPrev, d.gTrace, d.decay, batch * n, ...tail)
                : sweeps.backwardSweep(m, n, batch, i0, m, d.trace, d.hPrev, d.gTrace, d.w, d.alpha, d.gAlpha, d.pre, batch * m, d.gA, batch * n, d.decay, batch * n, ...tail);
              return { d, gPre, trPrePrev, etaGrad };
            });
            const [js, cc] = results;
            const what = `${label}, ${traceOnly ? 'trace only' : 'full'}, ${hasPrevStep ? 't ≥ 1' : 't = 0'}`;
            expectBitwise(cc.d.gTrace, js.d.gTrace, `${what}: trace gradient`);
            expectBitwise(cc.d.gAlpha, js.d.gAlpha, `${what}: alpha gradient`);
            expectClose(cc.gPre, js.gPre, `${what}: ∂L/∂pre`);
            expectClose(cc.trPrePrev, js.trPrePrev, `${what}: ∂L/∂pre of the step before`);
            expectClose(cc.d.trPost, js.d.trPost, `${what}: ∂L/∂post of the step before`);
            expectClose([cc.etaGrad], [js.etaGrad], `${what}: ∂L/∂eta`);
            if (hasPrevStep) expect(Math.abs(js.etaGrad), `${what}: ∂L/∂eta is not trivially zero`).toBeGreaterThan(1e-3);
          }
        }
      });
    }

    it(`∂L/∂w over many time rows, bit for bit: ${precision}`, () => {
      const [js, cc] = [script, native].map((sweeps) => {
        const d = sweepData(precision, `outer ${precision}`);
        // Six time rows from offset one row in: a group of four (row 2 silent in all four: skipped) and two
        // single rows (row 3 silent in the fifth).
        for (let t = 0; t < 4; t++) d.outerPre[(t + 1) * m + 2] = 0;
        d.outerPre[5 * m + 3] = 0;
        sweeps.accumulateOuterProducts(m, n, 6, i0, m, d.outerPre, m, d.outerG, n, d.w, new Float64Array(n));
        return d;
      });
      expectBitwise(cc.w, js.w, `${precision}: ∂L/∂w`);
    });

    it(`a non-plastic layer's step: forward bit for bit, input gradient at rounding level: ${precision}`, () => {
      const [js, cc] = [script, native].map((sweeps) => {
        const d = sweepData(precision, `plain ${precision}`);
        const gPre = new Float64Array(batch * m);
        sweeps.plainForwardSweep(m, n, batch, d.w, d.pre, batch * m, d.acc); // step 1's pre: some inputs silent
        sweeps.plainBackwardSweep(m, n, batch, d.w, d.gA, batch * n, gPre);
        return { acc: d.acc, gPre };
      });
      expectBitwise(cc.acc, js.acc, `${precision}: pre-activation`);
      expectClose(cc.gPre, js.gPre, `${precision}: ∂L/∂pre`);
    });
  }
});

describe('the plastic kernel on the native sweeps', () => {
  const cases: KernelCase[] = [
    makeCase({ rule: 'oja', size: 13, steps: 20, batch: 2, eta: 0.1 }),
    makeCase({ rule: 'hebb', traceClip: 0.3, size: 9, steps: 16, eta: 0.5 }),
    makeCase({ mode: 'feedforward', rule: 'oja', inputMode: 'clamp', fullyClamped: true, inputSize: 7, size: 10, steps: 15, eta: 0.3 }),
    makeCase({ alpha: 'shared', size: 6, steps: 12, batch: 1 }),
    makeCase({ plastic: false, size: 11, steps: 14, batch: 2 }),
  ];
  for (const testCase of cases) {
    for (const precision of precisions) {
      it(`outputs bit for bit and gradients at rounding level against the JavaScript path (${precision}): ${testCase.name}`, () => {
        const { spec, steps, batch } = testCase;
        const { inputs, lossWeights } = makeCaseData(testCase);
        const run = () => {
          const { post, tape } = sequenceForward(spec, { steps, batch }, inputs, { precision, segmentLength: 5 });
          return { post, gradients: sequenceBackward(tape, lossWeights) };
        };
        const js = onPath('script', run);
        const sweepNames = ['forwardSweep', 'backwardSweep', 'backwardSweepTraceOnly', 'traceUpdateSweep', 'plainForwardSweep', 'plainBackwardSweep'] as const;
        const calls = sweepNames.map((name) => vi.spyOn(native, name));
        const cc = onPath('native', run);
        expect(calls.reduce((sum, spy) => sum + spy.mock.calls.length, 0), 'the native sweeps ran (a forward and a backward sweep per step at least)').toBeGreaterThanOrEqual(2 * steps);
        expectBitwise(cc.post, js.post, 'outputs');
        // float32 traces round the trace gradient at each step, so a last-bit difference can move one ulp of float32.
        const tolerance = precision === 'float32' ? 1e-5 : 1e-10;
        for (const name of ['drive', 'pre', 'w', 'alpha'] as const) {
          const [got, expected] = [cc.gradients[name], js.gradients[name]];
          expect(got === undefined, name).toBe(expected === undefined);
          if (got && expected) expectClose(got, expected, `∂L/∂${name}`, tolerance);
        }
        expectClose([cc.gradients.eta], [js.gradients.eta], '∂L/∂eta', tolerance);
      });
    }
  }

  it("keeps the stepper's rollout and the kernel's replay equal across paths (stepper in JavaScript, kernel native)", () => {
    const testCase = makeCase({ rule: 'oja', size: 13, steps: 25, batch: 2, eta: 0.2, traceClip: 0.4 });
    const { spec, steps, batch } = testCase;
    const { inputs } = makeCaseData(testCase);
    const drive = Float32Array.from(inputs.drive);
    const params = { w: Float32Array.from(inputs.w), alpha: Float32Array.from(inputs.alpha!), eta: Math.fround(inputs.eta!) };
    const stepper = onPath('script', () => createStepper(spec, params, batch, { precision: 'float32' }));
    const bn = batch * spec.size;
    const rollout = new Float32Array(steps * bn);
    for (let t = 0; t < steps; t++) rollout.set(stepper.step(drive.subarray(t * bn, (t + 1) * bn)), t * bn);
    const replay = onPath('native', () => sequenceForward(spec, { steps, batch }, { drive, ...params }, { precision: 'float32' }).post);
    expectBitwise(Float32Array.from(replay), rollout, 'outputs');
  });
});

describe('native sweeps: argument checks', () => {
  const d = () => sweepData('float32', 'arguments');
  it('names the function and the argument that is short, of the wrong type, or out of range', () => {
    const a = d();
    expect(() => native.traceUpdateSweep(m, n, batch, 0, m, a.trace, a.hPrev.subarray(1), a.pre, 0, a.post, 0, a.decay, 0, eta, Infinity)).toThrow(
      /^traceUpdateSweep: to has 181 values, needs 182$/,
    );
    expect(() => native.traceUpdateSweep(m, n, batch, 0, m, a.trace, Float64Array.from(a.hPrev), a.pre, 0, a.post, 0, a.decay, 0, eta, Infinity)).toThrow(
      /traceUpdateSweep: to must have the same precision as the call's other trace-sized arrays/,
    );
    expect(() => native.traceUpdateSweep(m, n, batch, 0, m, a.trace, a.hPrev, a.pre, 0, a.post, 3 * batch * n - 1, a.decay, 0, eta, Infinity)).toThrow(
      /traceUpdateSweep: post has 78 values, the rows need 103 \(offset 77 \+ 26\)/,
    );
    expect(() => native.forwardSweep(m, n, batch, 2, m + 1, a.trace, a.w, a.alpha, a.pre, 0, a.acc, 0, true, a.pre, 0, a.post, 0, a.decay, 0, eta, Infinity)).toThrow(
      /forwardSweep: rows \[2, 8\) are not within \[0, m = 7\]/,
    );
    expect(() => native.accumulateOuterProducts(m, n, 6, 0, m, Float32Array.from(a.outerPre) as unknown as Float64Array, 0, a.outerG, 0, a.w, new Float64Array(n))).toThrow(
      /accumulateOuterProducts: pre must be a Float64Array/,
    );
    const call = native.backwardSweep as unknown as (...args: unknown[]) => number;
    expect(() => call(m, n, batch, 0, m)).toThrow(/backwardSweep: takes 34 arguments, got 5/);
    expect(() => native.forwardSweep(m, n, batch, 0, m, a.trace, a.w, a.alpha, a.pre, 0, a.acc, 0, 1 as unknown as boolean, a.pre, 0, a.post, 0, a.decay, 0, eta, Infinity)).toThrow(
      /forwardSweep: update must be a boolean/,
    );
  });
});
