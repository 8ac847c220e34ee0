// Chooses the tensor backend. The plastic kernels are our own code and run the same everywhere;
// the backend carries the ordinary layers, the losses and the optimizer.
//   tensorflow: @tensorflow/tfjs-node (optional dependency: its installer downloads libtensorflow)
//   wasm:       @tensorflow/tfjs-backend-wasm (SIMD, single-threaded in Node) — the fast one here
//   cpu:        plain JS, always available
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type BackendChoice = 'auto' | 'wasm' | 'cpu' | 'tensorflow';
export const backendChoices: readonly BackendChoice[] = ['auto', 'wasm', 'cpu', 'tensorflow'];

const require = createRequire(import.meta.url);

async function tryTensorflow(): Promise<boolean> {
  try {
    // A variable specifier keeps bundlers and the type checker from requiring the optional package.
    const optionalPackage = '@tensorflow/tfjs-node';
    await import(optionalPackage);
    return tf.findBackend('tensorflow') !== null && (await tf.setBackend('tensorflow'));
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const distDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
    wasm.setWasmPaths(distDir);
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

/** Activates a backend and returns the name of the one in use. Throws with a clear message when an explicit choice is unavailable. */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<string> {
  // Production mode skips tfjs's debug checks and its console advice to install tfjs-node.
  tf.enableProdMode();
  const attempts: Record<Exclude<BackendChoice, 'auto'>, () => Promise<boolean>> = {
    tensorflow: tryTensorflow,
    wasm: tryWasm,
    cpu: () => tf.setBackend('cpu'),
  };
  if (choice !== 'auto') {
    if (!(await attempts[choice]())) {
      const hint = choice === 'tensorflow' ? ' (install @tensorflow/tfjs-node, which needs to download libtensorflow)' : '';
      throw new Error(`The "${choice}" backend is not available on this machine${hint}. Use --backend auto to pick the fastest available one.`);
    }
  } else if (!(await tryTensorflow()) && !(await tryWasm())) {
    await tf.setBackend('cpu');
  }
  await tf.ready();
  return tf.getBackend();
}
