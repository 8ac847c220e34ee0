// Seeded fuzzing of everything that reads a user's files: graph files through `validate` and `info`, model
// bundles and training checkpoints through `run` and `train --resume`, and the same files through the browser
// mode's request handlers. Every case must end as success or as a user error naming the file (CLI exit 1, the
// app's message without "Unexpected error"); an exit 2, a crash or a message from inside the engine fails.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHandlers, dispatch } from '../../app/main/handlers/index.ts';
import { TrainingHost } from '../../app/main/training/host.ts';
import { createRng, type Rng } from '../util/random.ts';
import { createProgram, runProgram } from './program.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-fuzz-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs the CLI in this process (the same code as bin/plasticity.js) and returns its exit code and output. */
async function plasticity(...args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const record = (...parts: unknown[]) => lines.push(parts.map(String).join(' '));
  const log = vi.spyOn(console, 'log').mockImplementation(record);
  const error = vi.spyOn(console, 'error').mockImplementation(record);
  const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.exitCode = 0;
  try {
    await runProgram(createProgram(), ['node', 'plasticity', ...args]);
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, output: lines.join('\n') };
}

// ---- mutations --------------------------------------------------------------------------------------------

const strange: ((rng: Rng) => unknown)[] = [
  () => null,
  () => -1,
  () => 0,
  () => 1e300,
  () => 2 ** 53,
  () => 0.5,
  () => '',
  () => 'x'.repeat(5000),
  () => true,
  () => [],
  () => ({}),
  () => ({ nested: { deeper: [1, 2, 3] } }),
  (rng) => rng.int(2000) - 1000,
  () => '../../etc/passwd',
  () => '\u0000\uFEFF\uD800',
];

/** Every path to a value inside `value`, so a mutation can reach any field. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const at = [...prefix, Array.isArray(value) ? Number(key) : key];
      out.push(at);
      paths(child, at, out);
    }
  }
  return out;
}

/** 1–3 edits of a JSON value: a field removed, replaced by a strange value, or an array item duplicated. */
function mutateJson(original: unknown, rng: Rng): unknown {
  const value = structuredClone(original);
  for (let edits = 1 + rng.int(3); edits > 0; edits--) {
    const all = paths(value);
    const at = all[rng.int(all.length)];
    const parent = at.slice(0, -1).reduce((node: any, key) => node[key], value as any);
    const key = at[at.length - 1];
    const choice = rng.int(3);
    if (choice === 0 && !Array.isArray(parent)) delete parent[key];
    else if (choice === 1 && Array.isArray(parent[key]) && parent[key].length > 0) parent[key].push(structuredClone(parent[key][rng.int(parent[key].length)]));
    else parent[key] = strange[rng.int(strange.length)](rng);
  }
  return value;
}

/** A few bytes flipped, or the file cut short. */
function mutateBytes(bytes: Uint8Array, rng: Rng): Uint8Array {
  const copy = new Uint8Array(bytes);
  if (rng.int(3) === 0) return copy.subarray(0, rng.int(copy.length));
  for (let flips = 1 + rng.int(4); flips > 0; flips--) copy[rng.int(copy.length)] ^= 1 << rng.int(8);
  return copy;
}

// ---- checks -----------------------------------------------------------------------------------------------

/** What must never appear: messages from inside the engine rather than about the user's file. */
const internal = /Maximum call stack|TypeError|RangeError|ReferenceError|is not a function|Cannot read propert|undefined is not|Unexpected error|Invalid typed array/;

/** How the cases ended, by command: a fuzz run where nothing succeeds (or nothing fails) tests nothing. */
const outcomes = new Map<string, { passed: number; refused: number }>();

function expectUserFacing(result: { code: number; output: string }, file: string, what: string): void {
  const command = what.split(' ')[0];
  const tally = outcomes.get(command) ?? { passed: 0, refused: 0 };
  outcomes.set(command, tally);
  if (result.code === 0) tally.passed++;
  else tally.refused++;
  expect(result.code, `${what}\n${result.output}`).toBeLessThanOrEqual(1);
  expect(result.output, what).not.toMatch(internal);
  if (result.code === 1) expect(result.output, what).toContain(path.basename(file));
}

const smallGraph = path.join(repoRoot, 'templates/binary-patterns-50bit-plastic.plastic.json');
let runDir: string;
let bundleDir: string;

beforeAll(async () => {
  runDir = path.join(work, 'run');
  expect((await plasticity('train', smallGraph, '--episodes', '2', '--backend', 'cpu', '--out', runDir)).code).toBe(0);
  bundleDir = path.join(work, 'bundle');
  expect((await plasticity('export', runDir, '--out', bundleDir)).code).toBe(0);
});

describe('fuzzing what users hand to the CLI and the app', () => {
  const rng = createRng('fuzz-2026');
  const cases = { graphs: 0, bundles: 0, checkpoints: 0 };
  let handlers: ReturnType<typeof createHandlers>;
  beforeAll(() => {
    handlers = createHandlers({
      mode: 'browser',
      version: 'fuzz',
      dataDir: path.join(work, 'data'),
      runsDir: path.join(work, 'runs'),
      templatesDir: path.join(repoRoot, 'templates'),
      docsRoot: repoRoot,
      documentsDir: work,
      workspace: [work],
      training: new TrainingHost({ runsDir: path.join(work, 'runs'), spawn: () => ({ send() {}, onMessage() {}, onExit() {}, kill() {} }) }),
    });
  });
  const expectAppAnswer = async (channel: 'graph:open' | 'bundle:open', file: string) => {
    const answer = await dispatch(handlers, channel, { path: file });
    if (!answer.ok) expect(answer.error.message, `${channel} ${file}`).not.toMatch(internal);
  };

  it('mutated graph files: validate, info and the app’s graph:open answer with the file and field, or succeed', async () => {
    const templates = fs.readdirSync(path.join(repoRoot, 'templates')).filter((name) => name.endsWith('.plastic.json'));
    for (let i = 0; i < 800; i++) {
      const template = JSON.parse(fs.readFileSync(path.join(repoRoot, 'templates', templates[i % templates.length]), 'utf8'));
      const file = path.join(work, `graph-${i}.plastic.json`);
      const text = JSON.stringify(mutateJson(template, rng.fork(`graph/${i}`)));
      fs.writeFileSync(file, i % 10 === 9 ? new TextDecoder().decode(mutateBytes(new TextEncoder().encode(text), rng.fork(`bytes/${i}`))) : text);
      expectUserFacing(await plasticity('validate', file), file, `validate ${file}: ${text.slice(0, 300)}`);
      expectUserFacing(await plasticity('info', file), file, `info ${file}`);
      await expectAppAnswer('graph:open', file);
      fs.rmSync(file);
      cases.graphs++;
    }
  });

  it('mutated bundles (model.json fields, weights.bin bytes): run and the app’s bundle:open fail cleanly or succeed', async () => {
    const model = JSON.parse(fs.readFileSync(path.join(bundleDir, 'model.json'), 'utf8'));
    const weights = fs.readFileSync(path.join(bundleDir, 'weights.bin'));
    for (let i = 0; i < 150; i++) {
      const dir = path.join(work, `bundle-${i}`);
      fs.mkdirSync(dir);
      const mutateModel = i % 2 === 0;
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(mutateModel ? mutateJson(model, rng.fork(`model/${i}`)) : model));
      fs.writeFileSync(path.join(dir, 'weights.bin'), mutateModel ? weights : mutateBytes(weights, rng.fork(`weights/${i}`)));
      expectUserFacing(await plasticity('run', dir, '--episodes', '1', '--json'), dir, `run ${dir}`);
      await expectAppAnswer('bundle:open', dir);
      fs.rmSync(dir, { recursive: true });
      cases.bundles++;
    }
  });

  it('mutated checkpoints: train --resume fails naming the checkpoint, or continues the run', async () => {
    const checkpoint = path.join(runDir, 'checkpoint');
    const manifest = JSON.parse(fs.readFileSync(path.join(checkpoint, 'model.json'), 'utf8'));
    const weights = fs.readFileSync(path.join(checkpoint, 'weights.bin'));
    for (let i = 0; i < 60; i++) {
      const run = path.join(work, `resume-${i}`);
      fs.cpSync(runDir, run, { recursive: true });
      const mutateManifest = i % 2 === 0;
      if (mutateManifest) fs.writeFileSync(path.join(run, 'checkpoint', 'model.json'), JSON.stringify(mutateJson(manifest, rng.fork(`manifest/${i}`))));
      else fs.writeFileSync(path.join(run, 'checkpoint', 'weights.bin'), mutateBytes(weights, rng.fork(`checkpoint-weights/${i}`)));
      expectUserFacing(await plasticity('train', '--resume', run, '--episodes', '3', '--backend', 'cpu'), run, `resume ${run}`);
      fs.rmSync(run, { recursive: true });
      cases.checkpoints++;
    }
    expect(cases.graphs + cases.bundles + cases.checkpoints).toBeGreaterThanOrEqual(1000);
    for (const [command, tally] of outcomes) {
      expect(tally.passed, `${command}: no mutated file was accepted`).toBeGreaterThan(0);
      expect(tally.refused, `${command}: no mutated file was refused`).toBeGreaterThan(0);
    }
    expect([...outcomes.keys()].sort()).toEqual(['info', 'resume', 'run', 'validate']);
    // A hostile file must not make the process hold on to memory: the whole fuzz run stays well under this.
    expect(process.memoryUsage().rss).toBeLessThan(3 * 1024 ** 3);
  }, 400_000); // 60 CLI processes: ~1 min on a quiet machine, several when the machine is busy
});
