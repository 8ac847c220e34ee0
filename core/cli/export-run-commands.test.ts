// `plasticity export` and `plasticity run` as a user meets them, checked against the trainer's own numbers:
// a run is trained for 3 episodes and exported; resuming it for a 4th episode makes the trainer evaluate
// exactly the exported weights on episode 4 (its loss lands in metrics.jsonl); `plasticity run --episodes 4`
// must report that loss, and outputs that reproduce it.
import { unzipSync } from 'fflate';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliIn } from './testing/run-cli.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../compile/backend.ts';
import { compileGraph } from '../compile/compile.ts';
import { parseGraphDocument, type GraphDocument } from '../graph/document.ts';
import { loadModel } from '../export/model.ts';
import { readMetrics } from '../train/run-folder.ts';
import { trainGraph } from '../train/trainer.ts';
import { createRng } from '../util/random.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-export-cli-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const plasticity = cliIn(work);

/** stderr without tfjs's one-time banner about tfjs-node. */
const problems = (stderr: string) => stderr.split('\n').filter((line) => line.trim() && !line.startsWith('====') && !line.includes('TensorFlow.js in Node.js'));

const seed = 11;
const runDir = path.join(work, 'run');
const bundleZip = path.join(work, 'exported.zip');
let doc: GraphDocument;
let exported: Awaited<ReturnType<typeof plasticity>>;

beforeAll(async () => {
  await selectBackend('cpu');
  const parsed = parseGraphDocument(fs.readFileSync(path.join(repoRoot, 'templates/binary-patterns-50bit-plastic.plastic.json'), 'utf8'));
  if (!parsed.ok) throw new Error('template does not parse');
  doc = parsed.document;
  await trainGraph(doc, { outDir: runDir, episodes: 3, seed, backend: 'cpu' });
  exported = await plasticity('export', runDir, '--out', bundleZip);
  // The trainer's 4th episode is computed with exactly the parameters the bundle holds.
  await trainGraph(doc, { outDir: runDir, episodes: 4, resume: true, backend: 'cpu' });
});

/** Episode n of the run's seed, sampled as the trainer does. */
function trainingEpisode(n: number) {
  const program = compileGraph(doc, { seed });
  const episode = program.sampleEpisodes(createRng(seed).fork(`episode/${n}`), 1).get('patterns')!;
  program.dispose();
  return episode;
}

describe('plasticity export', () => {
  it('writes a zip when --out ends in .zip and says what it holds', () => {
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`${bundleZip}: 3 weights after 3 episodes (seed ${seed})`);
    expect(fs.readFileSync(bundleZip).subarray(0, 2).toString()).toBe('PK');
  });
});

describe('plasticity run', () => {
  it('gives the loss, metrics and outputs the trainer produced for the same episode and seed', async () => {
    const [task, withInput] = await Promise.all([
      plasticity('run', bundleZip, '--episodes', '4', '--json', '--backend', 'cpu'),
      (async () => {
        // The same episode 4, given as a user's input sequence (steps × values).
        const episode = trainingEpisode(4);
        const width = episode.outputs.input.length / episode.steps;
        const steps = Array.from({ length: episode.steps }, (_, t) => Array.from(episode.outputs.input.subarray(t * width, (t + 1) * width)));
        fs.writeFileSync(path.join(work, 'episode4.json'), JSON.stringify(steps));
        return plasticity('run', bundleZip, '--input', 'episode4.json', '--json', '--backend', 'cpu');
      })(),
    ]);
    expect(problems(task.stderr)).toEqual([expect.stringMatching(/^mean over 4 episodes: loss \d/)]);
    expect(task.code).toBe(0);
    const lines = task.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((l) => l.episode)).toEqual([1, 2, 3, 4]);

    const trainer = readMetrics(runDir).find((r) => r.episode === 4)!;
    const ours = lines[3];
    expect(Math.abs(ours.loss - trainer.loss!)).toBeLessThanOrEqual(1e-6 * Math.abs(trainer.loss!));
    expect(ours.signError).toBe(trainer.signError);

    // The printed outputs are the ones behind that loss: the squared error of the last step against the target.
    const outputs: number[][] = ours.outputs['readout/output'][0];
    const episode = trainingEpisode(4);
    const last = outputs[outputs.length - 1];
    const target = episode.outputs.target.subarray((episode.steps - 1) * 50, episode.steps * 50);
    const loss = last.reduce((sum, value, i) => sum + (value - target[i]) ** 2, 0);
    expect(Math.abs(loss - trainer.loss!)).toBeLessThanOrEqual(1e-5 * trainer.loss!);

    // Step by step through the runtime API, and the user's input file, give the same outputs to 1e-6.
    const model = await loadModel(bundleZip);
    const width = episode.outputs.input.length / episode.steps;
    const stepped = outputs.map((_, t) => model.step(episode.outputs.input.subarray(t * width, (t + 1) * width))['readout/output']);
    model.dispose();
    expect(withInput.code).toBe(0);
    const fromFile: number[][] = JSON.parse(withInput.stdout).outputs['readout/output'];
    expect(fromFile).toHaveLength(outputs.length);
    outputs.forEach((row, t) =>
      row.forEach((value, i) => {
        expect(Math.abs(stepped[t][i] - value)).toBeLessThanOrEqual(1e-6);
        expect(Math.abs(fromFile[t][i] - value)).toBeLessThanOrEqual(1e-6);
      }),
    );
  });

  it('reports a broken bundle or a bad input file in one line, without a stack trace', async () => {
    // (Every kind of broken bundle is covered in core/export/bundle.test.ts; here, that the CLI prints it cleanly.)
    const truncated = path.join(work, 'truncated');
    fs.mkdirSync(truncated);
    const zipped = unzipSync(fs.readFileSync(bundleZip));
    fs.writeFileSync(path.join(truncated, 'model.json'), zipped['model.json']);
    fs.writeFileSync(path.join(truncated, 'weights.bin'), zipped['weights.bin'].subarray(0, 1000));
    fs.writeFileSync(path.join(work, 'short.json'), JSON.stringify([[1, 2, 3]]));
    const [broken, badInput] = await Promise.all([plasticity('run', truncated), plasticity('run', bundleZip, '--input', 'short.json')]);
    for (const result of [broken, badInput]) {
      expect(result.code).toBe(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(problems(broken.stderr)).toEqual([`${truncated}: weights.bin has 1000 bytes but model.json describes 20812 (3 float32 weights): the file is truncated.`]);
    expect(problems(badInput.stderr).at(-1)).toBe('short.json: step 1 has 3 values, but the model\'s input "patterns/input" takes 51.');
  });
});
