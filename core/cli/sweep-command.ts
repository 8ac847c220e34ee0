// `plasticity sweep run|status|report`: variants × settings × seeds trained by a pool of local training
// processes, then aggregated into one report (medians, inter-quartile bands, rank-sum tests).
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import path from 'node:path';
import { runSweepLocally, type JobProgress } from '../sweep/local-pool.ts';
import { parseQueueUrl } from '../sweep/queue-url.ts';
import { checkQueueReachable, runQueueWorker, runSweepOnQueue } from '../sweep/redis-queue.ts';
import { describeSweepSize, expandSweep, readSweepFile, slug } from '../sweep/sweep-document.ts';
import { jobStatuses, prepareSweepFolder, readSweepFolder, type JobStatus } from '../sweep/sweep-folder.ts';
import { writeSweepReport } from '../sweep/sweep-report.ts';
import { formatNumber } from './format.ts';
import { stopOnInterrupt } from './interrupt.ts';

function positiveInteger(name: string, min: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}, got "${value}".`);
    return n;
  };
}

const commandLine = () => ['plasticity', ...process.argv.slice(2)].join(' ');

/** Progress of the pool: one bar per running job on a terminal, a line per job event otherwise (logs, CI). */
function poolDisplay(total: number) {
  const describe = (p: JobProgress) => `loss ${p.loss === null ? '—' : formatNumber(p.loss)}${Object.entries(p.metrics).map(([k, v]) => ` ${k} ${formatNumber(v)}`).join('')}`;
  if (!process.stderr.isTTY) {
    const lastLine = new Map<string, number>();
    return {
      start: (job: JobStatus, resumed: boolean) => console.error(`${job.id}: ${resumed ? 'continuing from its checkpoint' : 'started'}`),
      progress: (job: JobStatus, p: JobProgress) => {
        // A line per tenth of the run keeps a log readable.
        const tenth = Math.floor((10 * p.episode) / Math.max(1, p.episodes));
        if (lastLine.get(job.id) === tenth) return;
        lastLine.set(job.id, tenth);
        console.error(`${job.id}: episode ${p.episode}/${p.episodes} ${describe(p)}`);
      },
      end: (job: JobStatus, state: string, error?: string) => console.error(`${job.id}: ${state}${error ? `: ${error}` : ''}`),
      stop: () => {},
    };
  }
  const bars = new cliProgress.MultiBar({ format: '{job} |{bar}| {value}/{total} | {info}', hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
  const overall = bars.create(total, 0, { job: 'sweep', info: 'jobs done' });
  const running = new Map<string, cliProgress.SingleBar>();
  return {
    start: (job: JobStatus) => running.set(job.id, bars.create(1, 0, { job: job.id, info: 'starting' })),
    progress: (job: JobStatus, p: JobProgress) => {
      const bar = running.get(job.id);
      bar?.setTotal(p.episodes);
      bar?.update(p.episode, { info: describe(p) });
    },
    end: (job: JobStatus, state: string, error?: string) => {
      const bar = running.get(job.id);
      if (bar) bars.remove(bar);
      running.delete(job.id);
      if (state === 'finished') overall.increment();
      else bars.log(`${job.id}: ${state}${error ? `: ${error}` : ''}\n`);
    },
    stop: () => bars.stop(),
  };
}

function statusTable(statuses: JobStatus[]): string {
  const rows = statuses.map((s) => [s.id, s.group, String(s.seed), s.state, s.episodes ? `${s.episodesDone}/${s.episodes}` : '—', s.error ?? '']);
  const header = ['job', 'variant', 'seed', 'state', 'steps', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export function registerSweepCommand(program: Command): void {
  const sweep = program.command('sweep').description('train variants × settings × seeds and compare them (medians, inter-quartile bands, rank-sum tests)');

  sweep
    .command('run')
    .description('run every job of a sweep that has not finished (a second run continues the sweep), then write its report')
    .argument('<file>', 'sweep file (.sweep.json)')
    .option('--out <dir>', 'sweep folder (default: sweeps/<sweep name>)')
    .option('--jobs <n>', 'trainings at once (default: the machine\'s cores)', positiveInteger('--jobs', 1))
    .option('--retries <n>', 'times a crashed job is continued from its checkpoint', positiveInteger('--retries', 0), 1)
    .option('--queue <url>', 'put the jobs in a Redis queue (redis://host:port) for `plasticity worker` processes on any machine, instead of training here')
    .action(async (file: string, options: { out?: string; jobs?: number; retries: number; queue?: string }) => {
      const address = options.queue === undefined ? undefined : parseQueueUrl(options.queue);
      if (address) await checkQueueReachable(address);
      const doc = readSweepFile(file);
      const jobs = expandSweep(doc, path.dirname(path.resolve(file)), file);
      const sweepDir = options.out ?? path.join('sweeps', slug(doc.name));
      prepareSweepFolder(sweepDir, doc, jobs);
      const todo = jobStatuses(sweepDir, jobs).filter((s) => s.state !== 'finished').length;
      console.error(`${doc.name}: ${describeSweepSize(doc)}, ${todo} to train, in ${sweepDir}${address ? `, through the queue at ${address.shown}` : ''}`);

      const interrupt = stopOnInterrupt('Stopping every job after its current episode (checkpoints are kept; run the sweep again to continue).');
      const display = poolDisplay(jobs.length);
      try {
        const listener = {
          minutes: doc.budget?.minutes,
          retries: options.retries,
          signal: interrupt.signal,
          onStart: display.start,
          onProgress: display.progress,
          onEnd: (job: JobStatus, outcome: { state: string; error?: string }) => display.end(job, outcome.state, outcome.error),
        };
        const result = address
          ? await runSweepOnQueue(sweepDir, doc.name, jobs, { ...listener, address })
          : await runSweepLocally(sweepDir, jobs, { ...listener, concurrency: options.jobs });
        display.stop();
        const { readme } = await writeSweepReport(sweepDir, { command: commandLine() });
        console.error(`${result.finished} of ${jobs.length} jobs finished${result.failed.length ? `, ${result.failed.length} failed` : ''}${result.stopped ? `, ${result.stopped} stopped` : ''}. Report: ${readme}`);
        for (const failed of result.failed) console.error(`${failed.id}: failed: ${failed.error ?? 'unknown error'} (run folder ${failed.runDir})`);
        if (interrupt.signal.aborted) process.exitCode = 130;
        else if (result.failed.length) process.exitCode = 1;
      } finally {
        display.stop();
        interrupt.dispose();
      }
    });

  program
    .command('worker')
    .description('take sweep jobs from a Redis queue and train them, one at a time, until Ctrl-C (the job then continues on another worker)')
    .requiredOption('--queue <url>', 'the queue: redis://[user:password@]host:port[/db]')
    .option('--stalled-seconds <s>', 'a job of a worker that died goes to another worker after about this long', positiveInteger('--stalled-seconds', 1), 30)
    .action(async (options: { queue: string; stalledSeconds: number }) => {
      const address = parseQueueUrl(options.queue);
      const interrupt = stopOnInterrupt('Stopping: the current job stops after its episode and goes back to the queue with its checkpoint.');
      try {
        await runQueueWorker({ address, signal: interrupt.signal, stalledSeconds: options.stalledSeconds });
      } finally {
        interrupt.dispose();
      }
    });

  sweep
    .command('status')
    .description('each job of a sweep folder: state and progress')
    .argument('<dir>', 'sweep folder')
    .option('--json', 'one JSON object')
    .action((dir: string, options: { json?: boolean }) => {
      const { sweep: doc, jobs } = readSweepFolder(dir);
      const statuses = jobStatuses(dir, jobs);
      if (options.json) {
        console.log(JSON.stringify({ name: doc.name, jobs: statuses.map(({ graphFile: _g, ...s }) => s) }, null, 2));
        return;
      }
      const finished = statuses.filter((s) => s.state === 'finished').length;
      console.log(`${doc.name}: ${describeSweepSize(doc)}, ${finished} finished\n`);
      console.log(statusTable(statuses));
    });

  sweep
    .command('report')
    .description('write the sweep\'s report (report.md, report.json, SVG curves) from its runs so far')
    .argument('<dir>', 'sweep folder')
    .option('--out <dir>', 'report folder (default: <sweep folder>/report)')
    .action(async (dir: string, options: { out?: string }) => {
      const { readme, charts } = await writeSweepReport(dir, { out: options.out, command: commandLine() });
      console.log(`wrote ${readme}, report.json and ${charts.length} chart(s)`);
    });
}
