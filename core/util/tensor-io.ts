// Values in and out of tfjs tensors for our own kernels (plain loops), without garbage per call.
// Reading: the wasm backend keeps every tensor in its heap, so a view of it replaces dataSync's copy.
// Writing: on the wasm backend the kernel writes straight into a new tensor's heap memory. Made from a JS
// array, a tensor costs the array (a training step makes a dozen of up to ~3 MB in these kernels; as fresh
// arrays they kept the garbage collector busy for a sixth of the step) and the backend's copy of it.
import type * as tfjs from '@tensorflow/tfjs';

/** What the wasm backend exposes of a tensor's storage (tfjs-backend-wasm 4.x, public fields). */
interface WasmBackendLike {
  wasm?: { HEAPF32?: Float32Array };
  dataIdMap?: { get(dataId: object): { memoryOffset?: number; dtype?: string } | undefined };
  makeOutput?(shape: number[], dtype: 'float32'): tfjs.TensorInfo;
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

/**
 * A float32 tensor of `shape` whose values `fill` writes (into zeros when `zeroed`; otherwise it must write
 * every value). On the wasm backend `fill` gets a view of the new tensor's memory, so it must not keep it and
 * must not run tfjs operations (views from tensorValues would go stale too).
 */
export function tensorFilledBy<R extends tfjs.Rank>(tf: typeof tfjs, shape: number[], fill: (values: Float32Array) => void, zeroed = false): tfjs.Tensor<R> {
  const size = shape.reduce((a, b) => a * b, 1);
  const backend = tf.backend() as unknown as WasmBackendLike;
  if (backendCopiesOnWrite(tf) && backend.makeOutput) {
    const info = backend.makeOutput(shape, 'float32');
    const tensor = tf.engine().makeTensorFromTensorInfo(info) as tfjs.Tensor<R>;
    const values = tensorValues(tf, tensor);
    if (values.length === size) {
      if (zeroed) values.fill(0);
      fill(values);
      return tensor;
    }
    tensor.dispose();
  }
  const values = new Float32Array(size);
  fill(values);
  return tf.tensor(values, shape, 'float32') as unknown as tfjs.Tensor<R>;
}

/**
 * Float32 tensors of `shapes` whose values one call of `fill` writes, all at once (a kernel with several
 * outputs). On the wasm backend `fill` gets views of the new tensors' memory, taken after every tensor is
 * allocated (an allocation may move the heap); elsewhere fresh arrays that become the tensors. The views
 * start as whatever memory held, so `fill` must write every value.
 */
export function tensorsFilledBy(tf: typeof tfjs, shapes: number[][], fill: (values: Float32Array[]) => void): tfjs.Tensor[] {
  const backend = tf.backend() as unknown as WasmBackendLike;
  if (backendCopiesOnWrite(tf) && backend.makeOutput) {
    const tensors = shapes.map((shape) => tf.engine().makeTensorFromTensorInfo(backend.makeOutput!(shape, 'float32')));
    const views = tensors.map((tensor) => tensorValues(tf, tensor));
    // A view that is not the tensor's own memory (tensorValues fell back to a copy) would lose the values.
    if (views.every((view, i) => view.length === tensors[i].size && view.buffer === backend.wasm?.HEAPF32?.buffer)) {
      fill(views);
      return tensors;
    }
    tf.dispose(tensors);
  }
  const arrays = shapes.map((shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
  fill(arrays);
  return arrays.map((values, i) => tf.tensor(values, shapes[i], 'float32'));
}
