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

  it('SquaredErrorLoss and SignErrorMetric: prediction and target must have the same shape', () => {
    for (const kind of ['SquaredErrorLoss', 'SignErrorMetric']) {
      expect(infer(kind, {}, { prediction: [10], target: [10] })).toEqual({ ok: true, outputs: {} });
      expect(infer(kind, {}, { prediction: [10] }).ok).toBe(true);
      const [issue] = issuesOf(infer(kind, {}, { prediction: [10], target: [2, 5] }));
      expect(issue.port).toBe('prediction');
      expect(issue.message).toContain('"prediction" has shape [10] but input "target" has shape [2, 5]');
    }
  });
});
