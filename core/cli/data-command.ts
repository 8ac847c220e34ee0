// `plasticity data list | download <name> | verify [name]`: which datasets the templates read, whether this machine has them
// where the loaders look, and fetching the official archives (with progress, checksums, and nothing left
// half-installed). The loaders read the archives as they are, so a download needs no unpacking.
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import path from 'node:path';
import { datasetNames, datasetStatuses, fromMirror, isDatasetName } from '../tasks/dataset-catalog.ts';
import { datasetSources, downloadDataset, verifyDataset, type DatasetName } from '../tasks/download.ts';
import { resolveDataFolder, taskLibrary } from '../tasks/index.ts';
import { CliError } from './load-graph.ts';

export function registerDataCommand(program: Command): void {
  const data = program.command('data').description('list the datasets the templates read and download them');

  data
    .command('list')
    .description('each dataset: where it is looked for, and whether it is there')
    .option('--dir <folder>', 'the data folder (default: PLASTICITY_DATA_DIR, else the per-user data folder)')
    .action((options: { dir?: string }) => {
      const folder = resolveDataFolder(options.dir ?? '');
      console.log(`data folder: ${folder}`);
      for (const { name, title, readBy, problem } of datasetStatuses(folder, taskLibrary)) {
        console.log(`${name.padEnd(9)} ${problem ? 'missing  ' : 'present  '}${title}; read by ${readBy}${problem ? `\n          ${problem}; get it with: plasticity data download ${name}` : ''}`);
      }
    });

  data
    .command('verify')
    .description("check the official archives in the data folder against their published checksums (exit 1 if one is corrupt)")
    .argument('[name]', `one dataset: ${datasetNames.join(' or ')} (default: all)`)
    .option('--dir <folder>', 'the data folder (default: PLASTICITY_DATA_DIR, else the per-user data folder)')
    .action(async (name: string | undefined, options: { dir?: string }) => {
      if (name !== undefined && !isDatasetName(name)) throw new CliError([`plasticity data verify: unknown dataset "${name}"; the datasets are ${datasetNames.join(', ')}.`]);
      const folder = resolveDataFolder(options.dir ?? '');
      console.log(`data folder: ${folder}`);
      const corrupt: string[] = [];
      for (const status of datasetStatuses(folder, taskLibrary).filter((d) => name === undefined || d.name === name)) {
        for (const check of await verifyDataset(status.name as DatasetName, folder)) {
          const state = check.state === 'ok' ? 'checksum ok' : check.state === 'corrupt' ? `CORRUPT: ${check.problem}` : 'not downloaded';
          console.log(`${status.name.padEnd(9)} ${check.fileName.padEnd(24)} ${state}`);
          if (check.state === 'corrupt') corrupt.push(check.fileName);
        }
        // A folder may hold a dataset in another form the loaders accept (unpacked folders, a packed copy).
        console.log(`${status.name.padEnd(9)} ${status.problem ? `missing: ${status.problem}` : 'readable by the loaders'}`);
      }
      if (corrupt.length > 0) {
        throw new CliError([`plasticity data verify: ${corrupt.join(', ')} in ${folder} ${corrupt.length === 1 ? 'does' : 'do'} not match the published checksum; download again (plasticity data download) to replace ${corrupt.length === 1 ? 'it' : 'them'}.`]);
      }
    });

  data
    .command('download')
    .description('download a dataset\'s official archives into the data folder (checksums checked; resumable by running again)')
    .argument('<name>', `the dataset: ${datasetNames.join(' or ')}`)
    .option('--dir <folder>', 'the data folder (default: PLASTICITY_DATA_DIR, else the per-user data folder)')
    .option('--mirror <url>', 'fetch the same files from this base URL instead of the official hosts (an offline mirror)')
    .action(async (name: string, options: { dir?: string; mirror?: string }) => {
      if (!isDatasetName(name)) throw new CliError([`plasticity data download: unknown dataset "${name}"; the datasets are ${datasetNames.join(', ')}.`]);
      const folder = resolveDataFolder(options.dir ?? '');
      const source = options.mirror ? fromMirror(datasetSources[name], options.mirror) : datasetSources[name];
      const bar = new cliProgress.SingleBar({ format: '{file} [{bar}] {percentage}% {value}/{total} MB', hideCursor: true, noTTYOutput: false }, cliProgress.Presets.shades_classic);
      let started = false;
      try {
        const files = await downloadDataset(name, folder, {
          source,
          onProgress: (p) => {
            const total = Math.max(1, Math.round((p.totalBytes ?? p.receivedBytes) / 1e6));
            if (!started) bar.start(total, 0, { file: p.fileName });
            started = true;
            bar.setTotal(total);
            bar.update(Math.round(p.receivedBytes / 1e6), { file: p.fileName });
          },
        });
        bar.stop();
        console.log(`${datasetSources[name].title}: ${files.map((file) => path.basename(file)).join(', ')} in ${folder}`);
      } catch (error) {
        bar.stop();
        throw new CliError([`plasticity data download ${name}: ${(error as Error).message}`]);
      }
    });
}
