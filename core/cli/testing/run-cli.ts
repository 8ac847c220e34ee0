// Runs the `plasticity` command as a user does (a real process) and keeps its exit code and output.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { plasticityEntry } from '../cli-process.ts';

const execute = promisify(execFile);
export const plasticityCli = plasticityEntry;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A CLI runner for tests, started in `cwd`. */
export function cliIn(cwd: string): (...args: string[]) => Promise<CliResult> {
  return async (...args) => {
    try {
      const { stdout, stderr } = await execute(process.execPath, [plasticityCli, ...args], { cwd });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
}
