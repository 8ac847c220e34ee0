// `plasticity export <run folder>`: writes the trained model as a bundle (model.json + weights.bin), a folder
// or a .zip, that runs outside the app (`plasticity run`, or core/export's loadModel).
import type { Command } from 'commander';
import path from 'node:path';
import { BundleError } from '../export/bundle-format.ts';
import { exportBundle } from '../export/export-run.ts';
import { CliError } from './load-graph.ts';
import { formatNumber } from './format.ts';

/** Runs `work`, turning a broken bundle or run folder into the CLI's one-line-per-problem error. */
export async function withBundleErrors<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BundleError) throw new CliError(error.lines);
    throw error;
  }
}

/** Beside the run folder: `runs/x` → `runs/x-model` (or `runs/x-model.zip`). */
export function defaultBundlePath(runDir: string, zip: boolean): string {
  return `${path.resolve(runDir)}-model${zip ? '.zip' : ''}`;
}


export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('write a trained run as a model bundle (model.json + weights.bin) that runs outside the app')
    .argument('<run>', 'run folder (from `plasticity train` or the app)')
    .option('--out <path>', 'where to write the bundle (default: beside the run folder, <run>-model, or <run>-model.zip with --zip)')
    .option('--zip', 'write one .zip file instead of a folder (implied by an --out ending in .zip)')
    .action(async (runDir: string, options: { out?: string; zip?: boolean }) => {
      const zip = Boolean(options.zip) || Boolean(options.out?.toLowerCase().endsWith('.zip'));
      const out = options.out ?? defaultBundlePath(runDir, zip);
      const { bundle } = await withBundleErrors(() => exportBundle(runDir, out, { zip }));
      for (const warning of bundle.warnings) console.error(`${runDir}: warning: ${warning}`);
      const { training, metrics } = bundle.manifest;
      const recent = metrics.recentMean
        ? `; last ${metrics.recentMean.episodes} episodes: ${Object.entries(metrics.recentMean.values).map(([k, v]) => `${k} ${formatNumber(v)}`).join(', ')}`
        : '';
      console.log(`${out}: ${bundle.weights.specs.length} weights after ${training.episodesDone} episodes (seed ${training.seed})${recent}`);
    });
}
