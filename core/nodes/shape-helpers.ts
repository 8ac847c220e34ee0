// Small shape utilities shared by node kinds (per-step shapes, without time and batch axes).
import type { Shape } from './kind.ts';

/** Number of values in one step of this shape: [1, 31, 31] → 961. */
export function flatWidth(shape: Shape): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** `[1001]`, `[1, 31, 31]`: how shapes appear in messages. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}
