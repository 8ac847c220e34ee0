// `plasticity record <run folder> --out episode.json`: one held-out episode of a trained run, step by step —
// every port's values and each plastic layer's Hebbian trace beside its w and alpha — for analysis elsewhere.
import { Command, InvalidArgumentError } from 'commander';
import { selectBackend } from '../compile/backend.ts';
import { readCustomEpisodeFile } from '../train/custom-episode.ts';
import { recordingToJson, recordRunEpisode } from '../train/record-run.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';

export function registerRecordCommand(program: Command): void {
  program
    .command('record')
    .description('record one held-out episode of a trained run or model bundle: every port per step and each plastic layer\'s Hebbian trace, as JSON (float32 arrays in base64)')
    .argument('<run>', 'run folder (its last checkpoint) or model bundle (.zip or folder)')
    .requiredOption('--out <file>', 'the JSON file to write')
    .option('--seed <s>', 'which episode (default 0)', (value: string) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`--seed must be a whole number ≥ 0, got "${value}".`);
      return n;
    })
    .option('--episode <file>', 'play this episode instead of a held-out one: the data source\'s outputs as JSON (the test-time sandbox; see docs/inspector.md)')
    .action(async (runDir: string, options: { out: string; seed?: number; episode?: string }) => {
      await selectBackend('auto');
      const custom = options.episode ? { episode: readCustomEpisodeFile(options.episode), where: options.episode } : undefined;
      const recording = recordRunEpisode(runDir, { seed: options.seed, custom });
      writeFileAtomic(options.out, recordingToJson(recording));
      const traces = recording.plastic.map((p) => `${p.node}: ${p.traceSteps.length} trace${p.traceSteps.length === 1 ? '' : 's'} of ${p.rows}×${p.cols}`).join('; ');
      console.error(`wrote ${options.out}: ${recording.steps} steps, ${recording.ports.length} ports${traces ? `; ${traces}` : ''} (parameters after ${recording.trainedEpisodes} episodes)`);
    });
}
