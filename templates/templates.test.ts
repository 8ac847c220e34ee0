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
      // Miconi et al. 2018, §4.4: Adam lr 1e-4, eps 1e-4, batch 1; labSize 11, 250 steps; γ 0.9, bentropy 0.1, blossv 0.03.
      expect(doc.training).toMatchObject({ batchSize: 1, optimizer: { kind: 'adam', learningRate: 1e-4, epsilon: 1e-4 } });
      const params = (id: string) => doc.nodes.find((n) => n.id === id)!.params;
      expect(params('maze')).toEqual({ labSize: 11, episodeLength: 250, wallPenalty: 0.1, rewardValue: 10 });
      expect(params('loss')).toEqual({ gamma: 0.9, entropyCost: 0.1, valueCost: 0.03 });
      expect(params('memory')).toMatchObject({ size: 100, inputGain: 1, wInit: 'uniform' });
    }
    expect(load('maze-plastic.plastic.json').nodes.find((n) => n.id === 'memory')!.params).toMatchObject({ rule: 'oja', alpha: 'perConnection', alphaInit: 'uniform' });
    expect(load('maze-homogeneous.plastic.json').nodes.find((n) => n.id === 'memory')!.params).toMatchObject({ rule: 'oja', alpha: 'shared' });
  });

  it('include the natural-image task with its shared-alpha comparison, and Omniglot', () => {
    expect(files).toEqual(
      expect.arrayContaining(['natural-images.plastic.json', 'natural-images-shared-alpha.plastic.json', 'omniglot.plastic.json']),
    );
  });

  it.each(files)('%s is valid and says what it should reach', (file) => {
    const doc = load(file);
    expect(validateGraph(doc).problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(doc.meta.description?.length).toBeGreaterThan(40);
    expect(doc.meta.expected?.metric).toBeTruthy();
    // Texts cite the paper by section, never a file the user does not have.
    expect(doc.meta.expected?.source).toMatch(/Miconi, Clune & Stanley 2018, §4\.[1-4]/);
    expect(JSON.stringify(doc.meta)).not.toMatch(/PAPER\.md|\.\.\/shared/);
  });

  it('the maze laptop recipe trains the paper’s three networks with one setting changed, the learning rate', () => {
    for (const variant of ['plastic', 'rnn', 'homogeneous']) {
      const laptop = load(`maze-laptop-${variant}.plastic.json`);
      const paper = load(`maze-${variant}.plastic.json`);
      expect(laptop.nodes.map((n) => [n.kind, n.params])).toEqual(paper.nodes.map((n) => [n.kind, n.params]));
      expect(laptop.edges).toEqual(paper.edges);
      expect(laptop.training).toMatchObject({ ...paper.training, optimizer: { ...paper.training.optimizer, learningRate: 1e-3 }, episodes: laptop.training.episodes, evaluation: { split: 'test' } });
    }
  });

  it('omniglot-laptop.plastic.json trains the paper’s network with its own recipe and measures held-out accuracy on the test characters', () => {
    const laptop = load('omniglot-laptop.plastic.json');
    const paper = load('omniglot.plastic.json');
    expect(laptop.nodes.map((n) => [n.kind, n.params])).toEqual(paper.nodes.map((n) => [n.kind, n.params]));
    expect(laptop.edges).toEqual(paper.edges);
    // A time budget annealed over its own length: the recipe fits the hour on a fast machine and a slow one.
    expect(laptop.training.minutes).toBeLessThanOrEqual(60);
    expect(laptop.training).toMatchObject({ batchSize: 8, optimizer: { learningRate: 3e-4 }, schedule: { kind: 'cosine', overMinutes: laptop.training.minutes }, evaluation: { split: 'test' } });
    expect(laptop.meta.expected).toMatchObject({ metric: 'accuracy', withinMinutes: laptop.training.minutes });
    expect(paper.training.evaluation).toMatchObject({ split: 'test' });
  });

  it.each([
    // Miconi et al. 2018, §4.1: 2·1001² = 2,004,002 plus eta; the 51-neuron network has 5,203; the RNN 4.21 M; the LSTM about 16.4 M.
    ['binary-patterns.plastic.json', 2_004_003],
    ['binary-patterns-50bit-plastic.plastic.json', 5_203],
    ['binary-patterns-50bit-rnn.plastic.json', 4_206_601],
    ['binary-patterns-50bit-lstm.plastic.json', 16_416_000],
    // Miconi et al. 2018, §4.4, H = 100: plastic 22,306, rnn 12,305; one shared alpha instead of 100² gives 12,307.
    ['maze-plastic.plastic.json', 22_306],
    ['maze-homogeneous.plastic.json', 12_307],
    ['maze-rnn.plastic.json', 12_305],
    // Miconi et al. 2018, §4.2: 2·1025² plus eta; with one shared alpha, 1025² + alpha + eta.
    ['natural-images.plastic.json', 2_101_251],
    ['natural-images-shared-alpha.plastic.json', 1_050_627],
    // Miconi et al. 2018, §4.3: convolutions 111,424 + w 320 + alpha 320 + eta 1 (free alpha).
    ['omniglot.plastic.json', 112_065],
    ['omniglot-laptop.plastic.json', 112_065],
  ])('%s has the paper’s parameter count', (file, count) => {
    expect(countGraphParameters(load(file)).total.trainable).toBe(count);
  });

  it('natural-image templates use the settings of the authors’ images.py and differ only in alpha', () => {
    const perConnection = load('natural-images.plastic.json');
    const shared = load('natural-images-shared-alpha.plastic.json');
    const params = (doc: ReturnType<typeof load>, id: string) => doc.nodes.find((n) => n.id === id)!.params;
    expect(params(perConnection, 'images')).toMatchObject({ imageCount: 3, presentationSteps: 20, gapSteps: 2, cycles: 3, testSteps: 3, biasNeuron: true });
    expect(params(perConnection, 'memory')).toMatchObject({ size: 1025, rule: 'hebb', alpha: 'perConnection', inputMode: 'clamp', learnEta: true });
    expect(params(perConnection, 'pixels')).toEqual({ start: 0, size: 1024 });
    expect(params(perConnection, 'loss')).toEqual({ at: 'lastStep', reduction: 'sum' });
    expect(perConnection.training.optimizer.learningRate).toBe(1e-4);
    expect(params(shared, 'memory')).toEqual({ ...params(perConnection, 'memory'), alpha: 'shared' });
    expect(shared.edges).toEqual(perConnection.edges);
    expect(shared.training).toEqual(perConnection.training);
  });

  it('omniglot.plastic.json follows the authors’ README command', () => {
    const doc = load('omniglot.plastic.json');
    const convs = doc.nodes.filter((n) => n.kind === 'Conv2d');
    expect(convs).toHaveLength(4);
    for (const conv of convs) expect(conv.params).toEqual({ filters: 64, kernelSize: 3, stride: 2, padding: 'valid', activation: 'tanh', bias: true });
    expect(doc.nodes.find((n) => n.kind === 'PlasticDense')!.params).toMatchObject({
      units: 5,
      rule: 'oja',
      alpha: 'perConnection',
      alphaInit: 'uniform',
      activation: 'softmax',
      teachGain: 1000,
    });
    expect(doc.nodes.find((n) => n.kind === 'OmniglotEpisode')!.params).toMatchObject({ classCount: 5, shots: 1, rotate: true, split: 'train' });
    expect(doc.edges.some((e) => e.from.port === 'label' && e.to.node === 'classifier' && e.to.port === 'teach')).toBe(true);
    expect(doc.training).toMatchObject({
      episodes: 5_000_000,
      batchSize: 1,
      optimizer: { kind: 'adam', learningRate: 3e-5 },
      schedule: { kind: 'step', everyEpisodes: 1_000_000, gamma: 0.666 },
    });
    expect(doc.meta.expected).toMatchObject({ metric: 'accuracy', above: 0.983 });
  });
});
