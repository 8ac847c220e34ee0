// `plasticity report <run folders…> --out DIR`: a results report (README.md + SVG curves) from real runs.
import { Command } from 'commander';
import { writeReport } from '../report/write-report.ts';
import { CliError } from './load-graph.ts';

interface ReportCommandOptions {
  out: string;
  title: string;
  note: string[];
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('write a results report (README.md and SVG curves: settings, wall time, held-out evaluations with 95% intervals, commands) from run folders')
    .argument('<runs...>', 'run folders')
    .requiredOption('--out <dir>', 'folder for README.md and the charts')
    .option('--title <text>', 'the report\'s title', 'Results')
    .option('--note <text>', 'a paragraph under the title (repeatable)', (value: string, all: string[]) => [...all, value], [] as string[])
    .action(async (runs: string[], options: ReportCommandOptions) => {
      try {
        const { readme, charts } = await writeReport(runs, {
          out: options.out,
          title: options.title,
          notes: options.note,
          // The notes are in the report already: the command shows where they went, not their text again.
          command: ['plasticity', ...process.argv.slice(2).map((arg, i, all) => (all[i - 1] === '--note' ? '…' : /\s/.test(arg) ? `"${arg}"` : arg))].join(' '),
        });
        console.log(`wrote ${readme} and ${charts.length} chart(s)`);
      } catch (error) {
        throw new CliError([(error as Error).message]);
      }
    });
}
