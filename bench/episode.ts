// One training episode of a benchmark case with our engine: the fused plastic kernel for the recurrent
// layer, tfjs ops for the input/output layers and the loss, Adam for the step (the engine's LeanAdamOptimizer:
// tf.train.adam's arithmetic with a ~100 MB smaller memory peak at 1,000 neurons). It mirrors
// bench/reference/plastic_rnn.py line for line (same signals, same init, same loss) so the losses agree.
import type * as tfjs from '@tensorflow/tfjs';
import { leanAdam } from '../core/plasticity/lean-adam.ts';
import type { PlasticKernels, PlasticSpec } from '../core/plasticity/spec.ts';
import type { BenchCase } from './cases.ts';
import { STREAM, signs, ternary, uniformFloat32 } from './signal.ts';

/** One episode's inputs and targets, made before the clock starts (as in the reference). */
export interface EpisodeData {
  inputs: tfjs.Tensor3D;
  target: tfjs.Tensor;
}

export interface EpisodeRunner {
  /** Inputs and targets of episode `index`, from the shared deterministic signals. */
  sample(index: number): EpisodeData;
  /** Forward + backward + Adam step on one episode; returns its loss and disposes the data. */
  train(data: EpisodeData): number;
  dispose(): void;
}

export function plasticSpecFor(c: BenchCase): PlasticSpec {
  return {
    mode: 'recurrent',
    size: c.size,
    inputSize: c.size,
    plastic: true,
    rule: c.rule,
    alpha: 'perConnection',
    learnEta: true,
    activation: 'tanh',
    inputMode: c.inputMode,
    traceClip: null,
  };
}

export function createEpisodeRunner(tf: typeof tfjs, kernels: PlasticKernels, c: BenchCase): EpisodeRunner {
  const n = c.size;
  const spec = plasticSpecFor(c);
  // tidy frees the initial tensor; the variable keeps its own reference to the data.
  const variable = (values: Float32Array, shape: number[]) => tf.tidy(() => tf.variable(tf.tensor(values, shape)));
  const maze = c.shape === 'maze';

  // Init as in the reference: maze 0.01·U[0,1) (PAPER.md §1.3); otherwise uniform with the variance of 0.01·N(0,1).
  const plasticScale = 0.01 * Math.sqrt(3);
  const w = variable(uniformFloat32(STREAM.w, n * n, maze ? (u) => 0.01 * u : (u) => plasticScale * (2 * u - 1)), [n, n]);
  const alpha = variable(uniformFloat32(STREAM.alpha, n * n, maze ? (u) => 0.01 * u : (u) => plasticScale * (2 * u - 1)), [n, n]);
  const eta = variable(new Float32Array([0.01]), [1]);
  const linear = (stream: number, count: number, fanIn: number, shape: number[]) =>
    variable(uniformFloat32(stream, count, (u) => (2 * u - 1) / Math.sqrt(fanIn)), shape);
  const mazeLayers = maze
    ? {
        i2hW: linear(STREAM.i2hW, c.inFeatures * n, c.inFeatures, [c.inFeatures, n]),
        i2hB: linear(STREAM.i2hB, n, c.inFeatures, [n]),
        headW: linear(STREAM.headW, n * c.outFeatures, n, [n, c.outFeatures]),
        headB: linear(STREAM.headB, c.outFeatures, n, [c.outFeatures]),
      }
    : null;
  const plasticInputs = { w: w as tfjs.Tensor2D, alpha, eta };
  const variables = [w, alpha, eta, ...(mazeLayers ? Object.values(mazeLayers) : [])];
  const optimizer = leanAdam(c.learningRate, 0.9, 0.999, 1e-8);
  const { steps: t, batch: b } = c;

  function lossOf(inputs: tfjs.Tensor3D, target: tfjs.Tensor): tfjs.Scalar {
    if (mazeLayers) {
      const flat = tf.reshape(inputs, [t * b, c.inFeatures]) as tfjs.Tensor2D;
      const drive = tf.reshape(tf.add(tf.matMul(flat, mazeLayers.i2hW), mazeLayers.i2hB), [t, b, n]) as tfjs.Tensor3D;
      const post = kernels.sequence(spec, { drive, ...plasticInputs });
      const flatOut = tf.add(tf.matMul(tf.reshape(post, [t * b, n]) as tfjs.Tensor2D, mazeLayers.headW), mazeLayers.headB);
      const out = tf.reshape(flatOut, [t, b, c.outFeatures]);
      return tf.div(tf.sum(tf.square(tf.sub(out, target))), t);
    }
    const drive = c.inputMode === 'add' ? (tf.mul(inputs, c.gain) as tfjs.Tensor3D) : inputs;
    const post = kernels.sequence(spec, { drive, ...plasticInputs });
    const last = tf.reshape(tf.slice(post, [t - 1, 0, 0], [1, b, c.patternSize]), [b, c.patternSize]);
    return tf.sum(tf.square(tf.sub(last, target)));
  }

  return {
    sample(index) {
      const width = mazeLayers ? c.inFeatures : n;
      const inputs = tf.tensor3d(ternary(STREAM.input + index, t * b * width), [t, b, width]);
      const target = mazeLayers
        ? tf.tensor3d(signs(STREAM.target + index, t * b * c.outFeatures), [t, b, c.outFeatures])
        : tf.tensor2d(signs(STREAM.target + index, b * c.patternSize), [b, c.patternSize]);
      return { inputs, target };
    },
    train({ inputs, target }) {
      const cost = optimizer.minimize(() => lossOf(inputs, target), true, variables);
      const loss = cost!.dataSync()[0];
      tf.dispose([cost!, inputs, target]);
      return loss;
    },
    dispose() {
      optimizer.dispose();
      tf.dispose(variables);
    },
  };
}
