// Command-line options of `npm run bench` (bench/run.ts), parsed with commander.
import { Command, InvalidArgumentError, Option } from 'commander';
import { BENCH_CASES, DEFAULT_CASES, selectCases, withSteps, type BenchCase } from './cases.ts';

export interface RunOptions {
  cases: BenchCase[];
  /** Each round runs every selected case once per side (a fresh child process each), sides alternating. */
  rounds: number;
  /** Overrides every selected case's episode length (both sides); null keeps the cases' own. */
  steps: number | null;
  /** Timed episodes per child process. */
  episodes: number;
  /** Untimed episodes per child process, before the timed ones. */
  warmup: number;
  /** null keeps PyTorch's default thread count (the figure the goal compares against). */
  torchThreads: number | null;
  /** null keeps our kernels' default thread count. */
  oursThreads: number | null;
  /** How our child runs: through tsx (as the CLI does) or as a Vite bundle under plain Node (as the app ships). */
  oursRunner: 'tsx' | 'bundle';
  /** Python interpreter with Debian's python3-torch. */
  python: string;
  /** Skip the PyTorch reference. */
  oursOnly: boolean;
  backend: 'wasm' | 'cpu';
  /** Folder for the JSON report. */
  resultsDir: string;
}

function integer(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got "${value}"`);
    return n;
  };
}

export function buildCommand(): Command {
  return new Command('bench')
    .description('Seconds per training episode and peak memory: our engine against the PyTorch reference.')
    .option('--cases <ids>', `comma-separated cases (${BENCH_CASES.map((c) => c.id).join(', ')}; "d" = d1,d30, "smoke" = smoke1-4)`, DEFAULT_CASES)
    .option('--rounds <n>', 'rounds; each runs every case once per side, alternating', integer(1), 3)
    .option('--episodes <n>', 'timed episodes per child process', integer(1), 3)
    .option('--warmup <n>', 'untimed episodes per child process before the timed ones', integer(0), 1)
    .option('--steps <n>', "override every selected case's time steps T (both sides)", integer(1))
    .option('--torch-threads <n>', "PyTorch threads (default: PyTorch's own default)", integer(1))
    .option('--ours-threads <n>', "our kernels' threads (default: their own default)", integer(1))
    .addOption(
      new Option('--ours-runner <how>', 'our side through tsx (as the CLI runs) or bundled under plain Node (as the app ships, ~35 MB less)')
        .choices(['tsx', 'bundle'])
        .default('tsx'),
    )
    .option('--python <path>', 'python interpreter with torch', '/usr/bin/python3')
    .option('--ours-only', 'skip the PyTorch reference', false)
    .addOption(new Option('--backend <name>', 'tfjs backend for our side').choices(['wasm', 'cpu']).default('wasm'))
    .option('--results-dir <dir>', 'where the JSON report goes', 'bench/results')
    .exitOverride();
}

/** Parses user arguments (without `node script`); throws a CommanderError on bad input. */
export function parseRunOptions(argv: readonly string[], command: Command = buildCommand()): RunOptions {
  command.parse([...argv], { from: 'user' });
  const o = command.opts<{
    cases: string;
    rounds: number;
    episodes: number;
    warmup: number;
    steps?: number;
    torchThreads?: number;
    oursThreads?: number;
    oursRunner: 'tsx' | 'bundle';
    python: string;
    oursOnly: boolean;
    backend: 'wasm' | 'cpu';
    resultsDir: string;
  }>();
  let cases: BenchCase[];
  try {
    cases = selectCases(o.cases);
  } catch (error) {
    throw new InvalidArgumentError(`--cases: ${(error as Error).message}`);
  }
  const steps = o.steps ?? null;
  return {
    cases: steps == null ? cases : cases.map((c) => withSteps(c, steps)),
    steps,
    rounds: o.rounds,
    episodes: o.episodes,
    warmup: o.warmup,
    torchThreads: o.torchThreads ?? null,
    oursThreads: o.oursThreads ?? null,
    oursRunner: o.oursRunner,
    python: o.python,
    oursOnly: o.oursOnly,
    backend: o.backend,
    resultsDir: o.resultsDir,
  };
}
