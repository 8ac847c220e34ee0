// The data movement of a convolution, done in plain loops: "im2col" lays every kernel window of a batch of
// channels-first images out as one row, so that the convolution is a single matrix product with the
// kernel (which the backend runs at its full speed, e.g. XNNPACK on wasm); its gradient "col2im" adds each
// row's gradient back onto the pixels the window covered. Built as one tfjs op with its own gradient,
// because the same movement written with tfjs slices and concats costs dozens of ops per layer and was the
// bulk of an Omniglot episode (45 ms of ~50 at batch 1, and growing with the batch).
//
//   columns[(n, y, x), (i·k + j)·C + c] = image[n, c, s·y + i − padTop, s·x + j − padLeft]   (0 outside)
//
// The column order (tap, then channel) matches a kernel stored as [k, k, C, filters].
import type * as tfjs from '@tensorflow/tfjs';
import { tensorFilledBy, tensorValues } from '../util/tensor-io.ts';

export interface ColumnGeometry {
  channels: number;
  height: number;
  width: number;
  kernelSize: number;
  stride: number;
  outHeight: number;
  outWidth: number;
  /** Zero rows above and columns left of the image ("same" padding); rows/columns past the end are implied. */
  padTop: number;
  padLeft: number;
}

/** Whether some windows reach past the image (padding): their columns hold zeros there. */
export const windowsLeaveImage = (g: ColumnGeometry) =>
  g.padTop > 0 || g.padLeft > 0 || (g.outHeight - 1) * g.stride + g.kernelSize > g.height || (g.outWidth - 1) * g.stride + g.kernelSize > g.width;

/** Width of one row of columns: k·k·C. */
export const columnWidth = (g: ColumnGeometry) => g.kernelSize * g.kernelSize * g.channels;

/** images [N, C, H, W] (flat) → columns [N·OH·OW, k·k·C] (flat), written into `columns` (zeros where padding is). */
export function imageToColumns(images: Float32Array, count: number, g: ColumnGeometry, columns: Float32Array = new Float32Array(count * g.outHeight * g.outWidth * columnWidth(g))): Float32Array {
  const { channels: C, height: H, width: W, kernelSize: k, stride: s, outHeight: OH, outWidth: OW } = g;
  const width = columnWidth(g);
  let row = 0;
  for (let n = 0; n < count; n++) {
    const image = n * C * H * W;
    for (let y = 0; y < OH; y++) {
      for (let x = 0; x < OW; x++, row += width) {
        for (let i = 0; i < k; i++) {
          const py = s * y + i - g.padTop;
          if (py < 0 || py >= H) continue;
          for (let j = 0; j < k; j++) {
            const px = s * x + j - g.padLeft;
            if (px < 0 || px >= W) continue;
            const to = row + (i * k + j) * C;
            let from = image + py * W + px;
            for (let c = 0; c < C; c++, from += H * W) columns[to + c] = images[from];
          }
        }
      }
    }
  }
  return columns;
}

/**
 * The adjoint of imageToColumns: columns [N·OH·OW, k·k·C] → images [N, C, H, W], overlapping windows summed
 * into `images` (which starts at zero). Its loops mirror imageToColumns' on purpose: a shared visitor would
 * cost a call per pixel on the hot path.
 */
export function columnsToImage(columns: Float32Array, count: number, g: ColumnGeometry, images: Float32Array = new Float32Array(count * g.channels * g.height * g.width)): Float32Array {
  const { channels: C, height: H, width: W, kernelSize: k, stride: s, outHeight: OH, outWidth: OW } = g;
  const width = columnWidth(g);
  let row = 0;
  for (let n = 0; n < count; n++) {
    const image = n * C * H * W;
    for (let y = 0; y < OH; y++) {
      for (let x = 0; x < OW; x++, row += width) {
        for (let i = 0; i < k; i++) {
          const py = s * y + i - g.padTop;
          if (py < 0 || py >= H) continue;
          for (let j = 0; j < k; j++) {
            const px = s * x + j - g.padLeft;
            if (px < 0 || px >= W) continue;
            const from = row + (i * k + j) * C;
            let to = image + py * W + px;
            for (let c = 0; c < C; c++, to += H * W) images[to] += columns[from + c];
          }
        }
      }
    }
  }
  return images;
}

/** The tfjs op: images [N, C, H, W] → columns [N·OH·OW, k·k·C], differentiable with respect to the images. */
export function imageColumnsOp(tf: typeof tfjs, g: ColumnGeometry): (images: tfjs.Tensor4D) => tfjs.Tensor2D {
  return tf.customGrad((...args: (tfjs.Tensor | tfjs.GradSaveFunc)[]) => {
    const images = args[0] as tfjs.Tensor;
    const count = images.shape[0];
    const rows = count * g.outHeight * g.outWidth;
    // "valid" windows cover every column entry; padding leaves some unwritten, and they must be zeros.
    const padded = windowsLeaveImage(g);
    return {
      value: tensorFilledBy<tfjs.Rank.R2>(tf, [rows, columnWidth(g)], (columns) => imageToColumns(tensorValues(tf, images), count, g, columns), padded),
      gradFunc: (dy: tfjs.Tensor) =>
        tensorFilledBy<tfjs.Rank.R4>(tf, [count, g.channels, g.height, g.width], (pixels) => columnsToImage(tensorValues(tf, dy), count, g, pixels), true),
    };
  }) as (images: tfjs.Tensor4D) => tfjs.Tensor2D;
}
