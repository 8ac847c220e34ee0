// Seeded random numbers for everything that must be reproducible: parameter init, episodes, sampling.
// seedrandom's Alea generator is fast, well tested and gives the same stream on every platform.
import seedrandom from 'seedrandom';

export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1) (Box–Muller). */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[];
  /** A permutation of 0..n-1. */
  permutation(n: number): number[];
  /** An independent stream derived from this seed and a label, so adding draws in one place does not shift another. */
  fork(label: string): Rng;
}

export function createRng(seed: number | string): Rng {
  const base = String(seed);
  const next = seedrandom.alea(base);
  let spareNormal: number | null = null;
  const rng: Rng = {
    uniform: () => next(),
    normal() {
      if (spareNormal !== null) {
        const value = spareNormal;
        spareNormal = null;
        return value;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spareNormal = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    int: (n) => Math.floor(next() * n),
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const held = items[i];
        items[i] = items[j];
        items[j] = held;
      }
      return items;
    },
    permutation: (n) => rng.shuffle(Array.from({ length: n }, (_, i) => i)),
    fork: (label) => createRng(`${base}/${label}`),
  };
  return rng;
}
