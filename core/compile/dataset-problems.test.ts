import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addNode, createGraphDocument } from '../graph/index.ts';
import { datasetProblems } from './dataset-problems.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-datasets-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const withSource = (kind: string, dataFolder: string) => addNode(createGraphDocument('data'), { kind, id: 'source', position: { x: 0, y: 0 }, params: { dataFolder } });

describe('datasetProblems', () => {
  it('names the node, the parameter and the folder when a dataset is missing, and nothing when its files are there', () => {
    const folder = path.join(work, 'omniglot');
    expect(datasetProblems(withSource('OmniglotEpisode', folder))).toMatchObject([
      { severity: 'error', code: 'missing-dataset', nodeId: 'source', param: 'dataFolder', message: expect.stringMatching(/Omniglot is not in the folder "dataFolder" names: the folder .*omniglot does not exist/) },
    ]);
    fs.mkdirSync(path.join(folder, 'images_background'), { recursive: true });
    expect(datasetProblems(withSource('OmniglotEpisode', folder))[0].message).toMatch(/holds no Omniglot: it needs images_background\/ and images_evaluation\//);
    fs.writeFileSync(path.join(folder, 'images_evaluation.zip'), '');
    expect(datasetProblems(withSource('OmniglotEpisode', folder))).toEqual([]);
  });

  it('checks CIFAR-10 training and test images apart', () => {
    const folder = path.join(work, 'cifar');
    fs.mkdirSync(path.join(folder, 'cifar-10-batches-bin'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'cifar-10-batches-bin', 'data_batch_1.bin'), '');
    const problems = datasetProblems(withSource('ImageEpisode', folder));
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/CIFAR-10 \(test images\) is not in .* needs test_batch\.bin/)]);
  });

  it('finds the datasets the tests and CI use through PLASTICITY_DATA_DIR', () => {
    expect(datasetProblems(withSource('OmniglotEpisode', ''))).toEqual([]);
    expect(datasetProblems(withSource('ImageEpisode', ''))).toEqual([]);
  });
});
