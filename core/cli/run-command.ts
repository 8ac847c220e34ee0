// `plasticity run <bundle>`: runs an exported model on episodes of the task its graph describes (episode n of
// seed S exactly as the trainer sampled it), or on an input sequence from a JSON file, and prints the outputs
// and the task's metrics.
import { Command, InvalidArgumentError, Option } from 'commander';
import fs from 'node:fs';
import { backendChoices, selectBackend, type BackendChoice } from '../compile/backend.ts';
import { decodeBundleAt } from '../export/bundle-files.ts';
import type { Bundle } from '../export/bundle-format.ts';
import { loadModel, ModelInputError, type StepInput } from '../export/model.ts';
import type { ModelPort } from '../export/model-graph.ts';
import { perEpisodeSteps, taskEpisodes } from '../export/task-episodes.ts';
import { withBundleErrors } from './export-command.ts';
import { CliError } from './load-graph.ts';
import { formatNumber } from './format.ts';

interface RunCommandOptions {
  episodes?: number;
  seed?: number;
  input?: string;
  backend: BackendChoice;
  json?: boolean;
}

/** A commander parser for a whole-number option of at least `min`, naming the option when the value is not. */
export function integer(name: string, min: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}, got "${value}".`);
    return n;
  };
}

const signed = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(3);
const formatMetrics = (loss: number | null, metrics: Record<string, number>) =>
  [...(loss === null ? [] : [`loss ${formatNumber(loss)}`]), ...Object.entries(metrics).map(([k, v]) => `${k} ${formatNumber(v)}`)].join(', ');

/**
 * Reads an input sequence: `[[step 1 values], [step 2 values], …]` for a model with one input, or
 * `{ "<input name>": [[…], …], … }` for several. Every problem names the file and the step.
 */
export function readInputSequence(file: string, inputs: readonly ModelPort[]): StepInput[] {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError([`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read it as JSON (${(error as Error).message})`}.`]);
  }
  const names = inputs.map((i) => `"${i.name}" (${i.size} values)`).join(', ');
  const sequences: Record<string, unknown> = Array.isArray(raw) ? { [inputs[0].name]: raw } : (raw as Record<string, unknown>);
  if (Array.isArray(raw) && inputs.length !== 1) {
    throw new CliError([`${file}: the model has ${inputs.length} inputs, ${names}; give an object with one steps × values array per input name.`]);
  }
  if (typeof sequences !== 'object' || sequences === null) throw new CliError([`${file}: expected an array of steps (each an array of numbers), or an object of such arrays by input name.`]);
  for (const name of Object.keys(sequences)) {
    if (!inputs.some((i) => i.name === name)) throw new CliError([`${file}: the model has no input "${name}"; its inputs are ${names}.`]);
  }
  let steps: number | undefined;
  for (const input of inputs) {
    const sequence = sequences[input.name];
    if (!Array.isArray(sequence) || sequence.length === 0) {
      throw new CliError([`${file}: ${sequence === undefined ? `the input "${input.name}" is missing` : `"${input.name}" must be a non-empty array of steps`}; each step is an array of ${input.size} numbers.`]);
    }
    if (steps !== undefined && sequence.length !== steps) throw new CliError([`${file}: "${input.name}" has ${sequence.length} steps but the other inputs have ${steps}.`]);
    steps = sequence.length;
    sequence.forEach((step, t) => {
      if (!Array.isArray(step) || step.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
        throw new CliError([`${file}: step ${t + 1} of "${input.name}" must be an array of numbers.`]);
      }
      if (step.length !== input.size) throw new CliError([`${file}: step ${t + 1} has ${step.length} values, but the model's input "${input.name}" takes ${input.size}.`]);
    });
  }
  return Array.from({ length: steps! }, (_, t) => Object.fromEntries(inputs.map((i) => [i.name, (sequences[i.name] as number[][])[t]])));
}

async function runOnInputFile(bundle: Bundle, file: string, json: boolean): Promise<void> {
  const model = await withBundleErrors(() => loadModel(bundle));
  try {
    const inputs = readInputSequence(file, model.inputs);
    const outputs = model.runEpisode(inputs);
    if (json) {
      console.log(JSON.stringify({ input: file, steps: inputs.length, outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.map((s) => Array.from(s))])) }));
      return;
    }
    for (const [name, steps] of Object.entries(outputs)) {
      console.log(`${name}:`);
      steps.forEach((values, t) => console.log(`  step ${String(t + 1).padStart(3)}: ${Array.from(values, signed).join(' ')}`));
    }
  } catch (error) {
    if (error instanceof ModelInputError) throw new CliError([`${file}: ${error.message}`]);
    throw error;
  } finally {
    model.dispose();
  }
}

function runTaskEpisodes(bundle: Bundle, where: string, options: RunCommandOptions): void {
  const totals = new Map<string, number>();
  let count = 0;
  for (const result of taskEpisodes(bundle, { where, seed: options.seed, episodes: options.episodes ?? 1 })) {
    count++;
    const measured = { ...(result.loss === null ? {} : { loss: result.loss }), ...result.metrics };
    for (const [k, v] of Object.entries(measured)) totals.set(k, (totals.get(k) ?? 0) + v);
    if (options.json) {
      const outputs = Object.fromEntries(Object.entries(result.outputs).map(([name, output]) => [name, perEpisodeSteps(output)]));
      console.log(JSON.stringify({ episode: result.episode, ...measured, outputs }));
      continue;
    }
    console.log(`episode ${result.episode}: ${formatMetrics(result.loss, result.metrics) || 'no loss or metrics in this graph'}`);
    for (const [name, output] of Object.entries(result.outputs)) {
      perEpisodeSteps(output).forEach((steps, b) => {
        const which = output.batchSize > 1 ? ` (batch element ${b + 1})` : '';
        console.log(`  ${name}, last step${which}: ${steps[steps.length - 1].map(signed).join(' ')}`);
      });
    }
  }
  if (count > 1 && totals.size) {
    const means = [...totals].map(([k, v]) => `${k} ${formatNumber(v / count)}`).join(', ');
    (options.json ? console.error : console.log)(`mean over ${count} episodes: ${means}`);
  }
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description("run a model bundle on episodes of its task (as the trainer sampled them), or on an input sequence from a JSON file")
    .argument('<bundle>', 'model bundle: a folder or .zip from `plasticity export`')
    .option('--episodes <n>', 'episodes 1..n of the task (default 1)', integer('--episodes', 1))
    .option('--seed <s>', "seed of the episodes (default: the run's seed, so episode n is training's episode n)", integer('--seed', Number.MIN_SAFE_INTEGER))
    .option('--input <file>', 'JSON file with the input of each step, steps × values (or an object of those by input name), instead of the task')
    .addOption(new Option('--backend <name>', 'tensor backend').choices([...backendChoices]).default('auto'))
    .option('--json', 'print JSON on stdout: one object per episode (outputs as [batch][step][value]), or one for the --input sequence (outputs as [step][value])')
    .action(async (file: string, options: RunCommandOptions) => {
      if (options.input && (options.episodes !== undefined || options.seed !== undefined)) {
        throw new CliError(['plasticity run: --input runs your own sequence; --episodes and --seed choose episodes of the task. Give one or the other.'], 2);
      }
      const bundle = await withBundleErrors(() => decodeBundleAt(file));
      const backend = await selectBackend(options.backend);
      const { training } = bundle.manifest;
      if (!options.json) {
        console.error(`${bundle.graph.meta.name}: trained ${training.episodesDone} episodes (seed ${training.seed}) on ${bundle.manifest.producedBy.backend}; running on ${backend}.`);
      }
      if (options.input) await runOnInputFile(bundle, options.input, Boolean(options.json));
      else await withBundleErrors(() => runTaskEpisodes(bundle, file, options));
    });
}
