// `plasticity train <graph>`: trains headless, with a progress bar on a terminal or JSON lines with --json.
// Ctrl-C stops after the current episode and keeps the checkpoint; a second Ctrl-C quits at once.
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import path from 'node:path';
import { backendChoices, type BackendChoice } from '../compile/backend.ts';
import { runFiles, defaultRunDir } from '../train/run-folder.ts';
import { trainGraph, type TrainingProgress } from '../train/trainer.ts';
import { formatEvaluation } from './evaluate-command.ts';
import { CliError, loadValidGraph } from './load-graph.ts';
import { formatNumber } from './format.ts';
import { stopOnInterrupt } from './interrupt.ts';

interface TrainCommandOptions {
  episodes?: number;
  seed?: number;
  backend: BackendChoice;
  out?: string;
  json?: boolean;
  resume?: string;
  minutes?: number;
}

function positiveInteger(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number ≥ 0, got "${value}".`);
    return n;
  };
}


function progressReporter(json: boolean) {
  if (json || !process.stderr.isTTY) {
    return {
      update(p: TrainingProgress) {
        if (json) console.log(JSON.stringify({ episode: p.episode, episodes: p.episodes, loss: p.loss, ...p.metrics, episodesPerSecond: p.episodesPerSecond }));
        else if (p.episode % 10 === 0 || p.episode === p.episodes) {
          const metrics = Object.entries(p.metrics).map(([k, v]) => ` ${k} ${formatNumber(v)}`).join('');
          console.error(`episode ${p.episode}/${p.episodes} loss ${formatNumber(p.loss)}${metrics} (${p.episodesPerSecond.toFixed(2)} ep/s)`);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: 'training |{bar}| {value}/{total} episodes | loss {loss}{metrics} | {rate} ep/s | ETA {eta_formatted}', hideCursor: true, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p: TrainingProgress) {
      const payload = {
        loss: formatNumber(p.loss),
        metrics: Object.entries(p.metrics).map(([k, v]) => ` | ${k} ${formatNumber(v)}`).join(''),
        rate: p.episodesPerSecond.toFixed(2),
      };
      if (!started) {
        bar.start(p.episodes, p.episode, payload);
        started = true;
      } else bar.update(p.episode, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a graph; writes a run folder with the graph, settings, metrics.jsonl and a checkpoint')
    .argument('[graph]', 'graph file (.plastic.json); omit with --resume')
    .option('--episodes <n>', 'total episodes (default: the graph\'s training.episodes)', positiveInteger('--episodes'))
    .option('--seed <s>', 'random seed (default: the graph\'s training.seed)', positiveInteger('--seed'))
    .addOption(new Option('--backend <name>', 'tensor backend').choices([...backendChoices]).default('auto'))
    .option('--out <dir>', 'run folder (default: runs/<graph name>-<time>)')
    .option('--json', 'print one JSON object per episode on stdout')
    .option('--resume <dir>', 'continue the run in this folder from its checkpoint')
    .option('--minutes <m>', 'train for at most this many minutes of wall time, then finish as if at the last episode (evaluation, checkpoint)', (value: string) => {
      const n = Number(value);
      if (!(n > 0)) throw new InvalidArgumentError(`--minutes must be a number > 0, got "${value}".`);
      return n;
    })
    .action(async (file: string | undefined, options: TrainCommandOptions) => {
      let graphFile = file;
      let outDir = options.out;
      if (options.resume) {
        graphFile = path.join(options.resume, runFiles.graph);
        outDir = options.resume;
      }
      if (!graphFile) throw new CliError(['plasticity train: give a graph file, or --resume <run folder>.'], 2);
      const { doc, warnings } = loadValidGraph(graphFile);
      for (const w of warnings) console.error(`${graphFile}: warning: ${w.message}`);
      outDir ??= defaultRunDir(doc.meta.name);

      const interrupt = stopOnInterrupt('Stopping after this episode (the checkpoint is kept).');
      const reporter = progressReporter(Boolean(options.json));
      try {
        const result = await trainGraph(doc, {
          outDir,
          episodes: options.episodes,
          seed: options.seed,
          backend: options.backend,
          resume: Boolean(options.resume),
          budgetSeconds: options.minutes === undefined ? undefined : options.minutes * 60,
          command: ['plasticity', ...process.argv.slice(2)].join(' '),
          signal: interrupt.signal,
          onProgress: (p) => reporter.update(p),
          onNotice: (message) => console.error(message),
          onEvaluation: (record) => {
            if (options.json) console.log(JSON.stringify({ evaluation: record }));
            else process.stderr.write(`\nevaluation after ${record.episode} episodes: ${formatEvaluation(record)}\n`);
          },
        });
        reporter.stop();
        const metrics = Object.entries(result.lastMetrics).map(([k, v]) => `, ${k} ${formatNumber(v)}`).join('');
        const summary = `${result.status}: ${result.episodesDone} episodes on ${result.backend}${result.lastLoss === null ? '' : `, last loss ${formatNumber(result.lastLoss)}`}${metrics}. Run folder: ${result.runDir}`;
        console.error(summary);
        if (result.status === 'failed') throw new CliError([result.error ?? 'training failed']);
        // A stopped run is not a finished one: scripts see the conventional exit code of an interrupt.
        if (result.status === 'stopped') process.exitCode = 130;
      } finally {
        reporter.stop();
        interrupt.dispose();
      }
    });
}
