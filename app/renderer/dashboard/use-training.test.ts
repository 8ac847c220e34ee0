import { describe, expect, it } from 'vitest';
import { mergePoints } from './use-training.ts';

describe('mergePoints', () => {
  it('merges by episode in order, later points replacing earlier ones', () => {
    const p = (episode: number, loss: number) => ({ episode, loss, metrics: {} });
    expect(mergePoints([p(1, 1), p(2, 2), p(3, 3)], [p(3, 30), p(4, 4), p(2, 20)])).toEqual([p(1, 1), p(2, 20), p(3, 30), p(4, 4)]);
  });
});
