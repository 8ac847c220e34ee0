// The one binary layout of named float32 weights, shared by checkpoints and model bundles: TensorFlow.js's
// weights manifest (`[{ name, shape, dtype: "float32" }]`) and the values concatenated in manifest order,
// little-endian. No Node-only imports: bundles are read in browsers too.
import { describeNonFinite } from './finite.ts';

export interface FloatWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** Values per weight: the product of its shape. */
export const weightSize = (spec: Pick<FloatWeightSpec, 'shape'>) => spec.shape.reduce((a, b) => a * b, 1);

/** Bytes of the values the specs describe. */
export const packedByteLength = (specs: readonly Pick<FloatWeightSpec, 'shape'>[]) => specs.reduce((sum, spec) => sum + 4 * weightSize(spec), 0);

/** The values in manifest order as one little-endian float32 block; each must have its shape's size. */
export function packWeights(specs: readonly FloatWeightSpec[], values: ReadonlyMap<string, Float32Array>): Uint8Array {
  const all = new Float32Array(packedByteLength(specs) / 4);
  let offset = 0;
  for (const spec of specs) {
    const data = values.get(spec.name);
    if (!data || data.length !== weightSize(spec)) {
      throw new Error(`Weight "${spec.name}" has ${data?.length ?? 'no'} values but its shape [${spec.shape.join(', ')}] needs ${weightSize(spec)}.`);
    }
    all.set(data, offset);
    offset += data.length;
  }
  return new Uint8Array(all.buffer);
}

/** Why a block of bytes does not hold the weights its manifest describes. */
export type UnpackProblem = { kind: 'size'; bytes: number; expected: number } | { kind: 'not-finite'; name: string; damage: string };

/**
 * The named values of a block written by packWeights. A block of the wrong size, or a weight that is not finite
 * (trained weights always are, so it is damage), is handed to `refuse`, which throws the caller's own error.
 */
export function unpackWeights(bytes: Uint8Array, specs: readonly FloatWeightSpec[], refuse: (problem: UnpackProblem) => never): Map<string, Float32Array> {
  const expected = packedByteLength(specs);
  if (bytes.length !== expected) refuse({ kind: 'size', bytes: bytes.length, expected });
  // A copy aligns the floats (a zip entry or a Node buffer may start at any byte). Not bytes.slice(): on a Node
  // Buffer that is a view into a shared pool, not a copy.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const all = new Float32Array(copy.buffer);
  const values = new Map<string, Float32Array>();
  let offset = 0;
  for (const spec of specs) {
    const size = weightSize(spec);
    const weight = all.subarray(offset, offset + size);
    const damage = describeNonFinite(weight);
    if (damage) refuse({ kind: 'not-finite', name: spec.name, damage });
    values.set(spec.name, weight);
    offset += size;
  }
  return values;
}
