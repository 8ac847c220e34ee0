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
