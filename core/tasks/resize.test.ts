import { describe, expect, it } from 'vitest';
import { axisResampler, gaussianWeights, resizeImage } from './resize.ts';

const scale = 105 / 31;

function image(f: (r: number, c: number) => number, size = 105): Float32Array {
  const out = new Float32Array(size * size);
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) out[r * size + c] = f(r, c);
  return out;
}

describe('resize like skimage.transform.resize', () => {
  it('uses scipy Gaussian weights: radius floor(4σ + 0.5), normalised, symmetric', () => {
    const sigma = (scale - 1) / 2; // 1.1935…
    const w = gaussianWeights(sigma);
    expect(w.length).toBe(11); // radius 5
    expect(w.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
    expect(w[0]).toBeCloseTo(w[10], 15);
    expect(w[5] / w[6]).toBeCloseTo(Math.exp(0.5 / (sigma * sigma)), 12);
  });

  it('keeps a constant image constant', () => {
    const out = resizeImage(image(() => 0.25), 105, 105, 31, 31);
    for (const v of out) expect(v).toBeCloseTo(0.25, 6);
  });

  it('samples a linear ramp exactly at (o + 0.5)·scale − 0.5 away from the borders', () => {
    // A symmetric blur leaves a linear function unchanged and bilinear sampling is exact on it, so
    // where the blur does not reach the border the answer is the sampling coordinate itself.
    const out = resizeImage(image((_, c) => c), 105, 105, 31, 31);
    for (let o = 3; o <= 27; o++) {
      expect(out[10 * 31 + o]).toBeCloseTo((o + 0.5) * scale - 0.5, 4);
    }
    // At the left border the mirror folds −k onto +k, which lifts the blurred values above the ramp.
    expect(out[10 * 31]).toBeGreaterThan(0.5 * scale - 0.5);
  });

  // Reference values from skimage 0.19.3: resize(img, (31, 31)) with img given by the same formula.
  it('matches skimage on a textured image, corners included', () => {
    const out = resizeImage(image((r, c) => ((r * 7 + c * 13) % 17) / 16), 105, 105, 31, 31);
    const expected: [number, number, number][] = [
      [0, 0, 0.5095085728619955],
      [0, 30, 0.4908086974252061],
      [30, 0, 0.5212734224057628],
      [30, 30, 0.5032499277062664],
      [15, 15, 0.5001314972951426],
      [3, 17, 0.4909876291917493],
      [29, 1, 0.4765309419295785],
    ];
    for (const [r, c, v] of expected) expect(out[r * 31 + c]).toBeCloseTo(v, 6);
  });

  it('matches skimage on a dark square and without anti-aliasing', () => {
    const square = image((r, c) => (r >= 40 && r < 60 && c >= 10 && c < 30 ? 0 : 1));
    const out = resizeImage(square, 105, 105, 31, 31);
    const expected: [number, number, number][] = [
      [0, 0, 1],
      [12, 4, 0.028720052359014193],
      [14, 6, 0],
      [11, 3, 0.8101146149258235],
      [17, 8, 0.39921824420329854],
      [15, 9, 0.9580508890937751],
    ];
    for (const [r, c, v] of expected) expect(out[r * 31 + c]).toBeCloseTo(v, 6);
    expect(out.reduce((a, v) => a + v, 0)).toBeCloseTo(926.1269008910692, 3);

    const plain = resizeImage(image((r, c) => ((r * 7 + c * 13) % 17) / 16), 105, 105, 31, 31, { antiAliasing: false });
    expect(plain[0]).toBeCloseTo(0.38963319458896983, 6);
    expect(plain[15 * 31 + 15]).toBeCloseTo(0.1875, 6);
    expect(plain[30 * 31 + 30]).toBeCloseTo(0.31705254942767697, 6);
  });

  it('does not blur when enlarging and rejects bad sizes', () => {
    const up = axisResampler(4, 8);
    expect(up.indices.every((row) => row.length <= 2)).toBe(true);
    expect(() => axisResampler(0, 3)).toThrow(/sizes/);
    expect(() => resizeImage(new Float32Array(10), 105, 105, 31, 31)).toThrow(/10 values/);
  });
});
