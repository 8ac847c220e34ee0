// Child process: runs one benchmark case with our engine and prints JSON lines in the same format as the
// PyTorch reference (one {"event":"episode"} per episode, then {"event":"done"} with this process's peak RSS).
// Usage: node bin/run-ts.js bench/ours.ts --case a --episodes 3 --warmup 1 [--steps T] [--threads N] [--backend wasm|cpu]
import { nativeKernelsStatus } from '../core/native/kernels.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { findCase, withSteps } from './cases.ts';
import { createEpisodeRunner, type EpisodeRunner } from './episode.ts';
import { createTrainerOmniglotRunner } from './trainer-episode.ts';
import { createPlasticKernels, defaultThreadCount } from '../core/plasticity/index.ts';

// The repo root: two levels up from this file, or from its bundle in node_modules/.cache/plasticity-bench.
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = here.includes(`${path.sep}node_modules${path.sep}`) ? here.slice(0, here.indexOf(`${path.sep}node_modules${path.sep}`)) : path.resolve(here, '..');

async function useBackend(name: string): Promise<string> {
  if (name === 'wasm') setWasmPaths(path.join(repoRoot, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend "${name}" failed to initialise`);
  await tf.ready();
  return `tfjs ${tf.version.tfjs} ${tf.getBackend()}`;
}

function emit(record: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(record) + '\n');
}

const program = new Command()
  .requiredOption('--case <id>', 'benchmark case id (bench/cases.ts)')
  .option('--episodes <n>', 'timed episodes', (v) => Number.parseInt(v, 10), 3)
  .option('--warmup <n>', 'untimed episodes first', (v) => Number.parseInt(v, 10), 1)
  .option('--steps <n>', "override the case's time steps", (v) => Number.parseInt(v, 10))
  .addOption(new Option('--backend <name>', 'tfjs backend').choices(['wasm', 'cpu']).default('wasm'))
  .option('--threads <n>', "the plastic kernels' threads (default: the machine's parallelism, capped)", (v) => Number.parseInt(v, 10))
  .parse();
const options = program.opts<{ case: string; episodes: number; warmup: number; steps?: number; backend: string; threads?: number }>();

const backend = await useBackend(options.backend);
const benchCase = options.steps ? withSteps(findCase(options.case), options.steps) : findCase(options.case);
const threads = options.threads ?? defaultThreadCount();
const trainer = benchCase.batchThreads
  ? await createTrainerOmniglotRunner(benchCase, {
      repoRoot,
      threads: benchCase.batchThreads === 'trainer' ? undefined : benchCase.batchThreads,
      backend: options.backend as 'wasm' | 'cpu',
    })
  : undefined;
const runner: EpisodeRunner<unknown> = trainer ?? createEpisodeRunner(tf, createPlasticKernels(tf, { threads }), benchCase);
const startRssKB = Math.round(process.memoryUsage().rss / 1024); // runtime + tfjs + parameters, before any episode
for (let index = 0; index < options.warmup + options.episodes; index++) {
  const data = runner.sample(index);
  const start = performance.now();
  const loss = await runner.train(data);
  const seconds = (performance.now() - start) / 1000;
  emit({ event: 'episode', index, warmup: index < options.warmup, seconds, loss });
}
await runner.dispose();
emit({
  event: 'done',
  peakRssKB: process.resourceUsage().maxRSS,
  startRssKB,
  backend,
  // The most the kernels use (layers too small to share stay on one thread), or the threads a batch is split over.
  threads: trainer?.batchThreads ?? threads,
  kernels: trainer ? `the trainer's path: template compiled, batch split over ${trainer.batchThreads} thread(s)` : 'core/plasticity fused (sequence op)',
  native: nativeKernelsStatus(),
  leakedTensors: tf.memory().numTensors,
});
