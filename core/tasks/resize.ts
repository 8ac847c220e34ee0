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
  /** The same matrix by columns: for input j, the outputs it feeds and their weights. */
  outputsOf: Int32Array[];
  outputWeightsOf: Float64Array[];
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
  const byInput = Array.from({ length: inSize }, () => [] as [number, number][]);
  indices.forEach((row, o) => row.forEach((j, k) => byInput[j].push([o, weights[o][k]])));
  return {
    outSize,
    inSize,
    indices,
    weights,
    outputsOf: byInput.map((list) => Int32Array.from(list, ([o]) => o)),
    outputWeightsOf: byInput.map((list) => Float64Array.from(list, ([, w]) => w)),
  };
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

/**
 * The same, with resamplers built once for many images of one size (the Omniglot loader's hot loop).
 * Mostly-uniform images (a drawing on a white page) take a sparse path: since every row of A sums to 1,
 * A·X·Aᵀ = bg + Σ over the pixels that differ from the background bg of (x − bg)·A[:, r]·A[:, c]ᵀ,
 * where each pixel feeds about 12 outputs through a table built once per size pair.
 */
export function resizeWith(image: ArrayLike<number>, rows: AxisResampler, cols: AxisResampler, out?: Float32Array): Float32Array {
  const [height, width] = [rows.inSize, cols.inSize];
  if (image.length !== height * width) throw new Error(`resize: image has ${image.length} values, expected ${height}×${width}`);
  const source = image instanceof Float32Array ? image : Float32Array.from(image);
  const background = source[0];
  let low = Infinity;
  let high = -Infinity;
  let different = 0;
  for (let p = 0; p < source.length; p++) {
    const v = source[p];
    if (v < low) low = v;
    if (v > high) high = v;
    if (v !== background) different++;
  }
  const sum = new Float64Array(rows.outSize * cols.outSize);
  if (different * 4 < source.length) resizeSparse(source, background, rows, cols, sum);
  else resizeDense(source, rows, cols, sum);
  const result = out ?? new Float32Array(sum.length);
  for (let p = 0; p < sum.length; p++) result[p] = sum[p] < low ? low : sum[p] > high ? high : sum[p];
  return result;
}

/** For every input pixel, the output pixels it feeds and with what weight (outer product of the two axes). */
interface PixelSpread {
  /** Entries of input pixel p are start[p] .. start[p+1]−1. */
  start: Int32Array;
  outputs: Int32Array;
  weights: Float64Array;
}

const spreadCache = new WeakMap<AxisResampler, WeakMap<AxisResampler, PixelSpread>>();

function pixelSpread(rows: AxisResampler, cols: AxisResampler): PixelSpread {
  const cached = spreadCache.get(rows)?.get(cols);
  if (cached) return cached;
  const start = new Int32Array(rows.inSize * cols.inSize + 1);
  let total = 0;
  for (let r = 0; r < rows.inSize; r++) {
    for (let c = 0; c < cols.inSize; c++) {
      start[r * cols.inSize + c] = total;
      total += rows.outputsOf[r].length * cols.outputsOf[c].length;
    }
  }
  start[start.length - 1] = total;
  const outputs = new Int32Array(total);
  const weights = new Float64Array(total);
  for (let r = 0; r < rows.inSize; r++) {
    for (let c = 0; c < cols.inSize; c++) {
      let e = start[r * cols.inSize + c];
      rows.outputsOf[r].forEach((rowOut, i) => {
        cols.outputsOf[c].forEach((colOut, k) => {
          outputs[e] = rowOut * cols.outSize + colOut;
          weights[e++] = rows.outputWeightsOf[r][i] * cols.outputWeightsOf[c][k];
        });
      });
    }
  }
  const spread = { start, outputs, weights };
  if (!spreadCache.has(rows)) spreadCache.set(rows, new WeakMap());
  spreadCache.get(rows)!.set(cols, spread);
  return spread;
}

function resizeSparse(source: Float32Array, background: number, rows: AxisResampler, cols: AxisResampler, sum: Float64Array): void {
  const { start, outputs, weights } = pixelSpread(rows, cols);
  sum.fill(background);
  for (let p = 0; p < source.length; p++) {
    const delta = source[p] - background;
    if (delta === 0) continue;
    for (let e = start[p], end = start[p + 1]; e < end; e++) sum[outputs[e]] += delta * weights[e];
  }
}

function resizeDense(source: Float32Array, rows: AxisResampler, cols: AxisResampler, sum: Float64Array): void {
  const [height, width, outWidth] = [rows.inSize, cols.inSize, cols.outSize];
  // Columns first: every input row becomes outWidth values.
  const partial = new Float64Array(height * outWidth);
  for (let o = 0; o < outWidth; o++) {
    const idx = cols.indices[o];
    const wts = cols.weights[o];
    for (let r = 0; r < height; r++) {
      let acc = 0;
      for (let k = 0; k < idx.length; k++) acc += wts[k] * source[r * width + idx[k]];
      partial[r * outWidth + o] = acc;
    }
  }
  for (let o = 0; o < rows.outSize; o++) {
    const idx = rows.indices[o];
    const wts = rows.weights[o];
    for (let c = 0; c < outWidth; c++) {
      let acc = 0;
      for (let k = 0; k < idx.length; k++) acc += wts[k] * partial[idx[k] * outWidth + c];
      sum[o * outWidth + c] = acc;
    }
  }
}
