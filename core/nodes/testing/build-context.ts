// A BuildContext for unit tests of node builds: real tfjs, seeded parameter init, and fake kernels that
// record what a plastic layer asked for (the real kernels are tested in core/plasticity).
import { nativeKernels } from '../../native/kernels.ts';
import type * as tfjs from '@tensorflow/tfjs';
import type { PlasticKernels, PlasticSequenceInputs, PlasticSpec } from '../../plasticity/spec.ts';
import { taskLibrary } from '../../tasks/index.ts';
import { createRng } from '../../util/random.ts';
import type { BuildContext, Initializer, Shape } from '../kind.ts';

export interface RecordedSequenceCall {
  spec: PlasticSpec;
  inputs: PlasticSequenceInputs;
}

export interface TestBuildContext extends BuildContext {
  parameters: Map<string, { variable: tfjs.Variable; init: Initializer; trainable: boolean }>;
  sequenceCalls: RecordedSequenceCall[];
}

// tfjs variable names are global: each context gets its own prefix.
let contexts = 0;

export function testBuildContext(
  tf: typeof tfjs,
  inputShapes: Record<string, Shape>,
  outputShapes: Record<string, Shape> = {},
  nodeId = 'node',
): TestBuildContext {
  const rng = createRng(`test/${nodeId}`);
  const prefix = `${nodeId}#${++contexts}`;
  const parameters: TestBuildContext['parameters'] = new Map();
  const sequenceCalls: RecordedSequenceCall[] = [];
  const kernels = {
    // Echoes the drive so a test can see what reached the kernel.
    sequence(spec: PlasticSpec, inputs: PlasticSequenceInputs) {
      sequenceCalls.push({ spec, inputs });
      return inputs.drive;
    },
    stepper() {
      throw new Error('stepper is not used in node build tests');
    },
  } as unknown as PlasticKernels;
  return {
    tf,
    nodeId,
    inputShapes,
    outputShapes,
    kernels,
    native: nativeKernels(),
    tasks: taskLibrary,
    rng,
    // Tests take gradients with respect to a layer's input.
    inputNeedsGradient: () => true,
    parameters,
    sequenceCalls,
    parameter(name, shape, init, options) {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = Float32Array.from({ length: size }, () =>
        init.kind === 'normal' ? init.std * rng.normal() : init.kind === 'uniform' ? init.low + (init.high - init.low) * rng.uniform() : init.value,
      );
      const trainable = options?.trainable ?? true;
      const variable = tf.variable(tf.tensor(values, shape), trainable, `${prefix}/${name}`);
      parameters.set(name, { variable, init, trainable });
      return variable;
    },
  };
}
