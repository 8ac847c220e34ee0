import { describe, expect, it } from 'vitest';
import { parseSeeds, parseSettingsGrid } from './SweepsDialog.tsx';

describe('the Sweeps view’s fields', () => {
  it('reads seeds as ranges and lists, each seed once', () => {
    expect(parseSeeds('1-4')).toEqual([1, 2, 3, 4]);
    expect(parseSeeds('0, 3-5 9')).toEqual([0, 3, 4, 5, 9]);
    expect(parseSeeds('1, 1')).toBeNull();
    expect(parseSeeds('4-1')).toBeNull();
    expect(parseSeeds('a')).toBeNull();
    expect(parseSeeds('')).toBeNull();
  });

  it('reads a grid of settings, numbers and booleans as such', () => {
    expect(parseSettingsGrid('training.optimizer.learningRate = 0.001, 3e-4\nmemory.learnEta = true, false\n\nmemory.rule = hebb, oja')).toEqual({
      'training.optimizer.learningRate': [0.001, 3e-4],
      'memory.learnEta': [true, false],
      'memory.rule': ['hebb', 'oja'],
    });
    expect(parseSettingsGrid('')).toEqual({});
    expect(parseSettingsGrid('learningRate = 1')).toMatch(/^line 1: /);
    expect(parseSettingsGrid('training.seed 3')).toMatch(/^line 1: /);
  });
});
