// The training process inside Electron: a utility process (a Node child managed by Electron), so training
// never blocks the main process and a crash of it cannot take the app down.
import type { ForkOptions, UtilityProcess } from 'electron';
import type { SpawnTrainer, TrainerProcess } from './training/host.ts';

export function utilityProcessSpawner(fork: (modulePath: string, args: string[], options: ForkOptions) => UtilityProcess, workerPath: string): SpawnTrainer {
  return (): TrainerProcess => {
    const child = fork(workerPath, [], { serviceName: 'Plasticity training', stdio: 'inherit' });
    let exited = false;
    child.on('exit', () => (exited = true));
    return {
      send: (message) => {
        if (!exited) child.postMessage(message);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code: number) => listener(code === 0 ? null : `exit code ${code}`)),
      kill: () => {
        if (!exited) child.kill();
      },
    };
  };
}
