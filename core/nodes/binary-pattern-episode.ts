// Source: episodes of the binary pattern memorisation task (Miconi et al. 2018, §4.1). Emits the step's input
// (patterns, gaps, then the half-zeroed test pattern, plus a constant 1 for the bias neuron) and the
// target (the full test pattern at every step). No input gain here: the receiving layer applies it.
import { z } from 'zod';
import { binaryPatternEpisodeSteps, binaryPatternInputSize, defaultBinaryPatternSettings as paper, generateBinaryPatternEpisodes } from '../episodes/binary-patterns.ts';
import { defineNodeKind, type NodeIssue } from './kind.ts';

const count = (description: string, fallback: number, { min = 1, max = 1000 } = {}) =>
  z.number().int().min(min).max(max).default(fallback).describe(description);

export const BinaryPatternEpisodeParams = z.object({
  patternSize: count('Bits per pattern (one neuron per bit).', paper.patternSize, { max: 100_000 }),
  patternCount: count('Patterns to memorise in each episode.', paper.patternCount),
  presentationSteps: count('Steps each pattern is shown for, per presentation.', paper.presentationSteps),
  gapSteps: count('Zero-input steps after each presentation.', paper.gapSteps, { min: 0 }),
  cycles: count('How many times the whole set is presented (each time in a new random order).', paper.cycles),
  testSteps: count('Steps the half-erased test pattern is shown for.', paper.testSteps),
  zeroFraction: z.number().min(0).max(1).default(paper.zeroFraction).describe('Fraction of the test pattern’s bits set to 0.'),
  balanced: z
    .boolean()
    .default(paper.balanced)
    .describe('Each pattern has exactly half +1 and half −1 bits (simple.py); off: independent random bits (simplest.py).'),
  biasNeuron: z.boolean().default(paper.biasNeuron).describe('Add one input that is 1 at every step, to drive a bias neuron.'),
});

export type BinaryPatternEpisodeParams = z.infer<typeof BinaryPatternEpisodeParams>;

export const BinaryPatternEpisode = defineNodeKind<BinaryPatternEpisodeParams>({
  kind: 'BinaryPatternEpisode',
  title: 'Binary patterns',
  category: 'source',
  description:
    'Shows a few random ±1 patterns several times, then one of them with half its bits erased; the network must complete it (Miconi et al. 2018, §4.1).',
  inputs: [],
  outputs: [
    { name: 'input', description: 'The pattern shown at this step (0 during gaps), plus the bias input when enabled.' },
    { name: 'target', description: 'The complete test pattern, the same at every step.' },
  ],
  params: BinaryPatternEpisodeParams,
  stateful: false,
  inferShapes(params) {
    if (params.balanced && params.patternSize % 2 !== 0) {
      const issue: NodeIssue = {
        param: 'patternSize',
        message: `balanced patterns need an even "patternSize" (half +1, half −1), but it is ${params.patternSize}; make it even or turn "balanced" off.`,
      };
      return { ok: false, issues: [issue] };
    }
    return { ok: true, outputs: { input: [binaryPatternInputSize(params)], target: [params.patternSize] } };
  },
  countParameters: () => ({ trainable: 0, plastic: 0 }),
  episodeSteps: (params) => binaryPatternEpisodeSteps(params),
  build(params) {
    return { role: 'source', sample: (rng, batchSize) => generateBinaryPatternEpisodes(params, rng, batchSize) };
  },
});

