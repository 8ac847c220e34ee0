// Starts the training process as a Node child process, TypeScript compiled on load by tsx (the browser
// mode and tests; the Electron build uses a utility process instead, see app/main/electron-training.ts).
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SpawnTrainer, TrainerProcess } from './host.ts';

const require = createRequire(import.meta.url);
export const workerEntry = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** `entry`: a built worker (plain JavaScript) instead of the TypeScript source. */
export function nodeTrainerSpawner(options: { env?: NodeJS.ProcessEnv; entry?: string } = {}): SpawnTrainer {
  const execArgv = options.entry ? [] : ['--import', pathToFileURL(require.resolve('tsx')).href];
  return (): TrainerProcess => {
    const child = fork(options.entry ?? workerEntry, [], {
      execArgv,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return {
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) =>
        child.on('exit', (code, signal) => listener(signal ? `killed by ${signal}` : code === 0 ? null : `exit code ${code}`)),
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill();
      },
    };
  };
}
