// The pattern editor's episode: its structure read from a recording, and edits put back with the same timing.
import { describe, expect, it } from 'vitest';
import { editedOutputs, patternEpisode } from './PatternSandbox.tsx';
import type { DecodedRecording, Series } from './task-scene.ts';

const series = (shape: number[], values: number[]): Series => ({ shape, values: Float32Array.from(values) });
// 2 bits + a bias slot; steps: pattern A, gap, pattern B, gap, probe (B half-erased).
const input = [1, -1, 1, 0, 0, 1, -1, -1, 1, 0, 0, 1, 0, -1, 1];
const recording: DecodedRecording = {
  steps: 5,
  nodes: [],
  port: (name) => ({ 'p/input': series([3], input), 'p/target': series([2], [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1]) })[name],
  view: () => undefined,
};

describe('the pattern sandbox', () => {
  it('finds the patterns, the probe, the gaps and which pattern the target is', () => {
    const episode = patternEpisode(recording, 'p')!;
    expect(episode.rows).toEqual([[1, -1], [-1, -1], [0, -1]]);
    expect(episode.stepRow).toEqual([0, -1, 1, -1, 2]);
    expect(episode.targetRow).toBe(1);
  });

  it('puts edited rows back at their steps, keeping gaps and the bias input; the target follows', () => {
    const episode = patternEpisode(recording, 'p')!;
    const outputs = editedOutputs(episode, [[1, 1], [-1, 1], [1, 0]], [-1, 1]);
    expect(outputs.input).toEqual([1, 1, 1, 0, 0, 1, -1, 1, 1, 0, 0, 1, 1, 0, 1]);
    expect(outputs.target).toEqual([-1, 1, -1, 1, -1, 1, -1, 1, -1, 1]);
  });
});
