// Source: Omniglot N-way K-shot episodes (Miconi et al. 2018, §4.3; defaults 5-way 1-shot, 6 steps). The support
// steps show one drawing of each class with its one-hot label; the last step shows a new drawing of one
// of them with no label, and the network must name its class. Each class of an episode is turned by a
// random multiple of 90° (the paper's augmentation). Classes come from a fixed split of all 1,623
// characters: 1,523 for training, 100 held out (core/tasks/omniglot-episodes.ts).
//
// The drawings are loaded and resized to 31×31 once, when the graph is built (a few seconds with the
// paper's resize), so sampling an episode only copies pixels.
import { z } from 'zod';
import { type OmniglotDataset, generateOmniglotEpisodes, omniglotEpisodeSteps } from '../episodes/omniglot-episodes.ts';
import { defineNodeKind } from './kind.ts';

/** Drawings are resized 105 → 31, as the paper's code does. */
export const omniglotImageSide = 31;

export const OmniglotEpisodeParams = z.object({
  classCount: z.number().int().min(1).max(100).default(5).describe('N: classes per episode (5-way in the paper); also the width of the label and target.'),
  shots: z
    .number()
    .int()
    .min(1)
    .max(19)
    .default(1)
    .describe('K: labelled drawings of each class before the question (1-shot in the paper). Each character has 20 drawings.'),
  rotate: z.boolean().default(true).describe('Turn each class by a random multiple of 90° per episode (the paper’s augmentation).'),
  split: z
    .enum(['train', 'trainWithoutValidation', 'validation', 'test'])
    .default('train')
    .describe(
      'Which characters training episodes come from: "train" = the 1,523 training characters (the paper); "trainWithoutValidation" = 1,423 of them, leaving 100 validation characters unseen for choosing settings. Evaluation (training settings) draws from the "validation" or the 100 held-out "test" characters by itself.',
    ),
  resampling: z
    .enum(['skimage', 'area'])
    .default('skimage')
    .describe(
      'How drawings are shrunk from 105×105 to 31×31: "skimage" = the paper’s resize (Gaussian anti-aliasing + bilinear; a few seconds to load); "area" = the pre-shrunk area-averaged copy in the packed data (faster, slightly different stroke edges).',
    ),
  dataFolder: z
    .string()
    .default('')
    .describe(
      'Folder holding the official Omniglot images (images_background/ and images_evaluation/ from brendenlake/omniglot, or their zips). Empty = the default data folder: PLASTICITY_DATA_DIR when set, else the per-user data folder (on Linux ~/.local/share/plasticity-studio/datasets).',
    ),
});
export type OmniglotEpisodeParams = z.infer<typeof OmniglotEpisodeParams>;

export const OmniglotEpisode = defineNodeKind<OmniglotEpisodeParams>({
  kind: 'OmniglotEpisode',
  title: 'Omniglot few-shot',
  category: 'source',
  description:
    'N-way K-shot Omniglot episodes: labelled drawings of N characters, then a new drawing of one of them to classify (Miconi et al. 2018, §4.3).',
  inputs: [],
  outputs: [
    { name: 'image', description: 'The drawing shown at this step, [1, 31, 31] (1 = white background, 0 = ink).' },
    { name: 'label', description: 'Its one-hot class during the support steps; all zeros at the question step.' },
    { name: 'target', description: 'The one-hot class of the question’s drawing, the same at every step.' },
  ],
  params: OmniglotEpisodeParams,
  stateful: false,
  inferShapes: (params) => ({
    ok: true,
    outputs: { image: [1, omniglotImageSide, omniglotImageSide], label: [params.classCount], target: [params.classCount] },
  }),
  countParameters: () => ({ trainable: 0, plastic: 0 }),
  episodeSteps: (params) => omniglotEpisodeSteps(params),
  datasets: (params) => [{ dataset: 'omniglot', param: 'dataFolder', source: params.dataFolder }],
  build(params, ctx) {
    let dataset: OmniglotDataset;
    try {
      dataset = ctx.tasks.loadOmniglot(params.dataFolder, { resampling: params.resampling });
    } catch (error) {
      const folder = params.dataFolder.trim() === '' ? 'the default data folder' : `"dataFolder" (${params.dataFolder})`;
      throw new Error(`OmniglotEpisode "${ctx.nodeId}": cannot load Omniglot from ${folder}: ${(error as Error).message}`);
    }
    if (dataset.side !== omniglotImageSide) {
      throw new Error(
        `OmniglotEpisode "${ctx.nodeId}": the drawings from ${dataset.source} are ${dataset.side}×${dataset.side}, but this node emits ${omniglotImageSide}×${omniglotImageSide} images.`,
      );
    }
    const settings = { classCount: params.classCount, shots: params.shots, rotate: params.rotate };
    // Training draws from params.split, evaluation from the held-out parts: each must hold a whole episode's classes.
    for (const split of new Set([params.split, 'validation', 'test'] as const)) {
      const classes = dataset.split[split].length;
      if (classes < params.classCount) {
        throw new Error(
          `OmniglotEpisode "${ctx.nodeId}": "classCount" is ${params.classCount} but the ${split} split of ${dataset.source} has only ${classes} classes.`,
        );
      }
    }
    return {
      role: 'source',
      sample: (rng, batchSize, heldOut) => generateOmniglotEpisodes(settings, dataset, heldOut ?? params.split, rng, batchSize),
    };
  },
});
