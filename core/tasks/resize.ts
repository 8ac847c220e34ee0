// Image resizing that matches `skimage.transform.resize(image, shape)` with its defaults for a float
// image (skimage ≥ 0.19: order 1, mode 'reflect', clip, anti-aliasing when shrinking), which is how the
// paper's Omniglot code turns 105×105 drawings into 31×31 inputs. Pure TypeScript.
//
// Per axis, with scale = inSize / outSize:
//  1. anti-aliasing (only when shrinking): a Gaussian blur with sigma = (scale − 1) / 2, truncated at
//     4 sigma (radius = floor(4·sigma + 0.5), as scipy.ndimage.gaussian_filter), reflecting at the
//     border without repeating the edge pixel (skimage 'reflect' = scipy 'mirror': … c b | a b c … );
//  2. bilinear sampling at the pixel-centre-aligned coordinate x = (o + 0.5)·scale − 0.5.
// Both steps are linear and act on rows and columns separately, so each axis becomes one small matrix
// A (outSize × inSize) and the result is A_rows · image · A_colsᵀ.
//
// Note: skimage 0.14–0.15, which the authors probably ran in 2018, did NOT anti-alias by default; pass
// { antiAliasing: false } for that behaviour.

export interface ResizeOptions {
  /** Gaussian pre-filter when shrinking (skimage's default since 0.16). Default true. */
  antiAliasing?: boolean;
}

/** Sparse rows of the per-axis resampling matrix: for output o, input indices and weights. */
export interface AxisResampler {
  outSize: number;
  inSize: number;
  indices: Int32Array[];
  weights: Float64Array[];
}

/** Index reflected into [0, n) without repeating the edge (scipy 'mirror'). */
function mirror(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

/** scipy.ndimage's 1-D Gaussian weights for offsets −radius..radius. */
export function gaussianWeights(sigma: number): Float64Array {
  const radius = Math.floor(4 * sigma + 0.5);
  const weights = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    weights[k + radius] = Math.exp((-0.5 * k * k) / (sigma * sigma));
    sum += weights[k + radius];
  }
  return weights.map((w) => w / sum);
}

export function axisResampler(inSize: number, outSize: number, options: ResizeOptions = {}): AxisResampler {
  if (!Number.isInteger(inSize) || !Number.isInteger(outSize) || inSize < 1 || outSize < 1) {
    throw new Error(`resize: sizes must be whole numbers ≥ 1, got ${inSize} → ${outSize}`);
  }
  const scale = inSize / outSize;
  const sigma = (options.antiAliasing ?? true) ? Math.max(0, (scale - 1) / 2) : 0;
  // scipy skips the filter for a (near-)zero sigma.
  const blur = sigma > 1e-15 ? gaussianWeights(sigma) : Float64Array.of(1);
  const radius = (blur.length - 1) / 2;
  const indices: Int32Array[] = [];
  const weights: Float64Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const x = (o + 0.5) * scale - 0.5;
    const left = Math.floor(x);
    const fraction = x - left;
    const row = new Map<number, number>();
    const add = (centre: number, weight: number) => {
      if (weight === 0) return;
      for (let k = -radius; k <= radius; k++) {
        const j = mirror(centre + k, inSize);
        row.set(j, (row.get(j) ?? 0) + weight * blur[k + radius]);
      }
    };
    add(mirror(left, inSize), 1 - fraction);
    add(mirror(left + 1, inSize), fraction);
    const sorted = [...row.entries()].sort((a, b) => a[0] - b[0]);
    indices.push(Int32Array.from(sorted, ([j]) => j));
    weights.push(Float64Array.from(sorted, ([, w]) => w));
  }
  return { outSize, inSize, indices, weights };
}

/** Resizes a row-major height×width image; clips to the input's range as skimage does. */
export function resizeImage(
  image: ArrayLike<number>,
  height: number,
  width: number,
  outHeight: number,
  outWidth: number,
  options: ResizeOptions = {},
): Float32Array {
  return resizeWith(image, axisResampler(height, outHeight, options), axisResampler(width, outWidth, options));
}

/** The same, with resamplers built once for many images of one size. */
export function resizeWith(image: ArrayLike<number>, rows: AxisResampler, cols: AxisResampler, out?: Float32Array): Float32Array {
  const [height, width] = [rows.inSize, cols.inSize];
  if (image.length !== height * width) throw new Error(`resize: image has ${image.length} values, expected ${height}×${width}`);
  let low = Infinity;
  let high = -Infinity;
  for (let p = 0; p < image.length; p++) {
    low = Math.min(low, image[p]);
    high = Math.max(high, image[p]);
  }
  // Columns first: every input row becomes outWidth values.
  const partial = new Float64Array(height * cols.outSize);
  for (let r = 0; r < height; r++) {
    for (let o = 0; o < cols.outSize; o++) {
      const idx = cols.indices[o];
      const wts = cols.weights[o];
      let sum = 0;
      for (let k = 0; k < idx.length; k++) sum += wts[k] * image[r * width + idx[k]];
      partial[r * cols.outSize + o] = sum;
    }
  }
  const result = out ?? new Float32Array(rows.outSize * cols.outSize);
  for (let o = 0; o < rows.outSize; o++) {
    const idx = rows.indices[o];
    const wts = rows.weights[o];
    for (let c = 0; c < cols.outSize; c++) {
      let sum = 0;
      for (let k = 0; k < idx.length; k++) sum += wts[k] * partial[idx[k] * cols.outSize + c];
      result[o * cols.outSize + c] = Math.min(high, Math.max(low, sum));
    }
  }
  return result;
}
