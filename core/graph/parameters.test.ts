import { describe, expect, it } from 'vitest';
import { binaryPatternGraph, graphOf } from './testing/fixtures.ts';
import { countGraphParameters } from './parameters.ts';
import { setParam } from './edits.ts';

describe('countGraphParameters', () => {
  it('counts the paper’s 1001-neuron plastic network: 2·1001² + 1 (Miconi et al. 2018, §4.1)', () => {
    const { nodes, total } = countGraphParameters(binaryPatternGraph());
    expect(nodes.memory).toEqual({ trainable: 2_004_003, plastic: 1001 * 1001 + 1 });
    expect(nodes.bits).toEqual({ trainable: 0, plastic: 0 });
    expect(total).toEqual({ trainable: 2_004_003, plastic: 1_002_002 });
  });

  it('counts the 51-neuron plastic network of the small comparison: 5,203', () => {
    expect(countGraphParameters(binaryPatternGraph({ patternSize: 50 })).total.trainable).toBe(5203);
  });

  it('shared alpha and a fixed eta shrink the plastic part to nothing but one alpha', () => {
    let doc = setParam(binaryPatternGraph(), 'memory', 'alpha', 'shared');
    doc = setParam(doc, 'memory', 'learnEta', false);
    expect(countGraphParameters(doc).nodes.memory).toEqual({ trainable: 1001 * 1001 + 1, plastic: 1 });
  });

  it('uses inferred input widths: the Omniglot plastic head 64→5 has 320 + 320 + 1', () => {
    const doc = graphOf(
      [
        { id: 'features', kind: 'Dense', params: { units: 64 } },
        { id: 'head', kind: 'PlasticDense', params: { units: 5 } },
        { id: 'lstm', kind: 'LSTM', params: { hiddenSize: 2000 } },
        { id: 'pick', kind: 'Slice', params: { size: 50 } },
      ],
      [
        ['features.output', 'head.input'],
        ['pick.output', 'lstm.input'],
      ],
    );
    const { nodes } = countGraphParameters(doc);
    expect(nodes.head).toEqual({ trainable: 641, plastic: 321 });
    // Miconi et al. 2018, §4.1: the LSTM baseline with 50 inputs and 2,000 units has about 16.4 M parameters.
    expect(nodes.lstm.trainable).toBe(4 * 2000 * (50 + 2000) + 8 * 2000);
    // Dense and Slice have no wired input here: the Dense counts only its bias, the Slice has no shapes.
    expect(nodes.features).toEqual({ trainable: 64, plastic: 0 });
  });
});
