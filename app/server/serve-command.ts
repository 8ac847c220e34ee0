// `plasticity serve`: the desktop app's UI in a browser, served from this machine (see app/server/).
// Registered by app/cli.ts (core never imports app); the server is loaded only when the command runs,
// so the rest of the CLI starts without it.
import { Command, InvalidArgumentError } from 'commander';

interface ServeCommandOptions {
  port: number;
  open?: boolean;
  dataDir?: string;
  runsDir?: string;
  workspace?: string;
}

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`the port must be a whole number from 0 to 65535, got "${value}".`);
  return n;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the app to a browser on this machine (127.0.0.1), guarded by a token printed at launch')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', portNumber, 4780)
    .option('--open', 'open the app in the default browser')
    .option('--data-dir <dir>', 'settings, recent files and autosaves (default: your config folder)')
    .option('--runs-dir <dir>', 'where training runs are written (default: ./runs, as `plasticity train`)')
    .option('--workspace <dir>', 'the folder whose graphs and models the app may open and save; with the runs folder, the only one (default: the current folder)')
    .action(async (options: ServeCommandOptions) => {
      const { serveUntilInterrupted } = await import('./serve.ts');
      await serveUntilInterrupted({ port: options.port, open: options.open, dataDir: options.dataDir, runsDir: options.runsDir, documentsDir: options.workspace });
    });
}
