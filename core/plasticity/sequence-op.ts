// The fused kernel as one tfjs op: tf.customGrad runs the kernel's forward on the input values and hands
// tfjs a gradient function that runs `sequenceBackward`. tfjs requires the gradient function to return one
// float32 tensor per input, each with its input's shape, so eta gets zeros when it is not learned.
// Trace-sized arrays are float32 by default here (tfjs values are float32 anyway); the oracle tests
// check this path against tfjs autodiff.
import type * as tfjs from '@tensorflow/tfjs';
import { discardTape, forwardTape, sequenceBackward, tapePost, type KernelInputs, type KernelOptions } from './kernel.ts';
import type { PlasticSequenceInputs, PlasticSpec } from './spec.ts';
import { backendCopiesOnWrite, tensorValues } from '../util/tensor-io.ts';

function describeShape(tensor: tfjs.Tensor): string {
  return `[${tensor.shape.join(', ')}]`;
}

function expectShape(name: string, tensor: tfjs.Tensor | undefined, expected: number[]): void {
  if (!tensor) throw new Error(`plastic sequence: input '${name}' is missing (expected shape [${expected.join(', ')}])`);
  const same = tensor.shape.length === expected.length && tensor.shape.every((size, axis) => size === expected[axis]);
  if (!same) throw new Error(`plastic sequence: input '${name}' has shape ${describeShape(tensor)}, expected [${expected.join(', ')}]`);
}

/** Checks every tensor against the spec; errors name the input and both shapes. */
export function validateSequenceInputs(spec: PlasticSpec, inputs: PlasticSequenceInputs): void {
  const { drive } = inputs;
  if (!drive || drive.rank !== 3) {
    throw new Error(`plastic sequence: input 'drive' must be [T, B, N=${spec.size}], got ${drive ? describeShape(drive) : 'nothing'}`);
  }
  const [steps, batch] = drive.shape;
  const n = spec.size;
  const m = spec.mode === 'recurrent' ? n : spec.inputSize;
  expectShape('drive', drive, [steps, batch, n]);
  expectShape('w', inputs.w, [m, n]);
  if (spec.mode === 'feedforward') expectShape('pre', inputs.pre, [steps, batch, m]);
  else if (inputs.pre) throw new Error(`plastic sequence: input 'pre' is only for feedforward mode (recurrent mode feeds back its output)`);
  if (spec.plastic) {
    expectShape('alpha', inputs.alpha, spec.alpha === 'shared' ? [1] : [m, n]);
    expectShape('eta', inputs.eta, [1]);
  } else if (inputs.alpha || inputs.eta) {
    throw new Error(`plastic sequence: 'alpha' and 'eta' are only for plastic layers (spec.plastic is false)`);
  }
}

/** A gradient as float32 for a new tensor (float32 ones are handed over as they are). */
function gradientValues(values: Float32Array | Float64Array): Float32Array {
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

/** Builds `sequence(spec, inputs)` on the given tfjs instance (so the caller owns the backend). */
export function createSequenceOp(tf: typeof tfjs, givenOptions: KernelOptions = {}) {
  const options: KernelOptions = { ...givenOptions, precision: givenOptions.precision ?? 'float32' };
  return function sequence(spec: PlasticSpec, inputs: PlasticSequenceInputs): tfjs.Tensor3D {
    validateSequenceInputs(spec, inputs);
    const [steps, batch] = inputs.drive.shape;
    const feedforward = spec.mode === 'feedforward';
    const tensors: tfjs.Tensor[] = [inputs.drive];
    if (feedforward) tensors.push(inputs.pre!);
    tensors.push(inputs.w);
    if (spec.plastic) tensors.push(inputs.alpha!, inputs.eta!);

    const op = tf.customGrad((...args: (tfjs.Tensor | tfjs.GradSaveFunc)[]) => {
      const given = args.slice(0, tensors.length) as tfjs.Tensor[];
      let index = 0;
      const drive = tensorValues(tf, given[index++]);
      const pre = feedforward ? tensorValues(tf, given[index++]) : undefined;
      const w = tensorValues(tf, given[index++]);
      const kernelInputs: KernelInputs = { drive, pre, w };
      if (spec.plastic) {
        kernelInputs.alpha = tensorValues(tf, given[index++]);
        kernelInputs.eta = tensorValues(tf, given[index++])[0];
      }
      const tape = forwardTape(spec, { steps, batch }, kernelInputs, options);
      const value = tf.tensor3d(Float32Array.from(tapePost(tape).subarray(0, steps * batch * spec.size)), [steps, batch, spec.size]);
      // Outside gradient recording (evaluation, inference) nothing will ask for the backward pass.
      if (tf.engine().state.gradientDepth === 0) discardTape(tape);
      const gradFunc = (dy: tfjs.Tensor) => {
        // A backend that copies values into new tensors can take the workspace's gradient arrays as they are.
        const grads = sequenceBackward(tape, tensorValues(tf, dy), { borrow: backendCopiesOnWrite(tf) });
        const out: tfjs.Tensor[] = [tf.tensor(Float32Array.from(grads.drive), given[0].shape)];
        if (feedforward) out.push(tf.tensor(Float32Array.from(grads.pre!), given[1].shape));
        out.push(tf.tensor(gradientValues(grads.w), inputs.w.shape));
        if (spec.plastic) {
          out.push(tf.tensor(gradientValues(grads.alpha!), inputs.alpha!.shape));
          out.push(tf.tensor(Float32Array.of(grads.eta), inputs.eta!.shape));
        }
        return out;
      };
      return { value, gradFunc };
    });
    return op(...tensors) as tfjs.Tensor3D;
  };
}
