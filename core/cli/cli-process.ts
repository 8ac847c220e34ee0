// How the app and the sweep pool run `plasticity <arguments>` in a process of their own: the entry script (the
// repository's bin/plasticity.js, or the desktop app's bundled one) under this process's runtime.
import path from 'node:path';

/** The command line's entry point in a source checkout. */
export const plasticityEntry = path.resolve(import.meta.dirname, '../../bin/plasticity.js');

/**
 * The executable and arguments for `plasticity <args>`, and its environment. Inside the desktop app
 * process.execPath is Electron, which ELECTRON_RUN_AS_NODE makes run as plain Node.
 */
export function cliProcess(args: string[], options: { entry?: string; env?: NodeJS.ProcessEnv } = {}): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  return { file: process.execPath, args: [options.entry ?? plasticityEntry, ...args], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...options.env } };
}
