// The `plasticity` command line: validate, inspect, train, export and run graphs headless.
// The app adds its own commands (serve) in app/cli.ts, the entry point of bin/plasticity.js.
import { Command } from 'commander';
import { InputError } from '../util/input-error.ts';
import { registerDataCommand } from './data-command.ts';
import { registerEvaluateCommand } from './evaluate-command.ts';
import { registerExportCommand } from './export-command.ts';
import { registerReportCommand } from './report-command.ts';
import { registerInfoCommand } from './info-command.ts';
import { CliError } from './load-graph.ts';
import { registerRecordCommand } from './record-command.ts';
import { registerRunCommand } from './run-command.ts';
import { registerSweepCommand } from './sweep-command.ts';
import { registerTrainCommand } from './train-command.ts';
import { registerValidateCommand } from './validate-command.ts';

export function createProgram(): Command {
  const program = new Command();
  program
    .name('plasticity')
    .description('Plasticity Studio: build, train and export plastic neural networks (differentiable plasticity).')
    .showHelpAfterError();
  registerValidateCommand(program);
  registerInfoCommand(program);
  registerTrainCommand(program);
  registerExportCommand(program);
  registerRunCommand(program);
  registerEvaluateCommand(program);
  registerReportCommand(program);
  registerDataCommand(program);
  registerSweepCommand(program);
  registerRecordCommand(program);
  return program;
}

/** Runs the command line; bad input ends as one clear line per problem and exit code 1, never a stack trace. */
export async function runProgram(program: Command, argv: string[] = process.argv): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CliError) {
      for (const line of error.lines) console.error(line);
      process.exitCode = error.exitCode;
    } else if (error instanceof InputError) {
      console.error(error.message);
      process.exitCode = 1;
    } else {
      // An unexpected failure is a bug; show the message, and the stack only on request.
      console.error(`plasticity: ${(error as Error).message}`);
      if (process.env.PLASTICITY_DEBUG) console.error((error as Error).stack);
      process.exitCode = 2;
    }
  }
}
