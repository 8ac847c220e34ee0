// Source: episodes of the natural-image memorisation and completion task (Miconi et al. 2018, §4.2), from CIFAR-10.
// A few grayscale images are each shown for several steps, with zero steps between them, over several
// cycles; then one of them is shown with its top or bottom half zeroed, and the network must complete it.
// Emits the step's input (1,024 pixels, plus a constant 1 for the bias neuron) and the target (the full
// test image at every step; the loss reads the last step). No gain: the receiving layer clamps or scales.
//
// The images are loaded once, when the graph is built (core/tasks: grayscale = R+G+B, minus the image's
// mean, over its max |value|, as the authors' code), so sampling an episode only copies pixels.
import { z } from 'zod';
import { type GrayImageSet, defaultImageEpisodeSettings as paper, generateImageEpisodes, imageEpisodeSteps } from '../episodes/image-episodes.ts';
import { type HeldOutSplit, defineNodeKind } from './kind.ts';

/** CIFAR-10 images are 32×32: 1,024 pixels, one neuron each. */
export const cifarImageSide = 32;
const pixelCount = cifarImageSide * cifarImageSide;

const count = (description: string, fallback: number, { min = 1, max = 1000 } = {}) =>
  z.number().int().min(min).max(max).default(fallback).describe(description);

export const ImageEpisodeParams = z.object({
  imageCount: count('Images to memorise in each episode (all different).', paper.imageCount, { max: 100 }),
  presentationSteps: count('Steps each image is shown for, per presentation.', paper.presentationSteps),
  gapSteps: count('Zero-input steps after each presentation (the authors’ code uses 2; the paper’s text says 3).', paper.gapSteps, { min: 0 }),
  cycles: count('How many times the whole set is presented (each time in a new random order).', paper.cycles),
  testSteps: count('Steps the half-erased test image is shown for.', paper.testSteps),
  biasNeuron: z.boolean().default(paper.biasNeuron).describe('Add one input that is 1 at every step, to drive a bias neuron.'),
  dataFolder: z
    .string()
    .default('')
    .describe(
      'Folder holding the official CIFAR-10 binary files (data_batch_1.bin … data_batch_4.bin from cifar-10-batches-bin/, or the cifar-10-binary.tar.gz archive itself). Empty = the default data folder: PLASTICITY_DATA_DIR when set, else the per-user data folder (on Linux ~/.local/share/plasticity-studio/datasets).',
    ),
});
export type ImageEpisodeParams = z.infer<typeof ImageEpisodeParams>;

export const ImageEpisode = defineNodeKind<ImageEpisodeParams>({
  kind: 'ImageEpisode',
  title: 'Natural images (CIFAR-10)',
  category: 'source',
  description:
    'Shows a few CIFAR-10 images (grayscale, 32×32) several times, then one of them with its top or bottom half erased; the network must complete it (Miconi et al. 2018, §4.2).',
  inputs: [],
  outputs: [
    { name: 'input', description: 'The 1,024 pixels shown at this step (0 during gaps), plus the bias input when enabled.' },
    { name: 'target', description: 'The complete test image (1,024 pixels in [−1, 1]), the same at every step.' },
  ],
  params: ImageEpisodeParams,
  stateful: false,
  inferShapes: (params) => ({
    ok: true,
    outputs: { input: [pixelCount + (params.biasNeuron ? 1 : 0)], target: [pixelCount] },
  }),
  countParameters: () => ({ trainable: 0, plastic: 0 }),
  episodeSteps: (params) => imageEpisodeSteps(params),
  datasets: (params) => [
    { dataset: 'cifar-training', param: 'dataFolder', source: params.dataFolder },
    { dataset: 'cifar-test', param: 'dataFolder', source: params.dataFolder },
  ],
  build(params, ctx) {
    let images: GrayImageSet;
    try {
      images = ctx.tasks.loadCifarTraining(params.dataFolder);
    } catch (error) {
      const folder = params.dataFolder.trim() === '' ? 'the default data folder' : `"dataFolder" (${params.dataFolder})`;
      throw new Error(`ImageEpisode "${ctx.nodeId}": cannot load CIFAR-10 training images from ${folder}: ${(error as Error).message}`);
    }
    if (images.height !== cifarImageSide || images.width !== cifarImageSide) {
      throw new Error(
        `ImageEpisode "${ctx.nodeId}": the images in ${images.source} are ${images.height}×${images.width}, but this node emits 32×32 CIFAR-10 images.`,
      );
    }
    if (images.count < params.imageCount) {
      throw new Error(
        `ImageEpisode "${ctx.nodeId}": "imageCount" is ${params.imageCount} but ${images.source} holds only ${images.count} images.`,
      );
    }
    const { imageCount, presentationSteps, gapSteps, cycles, testSteps, biasNeuron } = params;
    const settings = { imageCount, presentationSteps, gapSteps, cycles, testSteps, biasNeuron };
    // Held-out episodes show CIFAR-10's test images, loaded on first use (training never needs them).
    let testImages: GrayImageSet | undefined;
    const heldOutImages = (split: HeldOutSplit): GrayImageSet => {
      if (split === 'validation') {
        throw new Error(`ImageEpisode "${ctx.nodeId}": CIFAR-10 has no validation images here; evaluate on the "test" split.`);
      }
      try {
        testImages ??= ctx.tasks.loadCifarTest(params.dataFolder);
      } catch (error) {
        throw new Error(`ImageEpisode "${ctx.nodeId}": cannot load the CIFAR-10 test images: ${(error as Error).message}`);
      }
      return testImages;
    };
    return {
      role: 'source',
      sample: (rng, batchSize, heldOut) => generateImageEpisodes(settings, heldOut ? heldOutImages(heldOut) : images, rng, batchSize),
    };
  },
});
