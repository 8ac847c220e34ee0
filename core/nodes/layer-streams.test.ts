// Stateful layers evaluated one step at a time (`stream`, used by exported models) must give what `forward`
// gives over the whole episode, carry their state between steps, and start over on reset.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { plasticKernels } from '../plasticity/index.ts';
import { createRng } from '../util/random.ts';
import { Dense } from './dense.ts';
import type { ArrayStream, BuiltLayer, LayerStream, NodeKind, Shape } from './kind.ts';
import { LSTM } from './lstm.ts';
import { PlasticDense } from './plastic-dense.ts';
import { PlasticRecurrent } from './plastic-recurrent.ts';
import { Recurrent } from './recurrent.ts';
import { testBuildContext } from './testing/build-context.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const steps = 7;
const batch = 2;

/** [T, B, ...shape] values from a seeded stream; `zeroFraction` of them exactly 0 (unclamped neurons in clamp mode). */
function sequence(shape: Shape, seed: string, zeroFraction = 0): tf.Tensor {
  const rng = createRng(seed);
  const size = steps * batch * shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: size }, () => (rng.uniform() < zeroFraction ? 0 : rng.normal()));
  return tf.tensor(values, [steps, batch, ...shape]);
}

/** Builds a layer with real kernels and parameters large enough that the state visibly matters. */
function buildLayer(kind: NodeKind, params: Record<string, unknown>, inputShapes: Record<string, Shape>): BuiltLayer {
  const ctx = { ...testBuildContext(tf, inputShapes, {}, kind.kind), kernels: plasticKernels };
  const built = kind.build(kind.params.parse(params), ctx);
  if (built.role !== 'layer') throw new Error(`${kind.kind} did not build a layer`);
  const rng = createRng(`values/${kind.kind}`);
  for (const [name, { variable }] of ctx.parameters) {
    const values = name === 'eta' ? [0.3] : Array.from({ length: variable.size }, () => 0.4 * rng.normal());
    variable.assign(tf.tensor(values, variable.shape));
  }
  return built;
}

/** Runs the stream over every step of `inputs`, returning the outputs stacked as [T, B, N]. */
function streamed(layer: BuiltLayer, stream: LayerStream, inputs: Record<string, tf.Tensor>): Float32Array[] {
  const out: Float32Array[] = [];
  for (let t = 0; t < steps; t++) {
    // Each step inside its own tidy, as the runtime does: the stream's state must survive it.
    const values = tf.tidy(() => {
      const step = Object.fromEntries(Object.entries(inputs).map(([port, x]) => [port, tf.slice(x, t, 1)]));
      const { output } = stream.step(step);
      expect(output.shape).toEqual([1, batch, output.shape[2]]);
      return output.dataSync() as Float32Array;
    });
    out.push(values);
  }
  expect(layer.stream).toBeDefined();
  return out;
}

function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((row, t) => row.forEach((value, i) => (worst = Math.max(worst, Math.abs(value - b[t][i])))));
  return worst;
}

const cases: { name: string; kind: NodeKind; params: Record<string, unknown>; inputs: () => Record<string, tf.Tensor> }[] = [
  {
    name: 'PlasticRecurrent (hebb, added drive, no plastic self-connections)',
    kind: PlasticRecurrent as NodeKind,
    params: { size: 6, rule: 'hebb', inputGain: 2, plasticSelfConnections: false },
    inputs: () => ({ drive: sequence([6], 'drive') }),
  },
  {
    name: 'PlasticRecurrent (oja, clamping drive, shared alpha, clipped trace)',
    kind: PlasticRecurrent as NodeKind,
    params: { size: 5, rule: 'oja', alpha: 'shared', inputMode: 'clamp', traceClip: 0.5 },
    inputs: () => ({ drive: sequence([5], 'clamp', 0.6) }),
  },
  {
    name: 'Recurrent',
    kind: Recurrent as NodeKind,
    params: { size: 6, inputGain: 1.5 },
    inputs: () => ({ drive: sequence([2, 3], 'plain') }),
  },
  {
    name: 'PlasticDense (with a teaching input)',
    kind: PlasticDense as NodeKind,
    params: { units: 3, rule: 'oja', activation: 'softmax', teachGain: 5 },
    inputs: () => ({ input: sequence([4], 'pre'), teach: sequence([3], 'teach', 0.5) }),
  },
  {
    name: 'PlasticDense (no teaching input)',
    kind: PlasticDense as NodeKind,
    params: { units: 3, rule: 'hebb', activation: 'tanh' },
    inputs: () => ({ input: sequence([4], 'pre') }),
  },
  {
    name: 'LSTM (clamping trick)',
    kind: LSTM as NodeKind,
    params: { hiddenSize: 5, inputGain: 3, clampTrick: true },
    inputs: () => ({ input: sequence([3], 'lstm') }),
  },
];

describe('layer streams', () => {
  for (const c of cases) {
    it(`${c.name}: step by step equals forward, and reset starts the episode over`, () => {
      const inputs = c.inputs();
      const shapes = Object.fromEntries(Object.entries(inputs).map(([port, x]) => [port, x.shape.slice(2)]));
      const layer = buildLayer(c.kind, c.params, shapes);
      const whole = layer.forward(inputs).output;
      const expected = (tf.unstack(whole) as tf.Tensor[]).map((x) => x.dataSync() as Float32Array);

      // Opened inside a tidy, as the runtime may: the tensors the stream keeps must survive it.
      let stream!: LayerStream;
      tf.tidy(() => {
        stream = layer.stream!(batch);
      });
      const first = streamed(layer, stream, inputs);
      expect(maxDifference(first, expected)).toBeLessThanOrEqual(1e-6);

      // Without a reset the state of the first episode carries into the second, so its outputs differ.
      const carried = streamed(layer, stream, inputs);
      expect(maxDifference(carried, expected)).toBeGreaterThan(1e-3);

      tf.tidy(() => stream.reset());
      expect(maxDifference(streamed(layer, stream, inputs), expected)).toBeLessThanOrEqual(1e-6);
      stream.dispose();
    });
  }

  it('the state matters in these cases: a layer fed one step at a time from scratch gives other outputs', () => {
    // Guards the comparisons above: if every step were independent, a stream that forgot its state would pass them.
    const inputs = { drive: sequence([6], 'drive') };
    const layer = buildLayer(PlasticRecurrent as NodeKind, cases[0].params, { drive: [6] });
    const expected = (tf.unstack(layer.forward(inputs).output) as tf.Tensor[]).map((x) => x.dataSync() as Float32Array);
    const stateless = Array.from({ length: steps }, (_, t) => layer.forward({ drive: tf.slice(inputs.drive, t, 1) }).output.dataSync() as Float32Array);
    expect(maxDifference(stateless, expected)).toBeGreaterThan(1e-3);
  });
});

/** Runs an array stream over every step of `inputs` ([T, B, ...] tensors cut into [B, ...] arrays per step). */
function arrayStreamed(stream: ArrayStream, inputs: Record<string, tf.Tensor>): Float32Array[] {
  return Array.from({ length: steps }, (_, t) => {
    const step = Object.fromEntries(Object.entries(inputs).map(([port, x]) => [port, tf.slice(x, t, 1).dataSync() as Float32Array]));
    return stream.step(step).output;
  });
}

describe('array streams (the rollout of small networks)', () => {
  const arrayCases = [
    ...cases.filter((c) => c.kind === (PlasticRecurrent as NodeKind) || c.kind === (Recurrent as NodeKind)),
    ...(['linear', 'tanh', 'relu', 'sigmoid', 'softmax'] as const).map((activation) => ({
      name: `Dense (${activation})`,
      kind: Dense as NodeKind,
      params: { units: 4, activation },
      inputs: () => ({ input: sequence([2, 3], `dense-${activation}`, 0.3) }),
    })),
  ];
  for (const c of arrayCases) {
    it(`${c.name}: array steps equal forward, and reset starts the episode over`, () => {
      const inputs = c.inputs();
      const shapes = Object.fromEntries(Object.entries(inputs).map(([port, x]) => [port, x.shape.slice(2)]));
      const layer = buildLayer(c.kind, c.params, shapes);
      const expected = (tf.unstack(layer.forward(inputs).output) as tf.Tensor[]).map((x) => x.dataSync() as Float32Array);
      const stream = layer.arrayStream!(batch);
      expect(maxDifference(arrayStreamed(stream, inputs), expected)).toBeLessThanOrEqual(1e-6);
      stream.reset();
      expect(maxDifference(arrayStreamed(stream, inputs), expected)).toBeLessThanOrEqual(1e-6);
    });
  }
});
