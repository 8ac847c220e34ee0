// Deterministic benchmark signals shared with the PyTorch reference (bench/reference/plastic_rnn.py).
// Both sides draw inputs, targets and initial parameters from the same integer hash, so they compute the
// same losses and the harness can check that the two implementations agree. This is not a random source
// for the engine (that is core/util/random.ts); it exists only so two languages produce identical values.

/** Stream tags: one per tensor; per-episode streams are offset by the episode index. */
export const STREAM = {
  w: 1,
  alpha: 2,
  i2hW: 3,
  i2hB: 4,
  headW: 5,
  headB: 6,
  /** Omniglot convolution l: kernel conv + 2l, bias conv + 2l + 1. */
  conv: 16,
  input: 1 << 16,
  target: 1 << 17,
} as const;

/** lowbias32 of (index·0x9E3779B1 + stream·0x85EBCA77) mod 2^32, as an unsigned 32-bit integer. */
export function hash32(stream: number, index: number): number {
  let x = (Math.imul(index, 0x9e3779b1) + Math.imul(stream, 0x85ebca77)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** `count` values in [0, 1): h / 2^32, exact in float64. */
export function uniform(stream: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = hash32(stream, i) / 4294967296;
  return out;
}

/** 0 with probability 1/2, else ±1: inputs with silent neurons, like the tasks' zero steps. */
export function ternary(stream: number, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const h = hash32(stream, i);
    out[i] = h & 1 ? 0 : h & 2 ? 1 : -1;
  }
  return out;
}

/** ±1 values. */
export function signs(stream: number, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = hash32(stream, i) & 1 ? 1 : -1;
  return out;
}

/**
 * `count` values f(u) in float32 for u = uniform(stream, count): the same values as toFloat32(uniform(…), f)
 * without the float64 array (8 MB of garbage per million parameters in the bench's memory peak).
 */
export function uniformFloat32(stream: number, count: number, f: (u: number) => number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = f(hash32(stream, i) / 4294967296);
  return out;
}

/** Maps float64 values through `f` into float32, the precision the parameters are stored in. */
export function toFloat32(values: Float64Array, f: (u: number) => number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f(values[i]);
  return out;
}
