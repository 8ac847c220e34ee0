// The Sweeps view's requests: the sweeps in the app's sweeps folder, creating one from graphs the user picked
// (the open graph, templates), running it with the local pool of training processes, cancelling and
// continuing it, and its report (the same files `plasticity sweep report` writes).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { serializeGraphDocument, type GraphDocument } from '../../../core/graph/index.ts';
import { runSweepLocally } from '../../../core/sweep/local-pool.ts';
import { expandSweep, slug, type SweepDocument } from '../../../core/sweep/sweep-document.ts';
import { jobStatuses, prepareSweepFolder, readSweepFolder, sweepFiles } from '../../../core/sweep/sweep-folder.ts';
import { writeSweepReport } from '../../../core/sweep/sweep-report.ts';
import { writeFileAtomic } from '../../../core/util/atomic-write.ts';
import type { SweepDetails, SweepProgress, SweepSummary } from '../../shared/channels.ts';
import { UserError } from './user-error.ts';

export interface SweepsOptions {
  sweepsDir: string;
  onProgress(progress: SweepProgress): void;
  /** Extra environment of the training processes (tests). */
  env?: NodeJS.ProcessEnv;
  /** Trainings at once (default: the machine's cores). */
  concurrency?: number;
  /** The command line the jobs run (the desktop app's bundled one; default: the repository's bin/plasticity.js). */
  cli?: string;
}

export interface NewSweep {
  name: string;
  variants: { name: string; document: GraphDocument }[];
  seeds: number[];
  episodes?: number;
  parameters?: SweepDocument['parameters'];
}

const REPORT = 'report';

export class Sweeps {
  private readonly running = new Map<string, AbortController>();
  private readonly finishing = new Set<Promise<unknown>>();

  constructor(private readonly options: SweepsOptions) {}

  private dirOf(id: string): string {
    // An id names a folder directly inside the sweeps folder: never "..", ".", or a path.
    if (!/^[\w.-]+$/.test(id) || /^\.+$/.test(id) || !existsSync(path.join(this.options.sweepsDir, id, sweepFiles.sweep))) throw new UserError(`There is no sweep "${id}".`);
    return path.join(this.options.sweepsDir, id);
  }

  private summary(id: string): SweepSummary {
    const dir = path.join(this.options.sweepsDir, id);
    const { sweep, jobs } = readSweepFolder(dir);
    const states = jobStatuses(dir, jobs).map((s) => s.state);
    return {
      id,
      name: sweep.name,
      jobs: jobs.length,
      finished: states.filter((s) => s === 'finished').length,
      failed: states.filter((s) => s === 'failed').length,
      running: this.running.has(id),
    };
  }

  list(): SweepSummary[] {
    if (!existsSync(this.options.sweepsDir)) return [];
    return readdirSync(this.options.sweepsDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(path.join(this.options.sweepsDir, e.name, sweepFiles.sweep)))
      .flatMap((e) => {
        try {
          return [this.summary(e.name)];
        } catch {
          return []; // a damaged sweep folder must not hide the others
        }
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Writes the variants' graphs and the sweep into a new folder and starts it. */
  create(request: NewSweep): SweepSummary {
    let id = slug(request.name);
    for (let k = 2; existsSync(path.join(this.options.sweepsDir, id)); k++) id = `${slug(request.name)}-${k}`;
    const dir = path.join(this.options.sweepsDir, id);
    mkdirSync(path.join(dir, 'variants'), { recursive: true });
    const variants = request.variants.map((v, k) => {
      const file = `variants/${k + 1}-${slug(v.name)}.plastic.json`;
      writeFileAtomic(path.join(dir, file), serializeGraphDocument(v.document));
      return { graph: file, name: v.name };
    });
    const sweep: SweepDocument = {
      format: 'plasticity-sweep',
      version: 1,
      name: request.name,
      variants,
      seeds: request.seeds,
      ...(request.parameters && Object.keys(request.parameters).length > 0 && { parameters: request.parameters }),
      ...(request.episodes !== undefined && { budget: { episodes: request.episodes } }),
    };
    try {
      prepareSweepFolder(dir, sweep, expandSweep(sweep, dir, request.name));
    } catch (error) {
      rmSync(dir, { recursive: true, force: true }); // nothing was trained: leave no half-made sweep behind
      throw new UserError((error as Error).message);
    }
    this.start(id);
    return this.summary(id);
  }

  /** Runs every job that has not finished (a stopped or failed one continues from its checkpoint), then writes the report. */
  start(id: string): SweepSummary {
    const dir = this.dirOf(id);
    if (this.running.has(id)) throw new UserError(`The sweep "${id}" is already running.`);
    const { jobs } = readSweepFolder(dir);
    const controller = new AbortController();
    this.running.set(id, controller);
    const notify = (job: string, state: SweepProgress['state'], episode = 0, episodes = 0, error?: string) =>
      this.options.onProgress({ id, job, state, episode, episodes, ...(error && { error }) });
    const done = runSweepLocally(dir, jobs, {
      concurrency: this.options.concurrency,
      signal: controller.signal,
      env: this.options.env,
      cli: this.options.cli,
      onStart: (job) => notify(job.id, 'running'),
      onProgress: (job, p) => notify(job.id, 'running', p.episode, p.episodes),
      onEnd: (job, outcome) => notify(job.id, outcome.state, job.episodesDone, job.episodes, outcome.error),
    })
      .then(() => writeSweepReport(dir, { out: path.join(dir, REPORT) }))
      .catch((error: Error) => notify('', 'failed', 0, 0, error.message))
      .finally(() => {
        this.running.delete(id);
        this.finishing.delete(done);
        notify('', 'ended');
      });
    this.finishing.add(done);
    return this.summary(id);
  }

  /** Stops every job after its current episode; checkpoints are kept, so Continue picks them up. */
  cancel(id: string): SweepSummary {
    this.dirOf(id);
    this.running.get(id)?.abort();
    return this.summary(id);
  }

  async details(id: string): Promise<SweepDetails> {
    const dir = this.dirOf(id);
    const { jobs } = readSweepFolder(dir);
    const reportDir = path.join(dir, REPORT);
    // Every end of a pool writes the report; a sweep stopped before its first end (the app closed) gets one here.
    const reportFile = path.join(reportDir, 'report.json');
    if (!this.running.has(id) && !existsSync(reportFile) && jobStatuses(dir, jobs).some((s) => s.state !== 'pending')) await writeSweepReport(dir, { out: reportDir });
    const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : null;
    // The report's lead measure first (held-out when every variant was evaluated on it), then its p-values.
    const lead = report ? [`${report.headlineFrom === 'held-out' ? 'heldout' : 'training'}-${report.headline}.svg`, 'p-values.svg'] : [];
    const rank = (file: string) => (lead.includes(file) ? lead.indexOf(file) : lead.length);
    const charts = existsSync(reportDir)
      ? readdirSync(reportDir)
          .filter((f) => f.endsWith('.svg'))
          .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
          .map((file) => ({ file, svg: readFileSync(path.join(reportDir, file), 'utf8') }))
      : [];
    return {
      summary: this.summary(id),
      folder: dir,
      jobs: jobStatuses(dir, jobs).map((s) => ({ id: s.id, group: s.group, seed: s.seed, state: s.state, episodesDone: s.episodesDone, episodes: s.episodes, error: s.error ?? null })),
      final: report?.final ?? [],
      charts,
    };
  }

  /** Stops every running sweep (the app is closing) and waits, up to `timeoutMs`, until each job has written its checkpoint. */
  async stopAll(timeoutMs = 15_000): Promise<void> {
    for (const controller of this.running.values()) controller.abort();
    await Promise.race([Promise.allSettled([...this.finishing]), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }
}
