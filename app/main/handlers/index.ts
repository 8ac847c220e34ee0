// Every request the renderer can make, as plain functions of a context (no `electron` import): registered on
// ipcMain by app/main/ipc.ts and on the local WebSocket by app/server/. `dispatch` validates each request
// and each answer against the channel table, and turns errors into readable messages.
import path from 'node:path';
import { channels, isChannelName, type ChannelName, type Channels, type Envelope, type EventName, type EventPayload, type ResponseOf } from '../../shared/channels.ts';
import type { z } from 'zod';
import type { TrainingHost } from '../training/host.ts';
import { AutosaveStore } from './autosave.ts';
import { exportRunBundle, openBundle } from './bundles.ts';
import { checkDocument, listGraphDirectory, readGraphFile, writeGraphFile } from './graph-files.ts';
import { RecentFiles } from './recent-files.ts';
import { listRunFolders, readRunMetrics, readRunSummary, readRunTail } from './runs.ts';
import { runFiles } from '../../../core/train/run-folder.ts';
import { datasetProblems } from '../../../core/compile/dataset-problems.ts';
import { listTemplates, openTemplate } from './templates.ts';
import { describeError, UserError } from './user-error.ts';
import { confineToWorkspace, isInside } from './workspace.ts';
import { Datasets } from './datasets.ts';
import { recordEpisodeOf } from './record-episode.ts';
import type { Sweeps } from './sweeps.ts';
import type { DatasetName, DatasetSource } from '../../../core/tasks/download.ts';
import { readFileLimitedAsync } from '../../../core/util/read-limited.ts';

export interface AppContext {
  mode: 'electron' | 'browser';
  version: string;
  /** Recent files, autosaves and settings live here. */
  dataDir: string;
  runsDir: string;
  templatesDir: string;
  /** Where README.md and docs/ are. */
  docsRoot: string;
  /** Where file dialogs start. */
  documentsDir: string;
  /**
   * Browser mode: the folders requests may name (the workspace first, then the runs folder); any other path
   * is refused. Absent in Electron, whose paths come from native dialogs.
   */
  workspace?: readonly string[];
  training: TrainingHost;
  /** Pushes an event to the renderer (the Datasets view's download progress). */
  notify?<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Where sweeps are kept (default: a "sweeps" folder beside the runs folder). */
  sweepsDir?: string;
  /** Extra environment of a sweep's training processes (tests). */
  sweepEnv?: NodeJS.ProcessEnv;
  /** Filled by createHandlers: what to finish before the app exits (running sweeps stop and keep their checkpoints). */
  shutdown?: (() => Promise<void>)[];
  /** The command line the app runs in processes of their own (sweep jobs, episode recordings): the desktop app's bundled one (default: the repository's bin/plasticity.js). */
  cliEntry?: string;
  /** Base URL of an offline mirror of the official dataset files (PLASTICITY_DATA_MIRROR). */
  datasetMirror?: string;
  /** Replaces the official dataset catalogue (tests). */
  datasetSources?: Partial<Record<DatasetName, DatasetSource>>;
}

export type Handler<C extends ChannelName> = (request: z.output<Channels[C]['request']>) => Promise<ResponseOf<C>>;
export type HandlerTable = { [C in ChannelName]?: Handler<C> };

/** The documents the Help menu shows, by name (never a path from the request). */
const documents = {
  experiments: { file: 'docs/experiments.md', title: 'Guide to the paper’s experiments' },
  readme: { file: 'README.md', title: 'README' },
} as const;

export function createHandlers(ctx: AppContext): HandlerTable {
  const recent = new RecentFiles(path.join(ctx.dataDir, 'recent-files.json'));
  const autosave = new AutosaveStore(path.join(ctx.dataDir, 'autosave'));
  const datasets = new Datasets({ settingsDir: ctx.dataDir, mirror: ctx.datasetMirror, sources: ctx.datasetSources, onProgress: (p) => ctx.notify?.('datasets:progress', p) });
  datasets.restore();
  // Loaded on first use: sweeps bring the report's chart and statistics libraries, which the app's start does not need.
  let sweepsLoaded: Promise<Sweeps> | null = null;
  ctx.shutdown?.push(async () => (sweepsLoaded ? (await sweepsLoaded).stopAll() : undefined));
  const sweeps = () =>
    (sweepsLoaded ??= import('./sweeps.ts').then(
      ({ Sweeps }) =>
        new Sweeps({
          sweepsDir: ctx.sweepsDir ?? path.join(path.dirname(ctx.runsDir), 'sweeps'),
          env: ctx.sweepEnv,
          cli: ctx.cliEntry,
          onProgress: (p) => ctx.notify?.('sweeps:progress', p),
        }),
    ));

  const runDir = (runId: string): string => {
    const live = ctx.training.list().find((r) => r.runId === runId);
    if (live) return live.dir;
    // A run id names a folder directly inside the runs folder: never "..", ".", or a path.
    if (!/^[\w.-]+$/.test(runId) || /^\.+$/.test(runId)) throw new UserError(`There is no run ${runId}.`);
    return path.join(ctx.runsDir, runId);
  };
  const allowed = (requested: string): string => (ctx.workspace ? confineToWorkspace(requested, ctx.workspace) : requested);

  return {
    'app:info': async () => ({
      mode: ctx.mode,
      version: ctx.version,
      nativeDialogs: ctx.mode === 'electron',
      documentsDir: ctx.documentsDir,
      runsDir: ctx.runsDir,
      dataDir: ctx.dataDir,
    }),

    'graph:open': async ({ path: requested }) => {
      const filePath = allowed(requested);
      const document = await readGraphFile(filePath);
      const absolute = path.resolve(filePath);
      await recent.add(absolute, document.meta.name);
      return { path: absolute, document };
    },
    'graph:save': async ({ path: filePath, document }) => {
      const saved = await writeGraphFile(allowed(filePath), document);
      await recent.add(saved, (document as { meta?: { name?: string } }).meta?.name);
      return { path: saved, savedAt: new Date().toISOString() };
    },
    'files:list': async ({ dir }) => {
      const listing = await listGraphDirectory(allowed(dir ?? ctx.documentsDir));
      // The dialog offers no way up out of the workspace.
      const parent = listing.parent && ctx.workspace && !ctx.workspace.some((root) => isInside(root, listing.parent!)) ? null : listing.parent;
      return { ...listing, parent };
    },

    'templates:list': async () => ({ templates: await listTemplates(ctx.templatesDir) }),
    'templates:open': async ({ id }) => ({ document: await openTemplate(ctx.templatesDir, id) }),

    'recent:list': async () => ({ files: await recent.list() }),
    'recent:clear': async () => {
      await recent.clear();
      return {};
    },

    'autosave:write': async ({ sessionId, filePath, document }) => ({ savedAt: await autosave.write(sessionId, filePath, document) }),
    'autosave:clear': async ({ sessionId }) => {
      await autosave.clear(sessionId);
      return {};
    },
    'autosave:recoverable': async ({ sessionId }) => ({ records: await autosave.recoverable(sessionId) }),

    'runs:list': async () => {
      const live = ctx.training.list().map((r) => ({ ...r, tail: readRunTail(r.dir) }));
      const liveIds = new Set(live.map((r) => r.runId));
      const onDisk = (await listRunFolders(ctx.runsDir)).filter((r) => !liveIds.has(r.runId));
      return { runs: [...live, ...onDisk] };
    },
    'runs:metrics': async ({ runId }) => ({ runId, ...(await readRunMetrics(runDir(runId))) }),
    'run:export': async ({ runId, path: outPath, zip }) => {
      const live = ctx.training.list().find((r) => r.runId === runId);
      if (live && (live.status === 'queued' || (live.episodesDone ?? 0) === 0)) throw new UserError(`The run ${runId} has not trained an episode yet, so there is no model to export.`);
      return { runId, ...(await exportRunBundle(runDir(runId), allowed(outPath), zip)) };
    },
    'bundle:open': async ({ path: bundlePath }) => {
      const opened = await openBundle(allowed(bundlePath));
      await recent.add(opened.path, `${opened.document.meta.name} (trained)`);
      return opened;
    },

    'training:start': async ({ document, episodes, seed, backend }) => {
      const checked = checkDocument(document);
      // Refused here, before a run folder exists, rather than seconds later in the training process.
      const missing = datasetProblems(checked);
      if (missing.length > 0) throw new UserError(missing.map((p) => p.message).join('\n'));
      return ctx.training.start({ document: checked, episodes, seed, backend });
    },
    'training:pause': async ({ runId }) => {
      ctx.training.pause(runId);
      return {};
    },
    'training:resume': async ({ runId }) => {
      ctx.training.resume(runId);
      return {};
    },
    'training:continue': async ({ runId }) => {
      const dir = runDir(runId);
      const run = ctx.training.list().find((r) => r.runId === runId) ?? (await readRunSummary(dir));
      if (!run) throw new UserError(`There is no run ${runId}.`);
      const planned = run.episodes ?? 0;
      if (!['stopped', 'failed', 'finished'].includes(run.status) || (run.status === 'finished' && (run.episodesDone ?? 0) >= planned)) {
        throw new UserError(`The run ${run.name} is ${run.status}${run.status === 'finished' ? ' with all its episodes' : ''}; only a stopped or failed run, or one that ended early, can be continued.`);
      }
      const document = await readGraphFile(path.join(dir, runFiles.graph));
      return ctx.training.start({ document, resume: { runId, dir, episodesDone: run.episodesDone ?? 0, episodes: run.episodes } });
    },
    'graph:datasetProblems': async ({ document }) => {
      const problems = datasetProblems(checkDocument(document));
      return { problems: problems.map((p) => ({ severity: 'error' as const, code: 'missing-dataset' as const, nodeId: p.nodeId!, param: p.param!, message: p.message })) };
    },
    'graph:measureSpeed': async ({ document }) => ctx.training.measureSpeed(document),
    'datasets:list': async () => datasets.state(),
    'datasets:download': async ({ name }) => datasets.download(name),
    'datasets:useFolder': async ({ folder }) => datasets.useFolder(allowed(folder)),
    'inspector:record': async ({ runId, bundle, seed, episode, background }) =>
      recordEpisodeOf(runId ? runDir(runId) : allowed(bundle!), { seed, custom: episode, background }, ctx.cliEntry),
    'sweeps:list': async () => ({ sweeps: (await sweeps()).list() }),
    'sweeps:create': async ({ name, variants, seeds, episodes, parameters }) => {
      const documents = await Promise.all(
        variants.map(async (v) => {
          if ('path' in v) {
            const document = await readGraphFile(allowed(v.path));
            return { name: document.meta.name, document };
          }
          return { name: v.name, document: checkDocument(v.document, `The variant "${v.name}"`) };
        }),
      );
      return (await sweeps()).create({ name, seeds, episodes, parameters, variants: documents });
    },
    'sweeps:start': async ({ id }) => (await sweeps()).start(id),
    'sweeps:cancel': async ({ id }) => (await sweeps()).cancel(id),
    'sweeps:details': async ({ id }) => (await sweeps()).details(id),
    'docs:read': async ({ name }) => {
      const { file, title } = documents[name];
      const markdown = (await readFileLimitedAsync(path.join(ctx.docsRoot, file), 4 * 1024 * 1024, 'document')).toString('utf8');
      return { name, title, markdown };
    },
    'training:stop': async ({ runId }) => {
      ctx.training.stop(runId);
      return {};
    },
    // The browser has no window title to keep in sync here: the page sets its own.
    'window:setDocumentState': async () => ({}),
  };
}

/** Validates, runs and answers one request. Never throws: every failure becomes `{ ok: false }`. */
export async function dispatch(table: HandlerTable, channel: string, payload: unknown): Promise<Envelope<unknown>> {
  if (!isChannelName(channel)) return { ok: false, error: { message: `Unknown request "${channel}".` } };
  const handler = table[channel] as ((request: unknown) => Promise<unknown>) | undefined;
  if (!handler) return { ok: false, error: { message: `"${channel}" is not available in this mode of the app.` } };
  const request = channels[channel].request.safeParse(payload ?? {});
  if (!request.success) {
    const issue = request.error.issues[0];
    const where = issue.path.length ? ` (${issue.path.join('.')})` : '';
    return { ok: false, error: { message: `Invalid "${channel}" request${where}: ${issue.message}` } };
  }
  try {
    const value = await handler(request.data);
    return { ok: true, value: channels[channel].response.parse(value) };
  } catch (error) {
    if (!(error instanceof UserError)) console.error(`Request "${channel}" failed:`, error);
    return { ok: false, error: { message: describeError(error) } };
  }
}
