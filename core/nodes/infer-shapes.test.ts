// The shape rule of every kind, called directly with its default params (validate.test.ts covers how the
// graph reports these issues).
import { describe, expect, it } from 'vitest';
import { defaultParams, nodeCatalog } from './catalog.ts';
import type { Shape, ShapeResult } from './kind.ts';

function infer(kind: string, params: Record<string, unknown>, inputs: Record<string, Shape> = {}): ShapeResult {
  const node = nodeCatalog.get(kind)!;
  return node.inferShapes(node.params.parse({ ...defaultParams(kind), ...params }), inputs);
}

const issuesOf = (result: ShapeResult) => (result.ok ? [] : result.issues);

describe('inferShapes', () => {
  it('BinaryPatternEpisode: input is patternSize plus the bias slot, target is patternSize', () => {
    expect(infer('BinaryPatternEpisode', {})).toEqual({ ok: true, outputs: { input: [1001], target: [1000] } });
    expect(infer('BinaryPatternEpisode', { patternSize: 50, biasNeuron: false })).toEqual({ ok: true, outputs: { input: [50], target: [50] } });
    const [issue] = issuesOf(infer('BinaryPatternEpisode', { patternSize: 51 }));
    expect(issue).toMatchObject({ param: 'patternSize' });
    expect(issue.message).toContain('even');
    expect(infer('BinaryPatternEpisode', { patternSize: 51, balanced: false }).ok).toBe(true);
  });

  it('PlasticRecurrent and Recurrent: the drive must have one value per neuron', () => {
    for (const kind of ['PlasticRecurrent', 'Recurrent']) {
      expect(infer(kind, { size: 51 }, { drive: [51] })).toEqual({ ok: true, outputs: { output: [51] } });
      expect(infer(kind, { size: 51 })).toEqual({ ok: true, outputs: { output: [51] } });
      const [issue] = issuesOf(infer(kind, { size: 51 }, { drive: [50] }));
      expect(issue).toMatchObject({ port: 'drive' });
      expect(issue.message).toContain('width 50 but the layer has 51 neurons');
    }
    // A multi-dimensional drive is accepted when its total width matches.
    expect(infer('PlasticRecurrent', { size: 961 }, { drive: [1, 31, 31] }).ok).toBe(true);
    expect(issuesOf(infer('PlasticRecurrent', { size: 960 }, { drive: [1, 31, 31] }))[0].message).toContain('(shape [1, 31, 31])');
  });

  it('PlasticDense: any input width, the teaching input must match the units', () => {
    expect(infer('PlasticDense', { units: 5 }, { input: [64] })).toEqual({ ok: true, outputs: { output: [5] } });
    expect(infer('PlasticDense', { units: 5 }, { input: [64], teach: [5] }).ok).toBe(true);
    const [issue] = issuesOf(infer('PlasticDense', { units: 5 }, { input: [64], teach: [4] }));
    expect(issue).toMatchObject({ port: 'teach' });
  });

  it('LSTM and Dense: output width from the params, any input', () => {
    expect(infer('LSTM', { hiddenSize: 2000 }, { input: [50] })).toEqual({ ok: true, outputs: { output: [2000] } });
    expect(infer('Dense', { units: 4 }, { input: [1, 31, 31] })).toEqual({ ok: true, outputs: { output: [4] } });
  });

  it('Slice: the kept range must fit in the input', () => {
    expect(infer('Slice', { start: 1, size: 3 }, { input: [4] })).toEqual({ ok: true, outputs: { output: [3] } });
    expect(issuesOf(infer('Slice', { start: 2, size: 3 }, { input: [4] }))[0]).toMatchObject({ param: 'size' });
    expect(issuesOf(infer('Slice', { start: 4, size: 1 }, { input: [4] }))[0]).toMatchObject({ param: 'start' });
  });

  it('Pad: widens, never narrows', () => {
    expect(infer('Pad', { size: 2051 }, { input: [51] })).toEqual({ ok: true, outputs: { output: [2051] } });
    expect(issuesOf(infer('Pad', { size: 50 }, { input: [51] }))[0]).toMatchObject({ param: 'size' });
  });

  it('ImageEpisode: 1,024 pixels plus the bias slot, target 1,024', () => {
    expect(infer('ImageEpisode', {})).toEqual({ ok: true, outputs: { input: [1025], target: [1024] } });
    expect(infer('ImageEpisode', { biasNeuron: false })).toEqual({ ok: true, outputs: { input: [1024], target: [1024] } });
  });

  it('OmniglotEpisode: a [1, 31, 31] image, label and target as wide as classCount', () => {
    expect(infer('OmniglotEpisode', {})).toEqual({ ok: true, outputs: { image: [1, 31, 31], label: [5], target: [5] } });
    expect(infer('OmniglotEpisode', { classCount: 20 })).toEqual({ ok: true, outputs: { image: [1, 31, 31], label: [20], target: [20] } });
  });

  it('Conv2d: [C, H, W] → [filters, H′, W′]; the kernel must fit and the input must be an image', () => {
    expect(infer('Conv2d', {}, { input: [1, 31, 31] })).toEqual({ ok: true, outputs: { output: [64, 15, 15] } });
    expect(infer('Conv2d', { filters: 8, kernelSize: 2, stride: 1 }, { input: [3, 5, 4] })).toEqual({ ok: true, outputs: { output: [8, 4, 3] } });
    expect(infer('Conv2d', { padding: 'same' }, { input: [64, 7, 6] })).toEqual({ ok: true, outputs: { output: [64, 4, 3] } });
    expect(infer('Conv2d', { kernelSize: 3 }, { input: [64, 3, 3] })).toEqual({ ok: true, outputs: { output: [64, 1, 1] } });
    // Unknown until an image arrives.
    expect(infer('Conv2d', {})).toEqual({ ok: true, outputs: {} });
    const [flat] = issuesOf(infer('Conv2d', {}, { input: [961] }));
    expect(flat).toMatchObject({ port: 'input' });
    expect(flat.message).toContain('[961] but a convolution needs an image [channels, height, width]');
    expect(issuesOf(infer('Conv2d', {}, { input: [31, 31] }))[0].message).toContain('[1, 31, 31]');
    const [tooBig] = issuesOf(infer('Conv2d', { kernelSize: 3 }, { input: [64, 2, 5] }));
    expect(tooBig).toMatchObject({ param: 'kernelSize' });
    expect(tooBig.message).toContain('only 2×5');
    expect(infer('Conv2d', { kernelSize: 3, padding: 'same' }, { input: [64, 2, 5] })).toEqual({ ok: true, outputs: { output: [64, 1, 3] } });
  });

  it('SquaredErrorLoss, BinaryCrossEntropyLoss, SignErrorMetric and AccuracyMetric: prediction and target must have the same shape', () => {
    for (const kind of ['SquaredErrorLoss', 'BinaryCrossEntropyLoss', 'SignErrorMetric', 'AccuracyMetric']) {
      expect(infer(kind, {}, { prediction: [10], target: [10] })).toEqual({ ok: true, outputs: {} });
      expect(infer(kind, {}, { prediction: [10] }).ok).toBe(true);
      const [issue] = issuesOf(infer(kind, {}, { prediction: [10], target: [2, 5] }));
      expect(issue.port).toBe('prediction');
      expect(issue.message).toContain('"prediction" has shape [10] but input "target" has shape [2, 5]');
    }
  });
});
