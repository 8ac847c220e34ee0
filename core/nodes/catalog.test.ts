import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaultParams, getNodeKind, nodeCatalog } from './catalog.ts';
import { describeParams, describeRange } from './describe-params.ts';
import { defaultBinaryPatternSettings } from '../episodes/binary-patterns.ts';
import { defaultImageEpisodeSettings } from '../episodes/image-episodes.ts';

describe('nodeCatalog', () => {
  it('registers every kind under its own name', () => {
    for (const [name, kind] of nodeCatalog) expect(kind.kind).toBe(name);
    for (const name of [
      'BinaryPatternEpisode',
      'ImageEpisode',
      'OmniglotEpisode',
      'PlasticRecurrent',
      'Recurrent',
      'PlasticDense',
      'LSTM',
      'Dense',
      'Conv2d',
      'Slice',
      'SquaredErrorLoss',
      'BinaryCrossEntropyLoss',
      'SignErrorMetric',
      'AccuracyMetric',
    ]) {
      expect(getNodeKind(name)?.kind).toBe(name);
    }
    expect(getNodeKind('Nope')).toBeUndefined();
  });

  it.each([...nodeCatalog.keys()])('%s: every param has a default, a description, and numbers have ranges', (name) => {
    const kind = nodeCatalog.get(name)!;
    expect(kind.params).toBeInstanceOf(z.ZodObject);
    expect(() => kind.params.parse({})).not.toThrow();
    for (const param of describeParams(name)) {
      expect(param.default, `${name}.${param.name} default`).not.toBeUndefined();
      expect(param.description.length, `${name}.${param.name} description`).toBeGreaterThan(10);
      if (param.type === 'number' || param.type === 'integer') {
        expect(param.min, `${name}.${param.name} min`).toBeTypeOf('number');
        expect(param.max, `${name}.${param.name} max`).toBeTypeOf('number');
      }
      if (param.type === 'enum') expect(param.options).toContain(param.default);
    }
    const ports = [...kind.inputs, ...kind.outputs].map((p) => p.name);
    expect(new Set(ports).size).toBe(ports.length);
    expect(kind.title.length).toBeGreaterThan(0);
    expect(kind.description.length).toBeGreaterThan(20);
  });
});

describe('defaultParams', () => {
  it('gives the paper’s settings for the binary pattern task', () => {
    // The settings themselves are checked against the paper once, in core/episodes (106 steps).
    expect(defaultParams('BinaryPatternEpisode')).toEqual(defaultBinaryPatternSettings);
    expect(defaultParams('PlasticRecurrent')).toEqual({
      size: 1001,
      rule: 'hebb',
      alpha: 'perConnection',
      learnEta: true,
      etaInit: 0.01,
      wInit: 'normal',
      alphaInit: 'normal',
      inputMode: 'add',
      inputGain: 20,
      plasticSelfConnections: true,
      traceClip: 0,
    });
    expect(defaultParams('PlasticDense')).toMatchObject({ rule: 'oja', alphaInit: 'uniform', wInit: 'normal', teachGain: 1000, activation: 'softmax' });
    expect(defaultParams('SquaredErrorLoss')).toEqual({ at: 'lastStep', reduction: 'sum' });
  });

  it('gives the paper’s settings for the natural-image and Omniglot tasks', () => {
    // Miconi et al. 2018, §4.2 (checked in core/episodes: 201 steps), and the default data folder.
    expect(defaultParams('ImageEpisode')).toEqual({ ...defaultImageEpisodeSettings, dataFolder: '' });
    // Miconi et al. 2018, §4.3: 5-way 1-shot with rotations, training classes, the paper's resize.
    expect(defaultParams('OmniglotEpisode')).toEqual({ classCount: 5, shots: 1, rotate: true, split: 'train', resampling: 'skimage', dataFolder: '' });
    expect(defaultParams('Conv2d')).toEqual({ filters: 64, kernelSize: 3, stride: 2, padding: 'valid', activation: 'tanh', bias: true });
    expect(defaultParams('BinaryCrossEntropyLoss')).toEqual({});
    expect(defaultParams('AccuracyMetric')).toEqual({});
  });

  it('describes a data folder as a text field whose empty default means the shared data folder', () => {
    for (const kind of ['ImageEpisode', 'OmniglotEpisode']) {
      const folder = describeParams(kind).find((p) => p.name === 'dataFolder')!;
      expect(folder).toMatchObject({ type: 'string', default: '' });
      expect(folder.description).toMatch(/Empty = the default data folder/);
    }
    expect(describeParams('ImageEpisode').find((p) => p.name === 'dataFolder')!.description).toContain('data_batch_1.bin');
    expect(describeParams('OmniglotEpisode').find((p) => p.name === 'dataFolder')!.description).toContain('images_background');
  });

  it('throws for an unknown kind, listing the known ones', () => {
    expect(() => defaultParams('Conv')).toThrow(/Unknown node kind "Conv"; known kinds: BinaryPatternEpisode/);
  });
});

describe('describeParams', () => {
  it('describes each param of PlasticRecurrent for the inspector', () => {
    const params = Object.fromEntries(describeParams('PlasticRecurrent').map((p) => [p.name, p]));
    expect(Object.keys(params)).toEqual(['size', 'rule', 'alpha', 'learnEta', 'etaInit', 'wInit', 'alphaInit', 'inputMode', 'inputGain', 'plasticSelfConnections', 'traceClip']);
    expect(params.size).toMatchObject({ type: 'integer', default: 1001, min: 1, max: 10_000 });
    expect(params.etaInit).toMatchObject({ type: 'number', default: 0.01, min: 0, minExclusive: true, max: 1, maxExclusive: true });
    expect(params.rule).toMatchObject({ type: 'enum', default: 'hebb', options: ['hebb', 'oja'] });
    expect(params.learnEta).toMatchObject({ type: 'boolean', default: true });
    expect(params.inputGain.description).toContain('20');
  });

  it('puts ranges into words', () => {
    expect(describeRange({ name: 'a', type: 'number', description: '', default: 0, min: 0, max: 1, minExclusive: true, maxExclusive: true })).toBe(
      'between 0 and 1 (both excluded)',
    );
    expect(describeRange({ name: 'a', type: 'integer', description: '', default: 0, min: 1, max: 5 })).toBe('between 1 and 5');
    expect(describeRange({ name: 'a', type: 'number', description: '', default: 0, min: 0, minExclusive: true })).toBe('greater than 0');
    expect(describeRange({ name: 'a', type: 'boolean', description: '', default: true })).toBeUndefined();
  });
});
