// Direct-loop references for Conv2d's tests (float64, no tfjs): the convolution and its kernel gradient.
import type { Conv2dParams } from '../conv2d.ts';

export interface ConvCase {
  channels: number;
  height: number;
  width: number;
  filters: number;
  kernelSize: number;
  stride: number;
  padding: Conv2dParams['padding'];
}

/** Output side, and the padding before the first pixel ("same" pads like TensorFlow: the smaller half first). */
function geometry(n: number, c: ConvCase): { out: number; before: number } {
  const out = c.padding === 'same' ? Math.ceil(n / c.stride) : Math.floor((n - c.kernelSize) / c.stride) + 1;
  const before = c.padding === 'same' ? Math.floor(Math.max((out - 1) * c.stride + c.kernelSize - n, 0) / 2) : 0;
  return { out, before };
}

/** Calls visit(f, y, x, i, j, ch, pixelIndex) for every kernel tap that lands inside the image [C, H, W]. */
function forEachTap(c: ConvCase, visit: (f: number, y: number, x: number, i: number, j: number, ch: number, pixel: number) => void): void {
  const rows = geometry(c.height, c);
  const cols = geometry(c.width, c);
  const k = c.kernelSize;
  for (let f = 0; f < c.filters; f++) {
    for (let y = 0; y < rows.out; y++) {
      for (let x = 0; x < cols.out; x++) {
        for (let ch = 0; ch < c.channels; ch++) {
          for (let i = 0; i < k; i++) {
            for (let j = 0; j < k; j++) {
              const row = y * c.stride + i - rows.before;
              const col = x * c.stride + j - cols.before;
              if (row < 0 || row >= c.height || col < 0 || col >= c.width) continue;
              visit(f, y, x, i, j, ch, (ch * c.height + row) * c.width + col);
            }
          }
        }
      }
    }
  }
}

/** One image [C, H, W] → [F, H', W'], kernel row-major [k, k, C, F]. */
export function referenceConv(image: number[], kernel: number[], bias: number[], c: ConvCase, act: (x: number) => number): number[] {
  const rows = geometry(c.height, c).out;
  const cols = geometry(c.width, c).out;
  const sums = Array.from({ length: c.filters * rows * cols }, (_, o) => bias[Math.floor(o / (rows * cols))] ?? 0);
  forEachTap(c, (f, y, x, i, j, ch, pixel) => {
    sums[(f * rows + y) * cols + x] += kernel[((i * c.kernelSize + j) * c.channels + ch) * c.filters + f] * image[pixel];
  });
  return sums.map(act);
}

/** Gradient of Σ(linear outputs) over the images with respect to the kernel, [k, k, C, F] row-major. */
export function referenceKernelGradient(images: number[][], c: ConvCase): number[] {
  const grad = new Array(c.kernelSize * c.kernelSize * c.channels * c.filters).fill(0);
  for (const image of images) {
    forEachTap(c, (f, _y, _x, i, j, ch, pixel) => {
      grad[((i * c.kernelSize + j) * c.channels + ch) * c.filters + f] += image[pixel];
    });
  }
  return grad;
}

/**
 * Every gradient of L = Σ weights ⊙ act(conv(image) + bias) over the images, with act′ given in terms of the
 * output: kernel [k, k, C, F], bias [F] and each image [C, H, W]. `weights` is one array per image, [F, H′, W′].
 */
export function referenceGradients(
  images: number[][],
  kernel: number[],
  bias: number[],
  weights: number[][],
  c: ConvCase,
  act: (x: number) => number,
  slope: (y: number) => number,
): { kernel: number[]; bias: number[]; images: number[][] } {
  const dKernel = new Array(kernel.length).fill(0);
  const dBias = new Array(c.filters).fill(0);
  const rows = geometry(c.height, c).out;
  const cols = geometry(c.width, c).out;
  const dImages = images.map((image, n) => {
    const out = referenceConv(image, kernel, bias, c, act);
    const dz = out.map((y, o) => weights[n][o] * slope(y));
    dz.forEach((g, o) => (dBias[Math.floor(o / (rows * cols))] += g));
    const dImage = new Array(image.length).fill(0);
    forEachTap(c, (f, y, x, i, j, ch, pixel) => {
      const tap = ((i * c.kernelSize + j) * c.channels + ch) * c.filters + f;
      const g = dz[(f * rows + y) * cols + x];
      dKernel[tap] += g * image[pixel];
      dImage[pixel] += g * kernel[tap];
    });
    return dImage;
  });
  return { kernel: dKernel, bias: dBias, images: dImages };
}
