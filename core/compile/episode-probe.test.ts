// The episode probe records what training computes: the same outputs as the trainer's sequence-mode forward on
// the same episode and seed (to 1e-6, relative where a value exceeds 1), and Hebbian traces that follow the
// paper's update (Miconi, Clune & Stanley 2018, §3, Eq. 2: Hebb ← (1 − η)·Hebb + η·x_pre·x_post) from the
// recorded activations.
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { parseGraphDocument } from '../graph/document.ts';
import { createRng } from '../util/random.ts';
import { compileGraph } from './compile.ts';
import { recordEpisode } from './episode-probe.ts';

const template = path.resolve(import.meta.dirname, '../../templates/binary-patterns-50bit-plastic.plastic.json');

function compileTemplate(seed: number) {
  const parsed = parseGraphDocument(fs.readFileSync(template, 'utf8'));
  if (!parsed.ok) throw new Error(parsed.problems[0].message);
  return compileGraph(parsed.document, { seed });
}

describe('the episode probe', () => {
  it('records the trainer’s outputs for the same episode and seed, and traces that follow the Hebbian update', () => {
    const seed = 5;
    const program = compileTemplate(seed);
    try {
      // Episode 1 of a run with this seed, sampled as the trainer samples it, at batch 2.
      const episodes = program.sampleEpisodes(createRng(seed).fork('episode/1'), 2);
      const trained = tf.tidy(() => {
        const result = program.run(episodes);
        return { memory: result.value('memory', 'output')!.dataSync().slice(), readout: result.value('readout', 'output')!.dataSync().slice() };
      });
      const steps = episodes.get('patterns')!.steps;
      const recorded = recordEpisode(program.interpreter, episodes, { stateSteps: Array.from({ length: steps }, (_, t) => t) });
      expect(recorded.steps).toBe(steps);
      const memory = recorded.values.get('memory/output')!;
      expect(memory.length).toBe(trained.memory.length);
      for (let k = 0; k < memory.length; k++) expect(Math.abs(memory[k] - trained.memory[k])).toBeLessThan(1e-6);
      const readout = recorded.values.get('readout/output')!;
      for (let k = 0; k < readout.length; k++) expect(Math.abs(readout[k] - trained.readout[k])).toBeLessThan(1e-6);

      // The trace that shaped step t: H_0 = 0, H_t = (1 − η)·H_{t−1} + η·x_{t−1} ⊗ y_{t−1}, where y_t is the
      // layer's output at step t and x_t its presynaptic input, the previous output (x_0 = 0).
      const eta = program.parameters.find((p) => p.name === 'memory/eta')!.variable.dataSync()[0];
      const n = 51;
      const batch = 2;
      const output = (t: number, b: number, j: number) => (t < 0 ? 0 : memory[(t * batch + b) * n + j]);
      let expected = new Float64Array(batch * n * n);
      let largest = 0;
      for (let t = 0; t < steps; t++) {
        if (t > 0) {
          const next = new Float64Array(batch * n * n);
          for (let b = 0; b < batch; b++) {
            for (let i = 0; i < n; i++) {
              for (let j = 0; j < n; j++) {
                const k = (b * n + i) * n + j;
                next[k] = (1 - eta) * expected[k] + eta * output(t - 2, b, i) * output(t - 1, b, j);
              }
            }
          }
          expected = next;
        }
        const trace = recorded.states.get('memory/hebb')!.get(t)!;
        expect(trace.length).toBe(batch * n * n);
        for (let k = 0; k < trace.length; k++) {
          expect(Math.abs(trace[k] - expected[k])).toBeLessThan(1e-6);
          largest = Math.max(largest, Math.abs(trace[k]));
        }
      }
      // The check is not vacuous: the traces grew well away from zero during the episode.
      expect(largest).toBeGreaterThan(1e-3);
    } finally {
      program.dispose();
    }
  });

  // Every template kind of layer: dense and plastic on arrays (the maze, played against its environment);
  // convolutions and a plastic dense head through tensors (Omniglot, from the dataset folder).
  it.each([
    ['maze-plastic.plastic.json', ['i2h/output', 'memory/output', 'policy/output', 'value/output']],
    ['omniglot.plastic.json', ['conv1/output', 'conv4/output', 'classifier/output']],
  ])('records the trainer’s outputs for %s', (file, ports) => {
    const parsed = parseGraphDocument(fs.readFileSync(path.resolve(import.meta.dirname, '../../templates', file), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.problems[0].message);
    const program = compileGraph(parsed.document, { seed: 2 });
    try {
      const episodes = program.sampleEpisodes(createRng(2).fork('episode/1'), 2);
      const trained = tf.tidy(() => {
        const result = program.run(episodes);
        return ports.map((name) => result.value(name.split('/')[0], name.split('/')[1])!.dataSync().slice());
      });
      const recorded = recordEpisode(program.interpreter, episodes, { stateSteps: [0, 5] });
      // Each plastic layer's trace is recorded, whether it steps on arrays or through tensors.
      const plastic = file.startsWith('maze') ? 'memory/hebb' : 'classifier/hebb';
      expect([...recorded.states.get(plastic)!.keys()]).toEqual([0, 5]);
      expect(Math.max(...recorded.states.get(plastic)!.get(5)!.map(Math.abs))).toBeGreaterThan(0);
      ports.forEach((name, k) => {
        const values = recorded.values.get(name)!;
        expect(values.length).toBe(trained[k].length);
        // Relative to the value where it exceeds 1: the maze's input layer sees the raw step index (up to 249).
        let worst = 0;
        for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i] - trained[k][i]) / Math.max(1, Math.abs(trained[k][i])));
        expect(worst).toBeLessThan(1e-6);
      });
    } finally {
      program.dispose();
    }
  });

  it('names a layer it cannot step', () => {
    const program = compileTemplate(1);
    try {
      const episodes = program.sampleEpisodes(createRng(1).fork('episode/1'), 1);
      const memory = program.interpreter.node('memory') as { arrayStream?: unknown; stream?: unknown };
      const saved = { arrayStream: memory.arrayStream, stream: memory.stream };
      delete memory.arrayStream;
      delete memory.stream;
      expect(() => recordEpisode(program.interpreter, episodes)).toThrow('Node "memory" (Plastic recurrent layer) cannot be recorded one step at a time yet.');
      Object.assign(memory, saved);
    } finally {
      program.dispose();
    }
  });
});
