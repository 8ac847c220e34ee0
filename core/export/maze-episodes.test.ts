// A bundle of a maze agent: its task episodes are played against the maze as in training (same loss and
// reward for the same episode and seed), and the runtime's `step`, fed the recorded observations, chooses
// with the policy the agent acted on.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../compile/backend.ts';
import { compileGraph } from '../compile/compile.ts';
import { parseGraphDocument } from '../graph/document.ts';
import { createRng } from '../util/random.ts';
import { loadModel } from './model.ts';
import { taskEpisodes } from './task-episodes.ts';
import { bundleOf } from './testing/bundles.ts';

beforeAll(async () => {
  await selectBackend('cpu');
});

const steps = 30;

function mazeGraph() {
  const file = path.resolve(import.meta.dirname, '../../templates/maze-plastic.plastic.json');
  const parsed = parseGraphDocument(fs.readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  parsed.document.nodes.find((n) => n.id === 'maze')!.params.episodeLength = steps;
  return parsed.document;
}

describe('maze bundles', () => {
  it('play episode n of the seed as the trainer does, and step like the agent', async () => {
    const doc = mazeGraph();
    const bundle = bundleOf(doc, { scale: 3 });
    const results = [...taskEpisodes(bundle, { episodes: 2, seed: 4, where: 'test' })];
    expect(Object.keys(results[1].outputs).sort()).toEqual(['policy/output', 'value/output']);

    const program = compileGraph(doc, { seed: doc.training.seed, initialValues: bundle.weights.values });
    const episodes = program.sampleEpisodes(createRng(4).fork('episode/2'), 1);
    tf.tidy(() => {
      const compiled = program.run(episodes);
      expect(results[1].loss).toBe(compiled.loss.dataSync()[0]);
      expect(results[1].metrics).toEqual(compiled.metrics);
      expect(Object.keys(compiled.metrics)).toEqual(['reward']);
    });
    program.dispose();

    const record = episodes.get('maze')!;
    const model = await loadModel(bundle);
    expect(model.inputs.map((i) => i.name)).toEqual(['maze/observation']);
    model.reset();
    for (let t = 0; t < steps; t++) {
      const policy = model.step(record.outputs.observation.subarray(t * 17, (t + 1) * 17))['policy/output'];
      policy.forEach((p, a) => expect(Math.abs(p - record.delayedInputs!.policy[t * 4 + a])).toBeLessThanOrEqual(1e-6));
    }
    model.dispose();
  });
});
