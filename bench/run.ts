// `npm run bench [-- --cases a,c --rounds 3 --episodes 3]`: seconds per training episode and peak memory of
// our engine against the PyTorch reference, alternating the two in one session; prints a table and writes
// bench/results/<timestamp>.json. Exits non-zero if a child fails or the two sides' losses disagree.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import cliProgress from 'cli-progress';
import { estimateReferencePeakMiB, referenceArgs, type BenchCase } from './cases.ts';
import { buildOursBundle, oursBundle } from './bundle.ts';
import { runChild, type ChildReport } from './child.ts';
import { parseRunOptions, type RunOptions } from './options.ts';
import { formatTable, goalVerdicts, GOAL, maxLossDisagreement, summarize, type TableRow } from './stats.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Same computation, same inputs and init: float32 summation order is the only expected difference. */
const LOSS_TOLERANCE = 1e-3;
/** Start a PyTorch child only if its estimated peak fits in this share of the available memory (others share the machine). */
const MEMORY_SHARE = 0.8;

type Side = 'ours' | 'pytorch';

interface SideResult {
  runs: ChildReport[];
  error: string | null;
  /** Why this side was not run (not a failure), e.g. not enough memory. */
  skipped: string | null;
}

function parseOptionsOrExit(): RunOptions {
  try {
    return parseRunOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    console.error((error as Error).message);
    process.exit(2);
  }
}

/** The torch version, or why the reference cannot run. */
function detectTorch(python: string): { version: string } | { missing: string } {
  const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error) return { missing: `${python} not found (${probe.error.message})` };
  if (probe.status !== 0) return { missing: `${python} cannot import torch (install Debian's python3-torch)` };
  return { version: probe.stdout.trim() };
}

/** MemAvailable from /proc/meminfo (what can be allocated without swapping), else free memory. */
function availableMemoryMiB(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return os.freemem() / 2 ** 20;
}

/** A reason to skip the PyTorch run of this case, or null when it fits in memory. */
function referenceMemoryProblem(c: BenchCase): string | null {
  const needed = estimateReferencePeakMiB(c);
  const budget = MEMORY_SHARE * availableMemoryMiB();
  if (needed <= budget) return null;
  const perStep = (needed - 260) / c.steps;
  const fittingSteps = Math.max(1, Math.floor((budget - 260) / perStep));
  const gib = (mib: number) => (mib / 1024).toFixed(1);
  return `PyTorch needs about ${gib(needed)} GiB for this case and ${gib(budget)} GiB is ${MEMORY_SHARE * 100}% of what is available; try --cases ${c.id} --steps ${fittingSteps}`;
}

function childCommand(side: Side, c: BenchCase, o: RunOptions): [string, string[]] {
  const run = { episodes: o.episodes, warmup: o.warmup };
  if (side === 'ours') {
    return [
      process.execPath,
      [
        ...(o.oursRunner === 'bundle' ? [oursBundle] : ['bin/run-ts.js', 'bench/ours.ts']),
        `--case=${c.id}`,
        `--steps=${c.steps}`,
        `--episodes=${o.episodes}`,
        `--warmup=${o.warmup}`,
        `--backend=${o.backend}`,
        ...(o.oursThreads ? [`--threads=${o.oursThreads}`] : []),
      ],
    ];
  }
  return [o.python, ['bench/reference/plastic_rnn.py', ...referenceArgs(c, { ...run, threads: o.torchThreads ?? undefined })]];
}

const timed = (runs: ChildReport[]) => runs.flatMap((r) => r.episodes.filter((e) => !e.warmup).map((e) => e.seconds));
const peakMiB = (runs: ChildReport[]) => (runs.length ? Math.max(...runs.map((r) => r.peakRssKB)) / 1024 : null);

function lossDisagreement(ours: ChildReport[], reference: ChildReport[]): number | null {
  const perRound = ours
    .map((run, round) => (reference[round] ? maxLossDisagreement(run.episodes.map((e) => e.loss), reference[round].episodes.map((e) => e.loss)) : null))
    .filter((d): d is number => d != null);
  return perRound.length ? Math.max(...perRound) : null;
}

/** Which code ran: children load the working tree, so uncommitted edits under core/ or bench/ matter. */
function codeVersion(): { commit: string | null; uncommittedChanges: string[] } {
  const git = (args: string[]) => spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  const head = git(['rev-parse', 'HEAD']);
  const status = git(['status', '--porcelain', '--', 'core', 'bench']);
  return {
    commit: head.status === 0 ? head.stdout.trim() : null,
    uncommittedChanges: status.status === 0 ? status.stdout.split('\n').filter((l) => l.trim() && !l.includes('bench/results/')) : [],
  };
}

function machine() {
  const cpus = os.cpus();
  return { cpuModel: cpus[0]?.model ?? 'unknown', cpus: cpus.length, totalMemMiB: Math.round(os.totalmem() / 2 ** 20), node: process.version };
}

const options = parseOptionsOrExit();
const torch = options.oursOnly ? { missing: '--ours-only' } : detectTorch(options.python);
const sides: Side[] = 'version' in torch ? ['ours', 'pytorch'] : ['ours'];
const startedAt = new Date();
const loadBefore = os.loadavg();
const code = codeVersion();

console.log(`bench: cases ${options.cases.map((c) => c.id).join(',')}, ${options.rounds} round(s), ${options.warmup} warm-up + ${options.episodes} timed episode(s) per child`);
console.log(`machine: ${machine().cpus}× ${machine().cpuModel}, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
console.log(
  `code: ${code.commit?.slice(0, 10) ?? 'unknown commit'}${code.uncommittedChanges.length ? `, with ${code.uncommittedChanges.length} uncommitted change(s) under core/ or bench/ (see the report)` : ''}`,
);
if ('missing' in torch) console.log(`PyTorch reference skipped: ${torch.missing}. Running ours only.`);
else console.log(`PyTorch ${torch.version} via ${options.python}, threads: ${options.torchThreads ?? 'default'}`);
if (options.oursRunner === 'bundle') {
  await buildOursBundle();
  console.log(`ours: bundled (${path.relative(repoRoot, oursBundle)}) under plain Node, as the app ships the engine`);
} else {
  console.log('ours: through tsx, as the CLI runs the engine (--ours-runner bundle: as the app ships it)');
}

const perChild = options.warmup + options.episodes;
const bar = new cliProgress.SingleBar(
  {
    format: '{bar} {value}/{total} episodes | case {caseId} round {round} {side} | {last}',
    noTTYOutput: true,
    notTTYSchedule: 15_000,
    hideCursor: true,
  },
  cliProgress.Presets.shades_classic,
);
bar.start(options.cases.length * options.rounds * sides.length * perChild, 0, { caseId: '', round: '', side: '', last: '' });

const results = new Map<string, Record<Side, SideResult>>();
for (const c of options.cases) {
  const bySide: Record<Side, SideResult> = {
    ours: { runs: [], error: null, skipped: null },
    pytorch: { runs: [], error: null, skipped: null },
  };
  results.set(c.id, bySide);
  for (let round = 0; round < options.rounds; round++) {
    // Alternate which side goes first, so slow drifts in machine load do not favour one side.
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const result = bySide[side];
      const payload = { caseId: c.id, round: `${round + 1}/${options.rounds}`, side };
      if (side === 'pytorch' && !result.skipped && !result.error) result.skipped = referenceMemoryProblem(c);
      if (result.error || result.skipped) {
        bar.increment(perChild, payload);
        continue;
      }
      const [command, args] = childCommand(side, c, options);
      bar.update({ ...payload, last: 'starting' });
      let received = 0;
      try {
        const report = await runChild(command, args, {
          cwd: repoRoot,
          onEpisode: (e) => {
            received++;
            bar.increment(1, { ...payload, last: `${e.seconds.toFixed(2)} s${e.warmup ? ' (warm-up)' : ''}` });
          },
        });
        result.runs.push(report);
      } catch (error) {
        result.error = (error as Error).message;
        bar.increment(perChild - received, payload);
      }
    }
  }
}
bar.stop();

const rows: TableRow[] = [];
const caseReports = options.cases.map((c) => {
  const { ours, pytorch } = results.get(c.id)!;
  const row: TableRow = {
    caseId: c.id,
    ours: ours.runs.length ? summarize(timed(ours.runs)) : null,
    reference: pytorch.runs.length ? summarize(timed(pytorch.runs)) : null,
    oursPeakMiB: peakMiB(ours.runs),
    referencePeakMiB: peakMiB(pytorch.runs),
    lossDisagreement: lossDisagreement(ours.runs, pytorch.runs),
    note: ours.error ? 'ours failed' : pytorch.error ? 'PyTorch failed' : pytorch.skipped ? 'PyTorch skipped' : options.steps ? `T=${c.steps}` : undefined,
  };
  rows.push(row);
  const side = (s: SideResult) => ({
    error: s.error,
    skipped: s.skipped,
    backend: s.runs[0]?.backend ?? null,
    threads: s.runs[0]?.threads ?? null,
    details: s.runs[0]?.details ?? null,
    secondsPerEpisode: timed(s.runs),
    peakRssKB: s.runs.map((r) => r.peakRssKB),
    losses: s.runs.map((r) => r.episodes.map((e) => e.loss)),
  });
  return { case: c, summary: row, ours: side(ours), pytorch: sides.includes('pytorch') ? side(pytorch) : null };
});

console.log('');
for (const c of options.cases) console.log(`${c.id}: ${c.title}`);
console.log('');
console.log(formatTable(rows));
const firstOurs = caseReports.find((r) => r.ours.backend)?.ours;
const firstTorch = caseReports.find((r) => r.pytorch?.backend)?.pytorch;
console.log('');
if (firstOurs) console.log(`ours: ${firstOurs.backend}, kernels: ${String(firstOurs.details?.kernels ?? 'unknown')}, ${String(firstOurs.details?.native ?? '')}, up to ${firstOurs.threads} kernel thread(s)`);
if (firstTorch) console.log(`PyTorch: ${firstTorch.backend}, ${firstTorch.threads} thread(s), allocator: ${String(firstTorch.details?.allocator ?? 'default')}`);

const failures: string[] = [];
for (const r of caseReports) {
  if (r.pytorch?.skipped) console.log(`case ${r.case.id}: PyTorch skipped: ${r.pytorch.skipped}`);
  if (r.ours.error) failures.push(`case ${r.case.id}, ours: ${r.ours.error}`);
  if (r.pytorch?.error) failures.push(`case ${r.case.id}, PyTorch: ${r.pytorch.error}`);
  const d = r.summary.lossDisagreement;
  if (d != null && !(d <= LOSS_TOLERANCE)) {
    failures.push(`case ${r.case.id}: losses differ between ours and PyTorch by up to ${d} (relative; tolerance ${LOSS_TOLERANCE}), so they do not compute the same thing`);
  }
}
const verdicts = goalVerdicts(rows);
for (const v of verdicts) {
  const fmt = (x: number | null) => (x == null ? 'n/a' : `${x.toFixed(2)}×`);
  console.log(`goal, case ${v.caseId}: time ${fmt(v.timeRatio)} (≤ ${GOAL.timeRatio}×), memory ${fmt(v.memoryRatio)} (≤ ${GOAL.memoryRatio}×): ${v.met ? 'met' : 'NOT met'}`);
}

const report = {
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
  code,
  machine: { ...machine(), loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg() },
  settings: {
    rounds: options.rounds,
    steps: options.steps,
    episodes: options.episodes,
    warmup: options.warmup,
    backend: options.backend,
    torchThreads: options.torchThreads,
    oursThreads: options.oursThreads,
    oursRunner: options.oursRunner,
    python: options.python,
    torch,
    lossTolerance: LOSS_TOLERANCE,
  },
  cases: caseReports,
  goal: verdicts,
  failures,
};
const resultsDir = path.resolve(repoRoot, options.resultsDir);
fs.mkdirSync(resultsDir, { recursive: true });
const reportPath = path.join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');
console.log(`\nreport: ${path.relative(process.cwd(), reportPath)}`);

if (failures.length) {
  console.error(`\n${failures.join('\n\n')}`);
  process.exitCode = 1;
}
