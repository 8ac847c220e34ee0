// Rollout and replay on the maze templates: the replay (sequence mode, with gradients) computes the policy the
// rollout acted on; episodes depend only on the seed and the current parameters; graphs that cannot be played
// are refused with a message naming the node.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseGraphDocument, type GraphDocument } from '../graph/document.ts';
import { createRng } from '../util/random.ts';
import { selectBackend } from './backend.ts';
import { compileGraph, type CompiledProgram } from './compile.ts';
import { GraphInvalidError } from './errors.ts';

beforeAll(async () => {
  await selectBackend('cpu');
});

const templates = path.resolve(import.meta.dirname, '../../templates');

/** A maze template with shorter episodes (the rollout and replay are the same code at any length). */
function mazeGraph(name: string, steps = 80): GraphDocument {
  const parsed = parseGraphDocument(fs.readFileSync(path.join(templates, name), 'utf8'), name);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  const doc = parsed.document;
  doc.nodes.find((n) => n.id === 'maze')!.params.episodeLength = steps;
  return doc;
}

function withProgram<T>(doc: GraphDocument, seed: number, use: (program: CompiledProgram) => T): T {
  const program = compileGraph(doc, { seed });
  try {
    return use(program);
  } finally {
    program.dispose();
  }
}

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

const batchSize = 2;

describe('rollout and replay', () => {
  it.each(['maze-plastic.plastic.json', 'maze-homogeneous.plastic.json', 'maze-rnn.plastic.json'])(
    '%s: the replay computes the policy the rollout acted on',
    (name) => {
      withProgram(mazeGraph(name), 1, (program) => {
        const episodes = program.sampleEpisodes(createRng(5).fork('episode/1'), batchSize);
        const played = episodes.get('maze')!.delayedInputs!.policy;
        expect(played.length).toBe(80 * batchSize * 4);
        // The policy changes over the episode, so equal sequences are not equal by accident.
        expect(maxDifference(played.subarray(0, 4), played.subarray(79 * batchSize * 4, 79 * batchSize * 4 + 4))).toBeGreaterThan(1e-2);
        const replayed = (program: CompiledProgram) =>
          tf.tidy(() => {
            const result = program.run(episodes);
            expect(Number.isFinite(result.loss.dataSync()[0])).toBe(true);
            return Float32Array.from(result.value('policy', 'output')!.dataSync());
          });
        expect(maxDifference(replayed(program), played)).toBeLessThan(1e-5);

        // A replay with slightly different weights is told apart at this tolerance.
        const w = program.parameters.find((p) => p.name === 'memory/w')!.variable;
        w.assign(tf.tidy(() => tf.add(w, 0.01)));
        expect(maxDifference(replayed(program), played)).toBeGreaterThan(1e-4);
      });
    },
  );

  it('plays a network with a layer that has no array step (an LSTM) through tensors, and the replay computes the policy it acted on', () => {
    // The maze network with its plastic layer replaced by an LSTM: the rollout falls back to tensor streams.
    const doc = mazeGraph('maze-rnn.plastic.json', 40);
    const memory = doc.nodes.find((n) => n.id === 'memory')!;
    memory.kind = 'LSTM';
    memory.params = { hiddenSize: 100 };
    for (const edge of doc.edges) if (edge.to.node === 'memory') edge.to.port = 'input';
    withProgram(doc, 3, (program) => {
      const episodes = program.sampleEpisodes(createRng(4).fork('episode/1'), batchSize);
      const played = episodes.get('maze')!.delayedInputs!.policy;
      const replayed = tf.tidy(() => Float32Array.from(program.run(episodes).value('policy', 'output')!.dataSync()));
      expect(maxDifference(replayed, played)).toBeLessThan(1e-5);
    });
  });

  it('depends only on the seed: the same episode seed gives the same record, another seed another', () => {
    const doc = mazeGraph('maze-plastic.plastic.json', 40);
    const record = (initSeed: number, episodeSeed: number) =>
      withProgram(doc, initSeed, (program) => program.sampleEpisodes(createRng(episodeSeed).fork('episode/1'), batchSize).get('maze')!);
    const a = record(1, 5);
    expect(record(1, 5)).toEqual(a);
    expect(record(1, 6).outputs.action).not.toEqual(a.outputs.action);
    // Other initial parameters give another policy (the world's own draws are the same).
    expect(record(2, 5).delayedInputs!.policy).not.toEqual(a.delayedInputs!.policy);
  });

  it('acts with the current parameters', () => {
    withProgram(mazeGraph('maze-plastic.plastic.json', 60), 1, (program) => {
      // A policy bias of +20 on "up" makes the network go up nearly always.
      const bias = program.parameters.find((p) => p.name === 'policy/bias')!.variable;
      bias.assign(tf.tensor1d([20, 0, 0, 0]));
      const action = program.sampleEpisodes(createRng(3), 1).get('maze')!.outputs.action;
      let up = 0;
      for (let t = 0; t < 60; t++) up += action[t * 4];
      expect(up).toBeGreaterThanOrEqual(57);
    });
  });

  it('refuses a graph whose action-choosing layers read what is known only after acting', () => {
    const doc = mazeGraph('maze-plastic.plastic.json');
    doc.edges.find((e) => e.to.node === 'i2h')!.from = { node: 'maze', port: 'reward' };
    const compile = () => compileGraph(doc, { seed: 0 });
    expect(compile).toThrow(GraphInvalidError);
    expect(compile).toThrow(/Maze "maze": its output "reward" is known only after the agent has acted .* connect it to loss and metric heads only/);
    try {
      compile();
    } catch (error) {
      expect((error as GraphInvalidError).problems).toMatchObject([{ code: 'rollout', nodeId: 'maze', port: 'reward' }]);
    }
  });

  it('says how to fix a policy that is not a probability distribution', () => {
    const doc = mazeGraph('maze-plastic.plastic.json', 5);
    doc.nodes.find((n) => n.id === 'policy')!.params.activation = 'linear';
    withProgram(doc, 0, (program) => {
      expect(() => program.sampleEpisodes(createRng(0), 1)).toThrow(
        /Maze "maze": at step 0, batch element 0: input "policy" must be probabilities .* end the policy with a softmax/,
      );
    });
  });
});
