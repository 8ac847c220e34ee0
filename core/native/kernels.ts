// The native kernels (native/*.cc, an N-API addon built by `npm run build:native`, which `npm install` runs):
// used when this machine has them, otherwise the engine's JavaScript and wasm paths do the same work more
// slowly. PLASTICITY_NATIVE=0 turns them off (to compare both paths, or to rule the addon out).
// Node's modules come from process.getBuiltinModule (Node ≥ 20.16), not from static imports: the graph
// interpreter imports this module, and a browser bundle of an exported model must not import Node-only code.
import type { Sweeps } from '../plasticity/sweep-commands.js';

type NodeModules = { fs: typeof import('node:fs'); module: typeof import('node:module'); path: typeof import('node:path'); url: typeof import('node:url') };
const nodeModules = (): NodeModules => {
  const get = (process as unknown as { getBuiltinModule(name: string): unknown }).getBuiltinModule;
  return { fs: get('node:fs'), module: get('node:module'), path: get('node:path'), url: get('node:url') } as NodeModules;
};

/** A convolution's sizes and activation (0 linear, 1 tanh, 2 relu), as native/conv2d.h. */
export interface NativeConvShape {
  images: number;
  channels: number;
  height: number;
  width: number;
  filters: number;
  kernelSize: number;
  stride: number;
  outHeight: number;
  outWidth: number;
  activation: 0 | 1 | 2;
}

/** The plastic kernel's sweeps and the non-plastic layer's (native/trace-sweeps.cc), with trace-sweeps.js's signatures. */
export type NativeSweeps = Sweeps & {
  /** Whether they run vectorised (AVX2) on this CPU; `allow` = false first turns that path off (tests of the plain one), true back on. */
  sweepsVectorised(allow?: boolean): boolean;
};

export interface NativeKernels extends NativeSweeps {
  /** output [N, F, OH, OW] = act(kernel ∗ input + bias) ("valid" windows), kernel [k, k, C, F]. */
  conv2dForward(shape: NativeConvShape, input: Float32Array, kernel: Float32Array, bias: Float32Array | null, output: Float32Array): void;
  /** Overwrites dKernel and, when given, dInput and dBias, from ∂L/∂output and the output. */
  conv2dBackward(
    shape: NativeConvShape,
    input: Float32Array,
    kernel: Float32Array,
    output: Float32Array,
    dOutput: Float32Array,
    dInput: Float32Array | null,
    dKernel: Float32Array,
    dBias: Float32Array | null,
  ): void;
  /**
   * The loops this shape runs on here: AVX-512 (filters a multiple of 64, or few input channels), AVX2 + FMA
   * (filters a multiple of 32) or plain. `widest` first caps the paths every convolution picks from (tests of
   * the narrower ones on a CPU that has the wider).
   */
  conv2dPath(shape: NativeConvShape, widest?: NativeConvPath): NativeConvPath;
  /** The threads the convolution splits its images over in this process (the machine's, at most 8); `count` first sets it. */
  nativeThreads(count?: number): number;
}

export type NativeConvPath = 'avx512' | 'avx2' | 'plain';

const kernelNames = [
  'conv2dForward', 'conv2dBackward', 'conv2dPath', 'nativeThreads',
  'forwardSweep', 'traceUpdateSweep', 'backwardSweep', 'backwardSweepTraceOnly', 'accumulateOuterProducts', 'plainForwardSweep', 'plainBackwardSweep',
  'sweepsVectorised',
] as const satisfies ReadonlyArray<keyof NativeKernels>;

// Relative to the package root; joined only when looked for (this module may be bundled for a browser, which never calls it).
const ADDON = ['native', 'build', 'Release', 'plasticity_kernels.node'];

/** The addon beside the package this module belongs to (sources, a bundle in dist/, or an unpacked app). */
export function nativeAddonPath(): string | null {
  const { fs, path, url } = nodeModules();
  let dir = path.dirname(url.fileURLToPath(import.meta.url));
  for (;;) {
    for (const candidate of [path.join(dir, ...ADDON), path.join(dir.replace(/app\.asar(?=$|[\\/])/, 'app.asar.unpacked'), ...ADDON)]) {
      if (fs.existsSync(candidate)) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

let loaded: { kernels: NativeKernels | null; reason: string } | undefined;

const inNode = () => typeof process !== 'undefined' && Boolean(process.versions?.node) && typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule === 'function';
// Read at each call, so a test or a benchmark can build one layer on each path in the same process.
const turnedOff = () => inNode() && process.env.PLASTICITY_NATIVE === '0';

function load(): { kernels: NativeKernels | null; reason: string } {
  if (!inNode()) return { kernels: null, reason: 'not in Node.js' };
  const file = typeof import.meta.url === 'string' && import.meta.url.startsWith('file:') ? nativeAddonPath() : null;
  if (!file) return { kernels: null, reason: `not built (${ADDON.join('/')} is missing; run npm run build:native)` };
  try {
    const addon = nodeModules().module.createRequire(import.meta.url)(file) as Partial<NativeKernels>;
    // An addon built from older sources may lack a function: then it is rebuilt, not half used.
    const missing = kernelNames.filter((name) => typeof addon[name] !== 'function');
    if (missing.length > 0) return { kernels: null, reason: `${file} lacks ${missing.join(', ')} (run npm run build:native)` };
    return { kernels: Object.fromEntries(kernelNames.map((name) => [name, addon[name]])) as unknown as NativeKernels, reason: file };
  } catch (error) {
    return { kernels: null, reason: `${file} did not load: ${(error as Error).message}` };
  }
}

/** The native kernels, or null when they are off, not built or do not load here (nativeKernelsStatus says why). */
export function nativeKernels(): NativeKernels | null {
  if (turnedOff()) return null;
  loaded ??= load();
  return loaded.kernels;
}

/** The addon's file when the native kernels are on and load here (worker threads load it themselves). */
export function nativeAddonFile(): string | null {
  return nativeKernels() ? loaded!.reason : null;
}

/** Where the native kernels came from, or why there are none: for `plasticity info` and bench reports. */
export function nativeKernelsStatus(): string {
  if (turnedOff()) return 'native kernels: none, turned off by PLASTICITY_NATIVE=0';
  loaded ??= load();
  return loaded.kernels ? `native kernels: ${loaded.reason}` : `native kernels: none, ${loaded.reason}`;
}
