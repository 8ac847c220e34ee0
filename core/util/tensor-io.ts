// Values in and out of tfjs tensors for our own kernels (plain loops), without garbage per call.
// Reading: the wasm backend keeps every tensor in its heap, so a view of it replaces dataSync's copy.
// Writing: the wasm backend copies the values a tensor is made from into its heap, so one scratch array
// can be filled and handed over on every call. A training step makes a dozen arrays of up to ~3 MB in
// these kernels; as fresh arrays they kept the garbage collector busy for a sixth of the step.
import type * as tfjs from '@tensorflow/tfjs';

/** What the wasm backend exposes of a tensor's storage (tfjs-backend-wasm 4.x, public fields). */
interface WasmBackendLike {
  wasm?: { HEAPF32?: Float32Array };
  dataIdMap?: { get(dataId: object): { memoryOffset?: number; dtype?: string } | undefined };
}

/** The backend copies values into its own memory when a tensor is made (wasm does; cpu keeps the array it is given). */
export function backendCopiesOnWrite(tf: typeof tfjs): boolean {
  return tf.getBackend() === 'wasm';
}

/**
 * A tensor's values as float32. On the wasm backend this is a view of the wasm heap, valid only until the
 * next tfjs operation (which may move the heap): read it at once. Elsewhere, the backend's copy.
 */
export function tensorValues(tf: typeof tfjs, tensor: tfjs.Tensor): Float32Array {
  const backend = tf.backend() as unknown as WasmBackendLike;
  const stored = backendCopiesOnWrite(tf) ? backend.dataIdMap?.get(tensor.dataId) : undefined;
  const heap = backend.wasm?.HEAPF32;
  if (stored?.dtype === 'float32' && typeof stored.memoryOffset === 'number' && heap && stored.memoryOffset % 4 === 0) {
    const start = stored.memoryOffset / 4;
    if (start + tensor.size <= heap.length) return heap.subarray(start, start + tensor.size);
  }
  const data = tensor.dataSync();
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
}

let scratch = new Float32Array(0);

/**
 * A float32 tensor of `shape` whose values `fill` writes (into zeros when `zeroed`). On a copying backend
 * the array is a scratch buffer reused by every call, so `fill` must not keep it, and must not run tfjs
 * operations (views from tensorValues would go stale).
 */
export function tensorFilledBy<R extends tfjs.Rank>(tf: typeof tfjs, shape: number[], fill: (values: Float32Array) => void, zeroed = false): tfjs.Tensor<R> {
  const size = shape.reduce((a, b) => a * b, 1);
  let values: Float32Array;
  if (backendCopiesOnWrite(tf)) {
    if (scratch.length < size) scratch = new Float32Array(Math.max(size, Math.ceil(scratch.length * 1.5)));
    values = scratch.subarray(0, size);
    if (zeroed) values.fill(0);
  } else {
    values = new Float32Array(size);
  }
  fill(values);
  return tf.tensor(values, shape, 'float32') as unknown as tfjs.Tensor<R>;
}
