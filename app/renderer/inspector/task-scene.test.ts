// Task scenes from hand-made recordings: each task's picture reads the right ports at the right step.
import { describe, expect, it } from 'vitest';
import { taskScene, type DecodedRecording, type Series } from './task-scene.ts';

function recording(nodes: DecodedRecording['nodes'], ports: Record<string, Series>, views: Record<string, Series> = {}, steps = 3): DecodedRecording {
  return { steps, nodes, port: (name) => ports[name], view: (name) => views[name] };
}
const series = (shape: number[], values: number[]): Series => ({ shape, values: Float32Array.from(values) });

describe('taskScene', () => {
  it('binary patterns: inputs so far, the target, the output at the step and its wrong bits', () => {
    const r = recording(
      [
        { id: 'p', kind: 'BinaryPatternEpisode', inputs: {} },
        { id: 'm', kind: 'PlasticRecurrent', inputs: { input: 'p/input' } },
        { id: 'loss', kind: 'SquaredErrorLoss', inputs: { prediction: 'm/output', target: 'p/target' } },
      ],
      {
        'p/input': series([4], [1, -1, 1, 1, /**/ 0, 0, 0, 1, /**/ 1, 0, 0, 1]), // 3 bits + bias
        'p/target': series([3], [1, -1, 1, 1, -1, 1, 1, -1, 1]),
        'm/output': series([4], [0, 0, 0, 0, 0.1, 0.2, 0.3, 1, 0.9, -0.8, -0.7, 1]),
      },
    );
    const scene = taskScene(r, 2);
    expect(scene).toMatchObject({ task: 'patterns', bits: 3, wrongBits: 1 });
    if (scene?.task !== 'patterns') throw new Error('not patterns');
    expect(scene.inputs.map((row) => [...row])).toEqual([[1, -1, 1], [0, 0, 0], [1, 0, 0]]);
    expect([...scene.answer!]).toEqual([Math.fround(0.9), Math.fround(-0.8), Math.fround(-0.7)]);
  });

  it('Omniglot: every drawing with its label (none for the query) and the probabilities at the step', () => {
    const image = (k: number) => Array(4).fill(k / 10);
    const label = [[1, 0], [0, 1], [0, 0]];
    const r = recording(
      [
        { id: 'o', kind: 'OmniglotEpisode', inputs: {} },
        { id: 'bce', kind: 'BinaryCrossEntropyLoss', inputs: { prediction: 'head/output', target: 'o/target' } },
      ],
      {
        'o/image': series([1, 2, 2], [...image(1), ...image(2), ...image(3)]),
        'o/label': series([2], label.flat()),
        'o/target': series([2], [0, 1, 0, 1, 0, 1]),
        'head/output': series([2], [0.5, 0.5, 0.5, 0.5, 0.2, 0.8]),
      },
    );
    const scene = taskScene(r, 2);
    if (scene?.task !== 'omniglot') throw new Error('not omniglot');
    expect(scene.drawings.map((d) => d.label)).toEqual([0, 1, null]);
    expect(scene.side).toBe(2);
    expect(scene.answerClass).toBe(1);
    expect([...scene.probabilities!]).toEqual([Math.fround(0.2), Math.fround(0.8)]);
  });

  it('maze: the walls, the path so far, the reward cell and the rewards collected', () => {
    const r = recording(
      [{ id: 'maze', kind: 'MazeEnvironment', inputs: { policy: 'policy/output' } }],
      { 'maze/reward': series([1], [-0.1, 10, 0]) },
      { 'maze/walls': series([3, 3], [1, 1, 1, 1, 0, 1, 1, 1, 1]), 'maze/agentCell': series([3, 1], [4, 4, 4]), 'maze/rewardCell': series([3, 1], [4, 4, 4]) },
    );
    expect(taskScene(r, 1)).toMatchObject({ task: 'maze', side: 3, path: [4, 4], rewardCell: 4, rewardsTaken: 1 });
    expect((taskScene(r, 1) as { rewardsSoFar: number }).rewardsSoFar).toBeCloseTo(9.9, 5);
  });

  it('is null for a graph with no task source', () => {
    expect(taskScene(recording([{ id: 'd', kind: 'Dense', inputs: {} }], {}), 0)).toBeNull();
  });
});
