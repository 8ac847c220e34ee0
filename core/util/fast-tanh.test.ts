import { describe, expect, it } from 'vitest';
import { fastTanh } from './fast-tanh.ts';

/** Distance in float32 units in the last place between two numbers rounded to float32. */
function ulps(a: number, b: number): number {
  const f = new Float32Array([a, b]);
  const bits = new Int32Array(f.buffer);
  return Math.abs(bits[0] - bits[1]);
}

describe('fastTanh', () => {
  it('is within one float32 ulp of Math.tanh over the whole range, and exact in sign', () => {
    let worst = 0;
    let wrongSigns = 0;
    for (let i = -200_000; i <= 200_000; i++) {
      const x = (i / 200_000) * 12; // past the clamp at 9 on both sides
      worst = Math.max(worst, ulps(fastTanh(x), Math.tanh(x)));
      if (Math.sign(fastTanh(x)) !== Math.sign(x)) wrongSigns++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(wrongSigns).toBe(0);
  });

  it('keeps tiny values exact, saturates at ±1 and passes NaN on', () => {
    expect(ulps(fastTanh(1e-30), 1e-30)).toBeLessThanOrEqual(1);
    expect(Math.fround(fastTanh(50))).toBe(1);
    expect(Math.fround(fastTanh(-Infinity))).toBe(-1);
    expect(fastTanh(NaN)).toBeNaN();
  });
});
