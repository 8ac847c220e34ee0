// Runs the `plasticity` command as a user does (a real process) and keeps its exit code and output.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const execute = promisify(execFile);
export const plasticityCli = path.resolve(import.meta.dirname, '../../../bin/plasticity.js');

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
