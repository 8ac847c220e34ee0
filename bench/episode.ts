// One training episode of a benchmark case with our engine: the fused plastic kernel for the recurrent
// layer, tfjs ops for the input/output layers and the loss, Adam for the step (the engine's LeanAdamOptimizer:
// tf.train.adam's arithmetic with a ~100 MB smaller memory peak at 1,000 neurons). It mirrors
// bench/reference/plastic_rnn.py line for line (same signals, same init, same loss) so the losses agree.
import { nativeKernels } from '../core/native/kernels.ts';
import type * as tfjs from '@tensorflow/tfjs';
import type { BuildContext, BuiltLayer, Shape } from '../core/nodes/kind.ts';
import { Conv2d } from '../core/nodes/conv2d.ts';
import { PlasticDense } from '../core/nodes/plastic-dense.ts';
import { leanAdam } from '../core/train/lean-adam.ts';
import type { PlasticKernels, PlasticSpec } from '../core/plasticity/spec.ts';
import type { BenchCase } from './cases.ts';
import { STREAM, hash32, signs, ternary, uniform, uniformFloat32 } from './signal.ts';

/** One episode's inputs and targets, made before the clock starts (as in the reference). */
export interface EpisodeData {
  inputs: tfjs.Tensor;
  target: tfjs.Tensor;
  /** Omniglot shape: the teaching labels [T, B, 5]. */
  label?: tfjs.Tensor;
}

export interface EpisodeRunner<Data = EpisodeData> {
  /** Inputs and targets of episode `index`, from the shared deterministic signals. */
  sample(index: number): Data;
  /** Forward + backward + Adam step on one episode; returns its loss and disposes the data. */
  train(data: Data): number | Promise<number>;
  dispose(): void | Promise<void>;
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
  if (c.shape === 'omniglot') return createOmniglotRunner(tf, kernels, c);
  const n = c.size;
  const spec = plasticSpecFor(c);
  // tidy frees the initial tensor; the variable keeps its own reference to the data.
  const variable = (values: Float32Array, shape: number[]) => tf.tidy(() => tf.variable(tf.tensor(values, shape)));
  const maze = c.shape === 'maze';

  // Init as in the reference: maze 0.01·U[0,1) (the authors' code; docs/experiments.md); otherwise uniform with the variance of 0.01·N(0,1).
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
      const cost = optimizer.minimize(() => lossOf(inputs as tfjs.Tensor3D, target), true, variables);
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

const omniglotSides = [31, 15, 7, 3, 1];
const omniglotChannels = [1, 64, 64, 64, 64];
export const omniglotSteps = 6;
const omniglotClasses = 5;

/**
 * Initial values of the Omniglot network's parameters from the shared signals, by the template's node ids:
 * `conv1`…`conv4` (kernel, bias) and `classifier` (w, alpha, eta), as the reference draws them.
 */
export function omniglotInitialValues(node: string, name: string, count: number): Float32Array {
  if (node === 'classifier') {
    if (name === 'w') return uniformFloat32(STREAM.w, count, (u) => 0.01 * Math.sqrt(3) * (2 * u - 1));
    if (name === 'alpha') return uniformFloat32(STREAM.alpha, count, (u) => 0.01 * u);
    return new Float32Array([0.01]);
  }
  const layer = Number(node.replace('conv', '')) - 1;
  const bound = 1 / Math.sqrt(9 * omniglotChannels[layer]);
  return uniformFloat32(STREAM.conv + 2 * layer + (name === 'bias' ? 1 : 0), count, (u) => (2 * u - 1) * bound);
}

/** Episode `index` of an Omniglot case: images [T, B, 1, 31, 31], teaching labels [T, B, 5], targets [B, 5]. */
export function omniglotSignals(index: number, b: number): { images: Float32Array; label: Float32Array; target: Float32Array } {
  const images = Float32Array.from(uniform(STREAM.input + index, omniglotSteps * b * 31 * 31));
  const label = new Float32Array(omniglotSteps * b * omniglotClasses);
  for (let s = 0; s < omniglotClasses; s++) for (let e = 0; e < b; e++) label[(s * b + e) * omniglotClasses + s] = 1;
  const target = new Float32Array(b * omniglotClasses);
  for (let e = 0; e < b; e++) target[e * omniglotClasses + (hash32(STREAM.target + index, e) % omniglotClasses)] = 1;
  return { images, label, target };
}

/**
 * The Omniglot template's network built from the product's own node kinds (Conv2d ×4 + PlasticDense, as
 * templates/omniglot.plastic.json wires them), with parameters drawn from the shared signals: the engine's
 * code path for that template, on the reference's numbers.
 */
function createOmniglotRunner(tf: typeof tfjs, kernels: PlasticKernels, c: BenchCase): EpisodeRunner {
  const variables: tfjs.Variable[] = [];
  const context = (node: string, inputShapes: Record<string, Shape>): BuildContext =>
    ({
      // As the graph interpreter decides: the first convolution's images are data.
      inputNeedsGradient: () => node !== 'conv1',
      tf,
      kernels,
      native: nativeKernels(),
      inputShapes,
      outputShapes: {},
      nodeId: 'bench',
      parameter: (name: string, shape: number[]) => {
        const values = omniglotInitialValues(node, name, shape.reduce((a, b) => a * b, 1));
        const v = tf.tidy(() => tf.variable(tf.tensor(values, shape)));
        variables.push(v);
        return v;
      },
    }) as unknown as BuildContext;
  const convs = omniglotChannels
    .slice(0, 4)
    .map((channels, layer) => Conv2d.build(Conv2d.params.parse({}), context(`conv${layer + 1}`, { input: [channels, omniglotSides[layer], omniglotSides[layer]] })) as BuiltLayer);
  const head = PlasticDense.build(
    PlasticDense.params.parse({ units: omniglotClasses, rule: 'oja', alpha: 'perConnection' }),
    context('classifier', { input: [64, 1, 1], teach: [omniglotClasses] }),
  ) as BuiltLayer;
  const optimizer = leanAdam(c.learningRate, 0.9, 0.999, 1e-8);
  const b = c.batch;

  function lossOf({ inputs, label, target }: EpisodeData): tfjs.Scalar {
    let x = inputs;
    for (const conv of convs) x = conv.forward({ input: x }).output;
    const out = head.forward({ input: x, teach: label! }).output;
    const p = tf.clipByValue(tf.reshape(tf.slice(out, [omniglotSteps - 1, 0, 0], [1, b, omniglotClasses]), [b, omniglotClasses]), 1e-7, 1 - 1e-7);
    return tf.mean(tf.neg(tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p)))))) as tfjs.Scalar;
  }

  return {
    sample(index) {
      const { images, label, target } = omniglotSignals(index, b);
      return {
        inputs: tf.tensor(images, [omniglotSteps, b, 1, 31, 31]),
        label: tf.tensor3d(label, [omniglotSteps, b, omniglotClasses]),
        target: tf.tensor2d(target, [b, omniglotClasses]),
      };
    },
    train(data) {
      const cost = optimizer.minimize(() => lossOf(data), true, variables);
      const loss = cost!.dataSync()[0];
      tf.dispose([cost!, data.inputs, data.label!, data.target]);
      return loss;
    },
    dispose() {
      optimizer.dispose();
      tf.dispose(variables);
    },
  };
}
