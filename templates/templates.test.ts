// Every template is a valid graph whose parameter counts are the paper's, with its expected result stated.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countGraphParameters, parseGraphDocument, validateGraph } from '../core/graph/index.ts';

const dir = import.meta.dirname;
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.plastic.json'));

function load(file: string) {
  const parsed = parseGraphDocument(fs.readFileSync(path.join(dir, file), 'utf8'), file);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  return parsed.document;
}

describe('templates', () => {
  it('include the binary-pattern task and its small comparison', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'binary-patterns.plastic.json',
        'binary-patterns-50bit-plastic.plastic.json',
        'binary-patterns-50bit-rnn.plastic.json',
        'binary-patterns-50bit-lstm.plastic.json',
      ]),
    );
  });

  it('include the maze exploration task: plastic, homogeneous plastic and non-plastic, with the authors’ settings', () => {
    const maze = ['maze-plastic.plastic.json', 'maze-homogeneous.plastic.json', 'maze-rnn.plastic.json'];
    expect(files).toEqual(expect.arrayContaining(maze));
    for (const file of maze) {
      const doc = load(file);
      // PAPER.md §2(d): Adam lr 1e-4, eps 1e-4, batch 1; labSize 11, 250 steps; γ 0.9, bentropy 0.1, blossv 0.03.
      expect(doc.training).toMatchObject({ batchSize: 1, optimizer: { kind: 'adam', learningRate: 1e-4, epsilon: 1e-4 } });
      const params = (id: string) => doc.nodes.find((n) => n.id === id)!.params;
      expect(params('maze')).toEqual({ labSize: 11, episodeLength: 250, wallPenalty: 0.1, rewardValue: 10 });
      expect(params('loss')).toEqual({ gamma: 0.9, entropyCost: 0.1, valueCost: 0.03 });
      expect(params('memory')).toMatchObject({ size: 100, inputGain: 1, wInit: 'uniform' });
    }
    expect(load('maze-plastic.plastic.json').nodes.find((n) => n.id === 'memory')!.params).toMatchObject({ rule: 'oja', alpha: 'perConnection', alphaInit: 'uniform' });
    expect(load('maze-homogeneous.plastic.json').nodes.find((n) => n.id === 'memory')!.params).toMatchObject({ rule: 'oja', alpha: 'shared' });
  });

  it.each(files)('%s is valid and says what it should reach', (file) => {
    const doc = load(file);
    expect(validateGraph(doc).problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(doc.meta.description?.length).toBeGreaterThan(40);
    expect(doc.meta.expected?.metric).toBeTruthy();
    expect(doc.meta.expected?.source).toMatch(/PAPER\.md/);
  });

  it.each([
    // PAPER.md §2(a): 2·1001² = 2,004,002 plus eta; the 51-neuron network has 5,203; the RNN 4.21 M; the LSTM about 16.4 M.
    ['binary-patterns.plastic.json', 2_004_003],
    ['binary-patterns-50bit-plastic.plastic.json', 5_203],
    ['binary-patterns-50bit-rnn.plastic.json', 4_206_601],
    ['binary-patterns-50bit-lstm.plastic.json', 16_416_000],
    // PAPER.md §2(d), H = 100: plastic 22,306, rnn 12,305; one shared alpha instead of 100² gives 12,307.
    ['maze-plastic.plastic.json', 22_306],
    ['maze-homogeneous.plastic.json', 12_307],
    ['maze-rnn.plastic.json', 12_305],
  ])('%s has the paper’s parameter count', (file, count) => {
    expect(countGraphParameters(load(file)).total.trainable).toBe(count);
  });
});
