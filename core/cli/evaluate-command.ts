// `plasticity evaluate <run folder | bundle>`: held-out evaluation of trained parameters, the same code the
// trainer runs every few episodes (core/train/evaluation.ts), so for the same seed, split, episodes and batch
// size the numbers are the trainer's to the last digit.
import { Command, Option } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { backendChoices, selectBackend, type BackendChoice } from '../compile/backend.ts';
import { compileGraph } from '../compile/compile.ts';
import { decodeBundleAt } from '../export/bundle-files.ts';
import type { GraphDocument } from '../graph/document.ts';
import type { HeldOutSplit } from '../nodes/kind.ts';
import { checkCheckpointFits, loadCheckpoint } from '../train/checkpoint.ts';
import { evaluateProgram, type EvaluationSummary } from '../train/evaluation.ts';
import { readRunInfo, runFiles } from '../train/run-folder.ts';
import { withBundleErrors } from './export-command.ts';
import { integer } from './run-command.ts';
import { CliError, readGraphFile } from './load-graph.ts';
import { formatInterval } from './format.ts';

interface EvaluateCommandOptions {
  episodes?: number;
  split?: HeldOutSplit;
  batchSize?: number;
  seed?: number;
  backend: BackendChoice;
  json?: boolean;
}

/** Trained parameters with the graph and seed they belong to. */
export interface TrainedParameters {
  graph: GraphDocument;
  values: ReadonlyMap<string, Float32Array>;
  seed: number;
  /** Training episodes behind these values. */
  episode: number;
  /** Throws when the values do not fit the built graph's parameters (checkpoints; bundles are checked on reading). */
  check?: (parameterNames: readonly string[]) => void;
}

/** A run folder's last checkpoint, or a bundle (folder or .zip). */
export async function readTrainedParameters(target: string): Promise<TrainedParameters> {
  if (fs.existsSync(path.join(target, runFiles.info))) {
    const info = readRunInfo(target);
    const checkpoint = loadCheckpoint(path.join(target, runFiles.checkpoint));
    const graph = readGraphFile(path.join(target, runFiles.graph));
    const dir = path.join(target, runFiles.checkpoint);
    return {
      graph,
      values: checkpoint.parameters.values,
      seed: info.seed,
      episode: checkpoint.episode,
      // A bundle's weights are checked against its graph when it is read; a checkpoint's once the graph is built,
      // so that a missing weight is an error rather than a fresh one evaluated as if trained.
      check: (names) => checkCheckpointFits(checkpoint, names, info.episodes, dir),
    };
  }
  const bundle = await withBundleErrors(() => decodeBundleAt(target));
  return { graph: bundle.graph, values: bundle.weights.values, seed: bundle.manifest.training.seed, episode: bundle.manifest.training.episodesDone };
}


/** One line: "test, 2000 episodes: accuracy 0.9125 [0.8995, 0.9240], loss 0.0321 [0.0301, 0.0341] (95% intervals)". */
export function formatEvaluation(summary: EvaluationSummary): string {
  const parts = [...Object.entries(summary.metrics).map(([name, i]) => `${name} ${formatInterval(i)}`), `loss ${formatInterval(summary.loss)}`];
  return `${summary.split}, ${summary.episodes} episodes: ${parts.join(', ')} (95% intervals, ${summary.seconds.toFixed(1)} s)`;
}

export function registerEvaluateCommand(program: Command): void {
  program
    .command('evaluate')
    .description('held-out evaluation of a run\'s last checkpoint or of a model bundle: means with 95% confidence intervals')
    .argument('<target>', 'run folder or model bundle (folder or .zip)')
    .option('--episodes <n>', 'held-out episodes (default: the graph\'s training.evaluation.episodes, else 1000)', integer('--episodes', 1))
    .addOption(new Option('--split <name>', 'held-out part of the data (default: the graph\'s, else test)').choices(['test', 'validation']))
    .option('--batch-size <n>', 'episodes run at once; only speed depends on it (default: the evaluation\'s, else the training batch size)', integer('--batch-size', 1))
    .option('--seed <s>', 'seed of the evaluation episodes (default: the run\'s seed, as training evaluated)', integer('--seed', Number.MIN_SAFE_INTEGER))
    .addOption(new Option('--backend <name>', 'tensor backend').choices([...backendChoices]).default('auto'))
    .option('--json', 'print the result as one JSON object on stdout')
    .action(async (target: string, options: EvaluateCommandOptions) => {
      if (!fs.existsSync(target)) throw new CliError([`${target}: no such run folder or bundle.`]);
      const trained = await readTrainedParameters(target);
      const settings = trained.graph.training.evaluation;
      await selectBackend(options.backend);
      let program;
      try {
        program = compileGraph(trained.graph, { seed: trained.seed, initialValues: trained.values });
        trained.check?.(program.parameters.map((p) => p.name));
      } catch (error) {
        program?.dispose();
        throw new CliError([`${target}: ${(error as Error).message}`]);
      }
      try {
        const summary = evaluateProgram(program, {
          split: options.split ?? settings?.split ?? 'test',
          episodes: options.episodes ?? settings?.episodes ?? 1000,
          batchSize: options.batchSize ?? settings?.batchSize ?? trained.graph.training.batchSize,
          seed: options.seed ?? trained.seed,
        });
        if (options.json) console.log(JSON.stringify({ target, episode: trained.episode, ...summary }));
        else console.log(`${target} after ${trained.episode} training episodes: ${formatEvaluation(summary)}`);
      } finally {
        program.dispose();
      }
    });
}
