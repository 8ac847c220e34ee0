// The one typed table of everything the renderer can ask the main process (or the browser-mode server) and
// everything it is told. Each channel has a zod schema for its request and its response; the receiving side
// validates (handlers validate requests, API clients validate responses and events), so a malformed message
// is a clear error at the boundary instead of a crash deep inside. Style after chaiNNer's safeIpc table.
import { z } from 'zod';

/**
 * A graph document as it crosses a boundary. Only its envelope is checked here; the full schema
 * (core/graph) is applied by the handler that uses it, which reports problems in a user's words.
 */
export const GraphDocumentJson = z
  .object({ format: z.literal('plasticity-graph'), version: z.number().int() })
  .loose();
export type GraphDocumentJson = z.infer<typeof GraphDocumentJson>;

const FilePath = z.string().min(1, 'A file path is required');
const Empty = z.object({}).strict();

export const ExpectedResult = z
  .object({
    metric: z.string(),
    below: z.number().optional(),
    above: z.number().optional(),
    withinEpisodes: z.number().optional(),
    withinMinutes: z.number().optional(),
    source: z.string().optional(),
  })
  .loose();

export const TemplateSummary = z.object({
  id: z.string(),
  path: z.string(),
  name: z.string(),
  description: z.string(),
  expected: ExpectedResult.optional(),
  nodeCount: z.number().int(),
  episodes: z.number().int().optional(),
});
export type TemplateSummary = z.infer<typeof TemplateSummary>;

export const RecentFile = z.object({ path: z.string(), name: z.string(), openedAt: z.string() });
export type RecentFile = z.infer<typeof RecentFile>;

export const DirectoryEntry = z.object({
  name: z.string(),
  path: z.string(),
  isDirectory: z.boolean(),
  /** A model bundle: a .zip, or a folder holding model.json. Opening it shows the trained model. */
  bundle: z.boolean().optional(),
});
export type DirectoryEntry = z.infer<typeof DirectoryEntry>;

export const AutosaveRecord = z.object({
  sessionId: z.string(),
  filePath: z.string().nullable(),
  name: z.string(),
  savedAt: z.string(),
  document: GraphDocumentJson,
});
export type AutosaveRecord = z.infer<typeof AutosaveRecord>;

export const Backend = z.enum(['auto', 'wasm', 'cpu', 'tensorflow']);
export type Backend = z.infer<typeof Backend>;

export const RunStatus = z.enum(['queued', 'running', 'paused', 'stopping', 'finished', 'stopped', 'failed']);
export type RunStatus = z.infer<typeof RunStatus>;

/** One episode's numbers, as in a run folder's metrics.jsonl. */
export const MetricPoint = z.object({ episode: z.number(), loss: z.number().nullable(), metrics: z.record(z.string(), z.number().nullable()) });
export type MetricPoint = z.infer<typeof MetricPoint>;

/** A mean with its 95% confidence interval (bounds null when one value cannot bound it). */
const IntervalJson = z.object({ mean: z.number(), low: z.number().nullable(), high: z.number().nullable() });

/** One held-out evaluation, as in a run folder's evaluation.jsonl: after `episode` training episodes, on `episodes` held-out ones. */
export const EvaluationPoint = z.object({ episode: z.number(), split: z.string(), episodes: z.number(), loss: IntervalJson, metrics: z.record(z.string(), IntervalJson) });
export type EvaluationPoint = z.infer<typeof EvaluationPoint>;

export const TrainingProgress = z.object({
  episode: z.number(),
  episodes: z.number(),
  loss: z.number().nullable(),
  metrics: z.record(z.string(), z.number().nullable()),
  episodesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  elapsedSeconds: z.number(),
  backend: z.string(),
});
export type TrainingProgress = z.infer<typeof TrainingProgress>;

/** A run as the run history shows it: read from its folder, or live from the training host. */
export const RunSummary = z.object({
  runId: z.string(),
  dir: z.string(),
  name: z.string(),
  status: RunStatus,
  episodes: z.number().nullable(),
  episodesDone: z.number().nullable(),
  backend: z.string().nullable(),
  seed: z.number().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  lastLoss: z.number().nullable(),
  error: z.string().nullable(),
  /** Set while the training host knows the run (queued, running, paused, or ended in this session). */
  live: z.boolean(),
  progress: TrainingProgress.nullable(),
  /** The metric the run is judged by (the graph's expected result), when it names one. */
  metric: z.string().nullable().optional(),
  /** The value the graph expects of that metric (its meta.expected), drawn as a line on the metric's chart. */
  target: z.object({ value: z.number(), direction: z.enum(['below', 'above']) }).nullable().optional(),
  /** The last points of metrics.jsonl (up to RUN_TAIL_POINTS), so the history can show smoothed values. */
  tail: z.array(MetricPoint).optional(),
  /** The run's latest held-out evaluation, when its graph asks for them. */
  evaluation: EvaluationPoint.nullable().optional(),
  /** What its loss and metrics are measured on (lossUnitOf): runs that differ here are not drawn on one axis. */
  lossUnit: z.string().nullable().optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/**
 * A key for the scale of a graph's loss and metrics: its episode source (task and size) and its loss nodes with
 * their settings. Two seeds or two networks on the same task share it; an Omniglot run and a binary-pattern run do not.
 */
export function lossUnitOf(graph: unknown): string | null {
  const nodes = (graph as { nodes?: { kind?: unknown; params?: unknown }[] } | undefined)?.nodes;
  if (!Array.isArray(nodes)) return null;
  const defining = nodes.filter((n) => typeof n.kind === 'string' && /(Episode|Environment|Loss)$/.test(n.kind));
  return JSON.stringify(defining.map((n) => [n.kind, n.params ?? {}]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
}

/** Episodes kept in a run summary's `tail`: also the widest smoothing window the dashboard offers. */
export const RUN_TAIL_POINTS = 500;

/** One trained parameter of a model bundle, summarised (a 1001×1001 matrix is too big to send whole). */
export const TrainedParameter = z.object({
  /** `<node id>/<parameter>`, e.g. `memory/alpha`. */
  name: z.string(),
  node: z.string(),
  param: z.string(),
  shape: z.array(z.number().int()),
  count: z.number().int(),
  /** Over the finite values; null when there are none. */
  mean: z.number().nullable(),
  std: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  /** NaN or infinite values (a diverged run). */
  nonFinite: z.number().int(),
  /** The value itself for one-element parameters (`eta`). */
  value: z.number().nullable().optional(),
});
export type TrainedParameter = z.infer<typeof TrainedParameter>;

/** What the app shows of a model bundle besides its graph: how it was trained, how well, and its values. */
export const TrainedModelInfo = z.object({
  path: z.string(),
  exportedAt: z.string(),
  training: z.object({
    runId: z.string(),
    status: z.string(),
    seed: z.number(),
    episodesDone: z.number(),
    settings: z.record(z.string(), z.unknown()),
  }),
  metrics: z.object({
    lastEpisode: z.record(z.string(), z.number()).nullable(),
    recentMean: z.object({ fromEpisode: z.number(), toEpisode: z.number(), episodes: z.number(), values: z.record(z.string(), z.number()) }).nullable(),
  }),
  producedBy: z.object({ backend: z.string(), versions: z.record(z.string(), z.string()) }),
  parameters: z.array(TrainedParameter),
});
export type TrainedModelInfo = z.infer<typeof TrainedModelInfo>;

export const AppInfo = z.object({
  mode: z.enum(['electron', 'browser']),
  version: z.string(),
  nativeDialogs: z.boolean(),
  documentsDir: z.string(),
  runsDir: z.string(),
  dataDir: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

const RunRef = z.object({ runId: z.string().min(1) });

export const DocName = z.enum(['experiments', 'readme']);
export type DocName = z.infer<typeof DocName>;

/** How long a graph's optimizer step takes on this machine, timed by the training process. */
export const SpeedMeasurement = z.object({ secondsPerStep: z.number(), batchSize: z.number().int(), backend: z.string(), stepsTimed: z.number().int() });
export type SpeedMeasurement = z.infer<typeof SpeedMeasurement>;

/** A sweep in the app's sweeps folder: variants × seeds trained by a pool of training processes. */
export const SweepSummary = z.object({ id: z.string(), name: z.string(), jobs: z.number().int(), finished: z.number().int(), failed: z.number().int(), running: z.boolean() });
export type SweepSummary = z.infer<typeof SweepSummary>;
const Spread = z.object({ median: z.number(), q1: z.number(), q3: z.number(), values: z.array(z.number()) });
export const SweepDetails = z.object({
  summary: SweepSummary,
  folder: z.string(),
  jobs: z.array(
    z.object({ id: z.string(), group: z.string(), seed: z.number(), state: z.string(), episodesDone: z.number(), episodes: z.number(), error: z.string().nullable() }),
  ),
  /** One value per run at the end, per variant its median and quartiles, and the rank-sum tests between variants. */
  final: z.array(
    z.object({
      measure: z.string(),
      metric: z.string(),
      groups: z.record(z.string(), Spread),
      comparisons: z.array(z.object({ a: z.string(), b: z.string(), u: z.number(), p: z.number(), method: z.string() })),
    }),
  ),
  /** The report's charts (median and inter-quartile band per variant; p-values), as SVG text. */
  charts: z.array(z.object({ file: z.string(), svg: z.string() })),
});
export type SweepDetails = z.infer<typeof SweepDetails>;
/** A job of a running sweep moved on; `job` is empty when the sweep as a whole ended. */
export const SweepProgress = z.object({
  id: z.string(),
  job: z.string(),
  state: z.enum(['running', 'finished', 'stopped', 'failed', 'ended']),
  episode: z.number(),
  episodes: z.number(),
  error: z.string().optional(),
});
export type SweepProgress = z.infer<typeof SweepProgress>;
const SweepRef = z.object({ id: z.string().min(1) });

/** One held-out episode of a trained run (`plasticity record`): float32 arrays as base64 of little-endian bytes. */
export const EpisodeRecording = z.object({
  runId: z.string(),
  trainedEpisodes: z.number(),
  seed: z.number(),
  steps: z.number().int(),
  ports: z.array(z.object({ name: z.string(), shape: z.array(z.number().int()), values: z.string() })),
  plastic: z.array(
    z.object({ node: z.string(), rows: z.number().int(), cols: z.number().int(), eta: z.number(), w: z.string(), alpha: z.string(), traceSteps: z.array(z.number().int()), traces: z.array(z.string()) }),
  ),
  nodes: z.array(z.object({ id: z.string(), kind: z.string(), inputs: z.record(z.string(), z.string()) })),
  views: z.array(z.object({ name: z.string(), shape: z.array(z.number().int()), values: z.string() })),
});
export type EpisodeRecording = z.infer<typeof EpisodeRecording>;

export const DatasetStatus = z.object({ name: z.string(), title: z.string(), readBy: z.string(), problem: z.string().nullable() });
export type DatasetStatus = z.infer<typeof DatasetStatus>;
export const DatasetFolderState = z.object({ folder: z.string(), datasets: z.array(DatasetStatus) });
export type DatasetFolderState = z.infer<typeof DatasetFolderState>;
export const DatasetProgress = z.object({
  name: z.string(),
  fileName: z.string(),
  fileIndex: z.number().int(),
  fileCount: z.number().int(),
  receivedBytes: z.number(),
  totalBytes: z.number().optional(),
});
export type DatasetProgress = z.infer<typeof DatasetProgress>;

export const channels = {
  'app:info': { request: Empty, response: AppInfo },

  'graph:open': {
    request: z.object({ path: FilePath }),
    response: z.object({ path: z.string(), document: GraphDocumentJson }),
  },
  'graph:save': {
    request: z.object({ path: FilePath, document: GraphDocumentJson }),
    response: z.object({ path: z.string(), savedAt: z.string() }),
  },
  /** The browser mode's file dialog lists folders through this (Electron uses native dialogs). */
  'files:list': {
    request: z.object({ dir: z.string().optional() }),
    response: z.object({ dir: z.string(), parent: z.string().nullable(), entries: z.array(DirectoryEntry) }),
  },

  'templates:list': { request: Empty, response: z.object({ templates: z.array(TemplateSummary) }) },
  'templates:open': {
    request: z.object({ id: z.string().min(1) }),
    response: z.object({ document: GraphDocumentJson }),
  },

  'recent:list': { request: Empty, response: z.object({ files: z.array(RecentFile) }) },
  'recent:clear': { request: Empty, response: z.object({}) },

  'autosave:write': {
    request: z.object({ sessionId: z.string().min(1), filePath: z.string().nullable(), document: GraphDocumentJson }),
    response: z.object({ savedAt: z.string() }),
  },
  'autosave:clear': { request: z.object({ sessionId: z.string().min(1) }), response: z.object({}) },
  /** Unsaved work left by a session that did not close cleanly (a crash, a killed tab), newest first. */
  'autosave:recoverable': {
    request: z.object({ sessionId: z.string().min(1) }),
    response: z.object({ records: z.array(AutosaveRecord) }),
  },

  'runs:list': { request: Empty, response: z.object({ runs: z.array(RunSummary) }) },
  'runs:metrics': {
    request: RunRef,
    response: z.object({ runId: z.string(), points: z.array(MetricPoint), metricNames: z.array(z.string()), evaluations: z.array(EvaluationPoint) }),
  },
  /** Writes a run's trained model as a bundle: a .zip when `zip`, else a folder (README.md, "Model bundles"). */
  'run:export': {
    request: z.object({ runId: z.string().min(1), path: FilePath, zip: z.boolean() }),
    response: z.object({ runId: z.string(), path: z.string(), zip: z.boolean(), episodesDone: z.number(), warnings: z.array(z.string()) }),
  },
  /** Reads a bundle (a .zip, or a folder holding model.json), fully checked, for read-only viewing. */
  'bundle:open': {
    request: z.object({ path: FilePath }),
    response: z.object({ path: z.string(), document: GraphDocumentJson, model: TrainedModelInfo }),
  },

  'training:start': {
    request: z.object({
      document: GraphDocumentJson,
      filePath: z.string().nullable().optional(),
      episodes: z.number().int().positive().optional(),
      seed: z.number().int().optional(),
      backend: Backend.optional(),
    }),
    response: z.object({ runId: z.string(), dir: z.string() }),
  },
  'training:pause': { request: RunRef, response: z.object({}) },
  'training:resume': { request: RunRef, response: z.object({}) },
  'training:stop': { request: RunRef, response: z.object({}) },
  /** Datasets the graph reads that are not on this machine where its nodes say (the editor shows them as problems). */
  'graph:datasetProblems': {
    request: z.object({ document: GraphDocumentJson }),
    response: z.object({
      problems: z.array(z.object({ severity: z.literal('error'), code: z.literal('missing-dataset'), nodeId: z.string(), param: z.string(), message: z.string() })),
    }),
  },
  /** The project's own documents, shown from the Help menu: the guide to the paper's experiments, the README. */
  'docs:read': {
    request: z.object({ name: DocName }),
    response: z.object({ name: DocName, title: z.string(), markdown: z.string() }),
  },
  /** Times a few training steps of the graph on this machine (nothing is kept). */
  'graph:measureSpeed': { request: z.object({ document: GraphDocumentJson }), response: SpeedMeasurement },
  /** The datasets the templates read: where the app looks for them, and which are there. */
  'datasets:list': { request: Empty, response: DatasetFolderState },
  /** Downloads a dataset's official archives into the data folder (progress as 'datasets:progress' events). */
  'datasets:download': { request: z.object({ name: z.string().min(1) }), response: DatasetFolderState },
  /** Makes a folder that already holds datasets the app's data folder (refused, saying why, when it holds none). */
  'datasets:useFolder': { request: z.object({ folder: z.string().min(1) }), response: DatasetFolderState },
  /** Records one held-out episode of a trained run step by step, in a process of its own (the episode inspector). */
  /**
   * One held-out episode of a run, recorded; with `episode`, the user's own episode instead (the test-time
   * sandbox); with `background`, at the lowest CPU priority (the dashboard's preview beside a training run).
   */
  'inspector:record': {
    request: z
      .object({
        /** A run of the runs folder (its last checkpoint), or else… */
        runId: z.string().min(1).optional(),
        /** …a model bundle (.zip or folder). */
        bundle: FilePath.optional(),
        seed: z.number().int().min(0).default(0),
        /** The sandbox's episode: a data source's values by port, or an environment's world (the maze's reward cell). */
        episode: z
          .object({
            outputs: z.record(z.string(), z.array(z.number())).optional(),
            environment: z.object({ rewardCell: z.tuple([z.number().int(), z.number().int()]) }).optional(),
          })
          .optional(),
        background: z.boolean().optional(),
      })
      .refine((r) => Boolean(r.runId) !== Boolean(r.bundle), 'Name either a run (runId) or a model bundle (bundle).'),
    response: EpisodeRecording,
  },
  /** The sweeps in the app's sweeps folder. */
  'sweeps:list': { request: Empty, response: z.object({ sweeps: z.array(SweepSummary) }) },
  /** Creates a sweep of the given graphs × seeds and starts it (progress as 'sweeps:progress' events). */
  'sweeps:create': {
    request: z.object({
      name: z.string().trim().min(1).max(200),
      /** Each variant is a graph: sent whole (the open graph, a template) or named by its file. */
      variants: z
        .array(z.union([z.object({ name: z.string().min(1).max(200), document: GraphDocumentJson }), z.object({ path: FilePath })]))
        .min(1)
        .max(20),
      seeds: z.array(z.number().int().min(0)).min(1).max(100),
      episodes: z.number().int().positive().optional(),
      /** A grid of settings applied to every variant: `training.<field>` or `<node id>.<param>` → values. */
      parameters: z.record(z.string().min(1), z.array(z.union([z.number(), z.string(), z.boolean()])).min(1)).optional(),
    }),
    response: SweepSummary,
  },
  /** Runs a sweep's unfinished jobs: stopped and failed ones continue from their checkpoints. */
  'sweeps:start': { request: SweepRef, response: SweepSummary },
  /** Stops a running sweep's jobs after their current episodes, keeping their checkpoints. */
  'sweeps:cancel': { request: SweepRef, response: SweepSummary },
  /** A sweep's jobs and its report (final values with rank-sum tests, charts). */
  'sweeps:details': { request: SweepRef, response: SweepDetails },
  /** Continues a stopped or failed run from its last checkpoint, in its own folder, to its planned episodes. */
  'training:continue': { request: RunRef, response: z.object({ runId: z.string(), dir: z.string() }) },

  /** Electron only: the main process keeps the title marker and the "discard changes?" prompt in sync. */
  'window:setDocumentState': {
    request: z.object({ name: z.string(), filePath: z.string().nullable(), dirty: z.boolean() }),
    response: z.object({}),
  },
  /** Electron only: native dialogs. The browser mode shows its own file dialog instead. */
  'dialog:openGraph': { request: Empty, response: z.object({ path: z.string().nullable() }) },
  /** Electron only: a native folder picker (the Datasets view's "use a folder you already have"). */
  'dialog:openFolder': { request: z.object({ title: z.string() }), response: z.object({ path: z.string().nullable() }) },
  'dialog:saveGraph': {
    request: z.object({ suggestedName: z.string() }),
    response: z.object({ path: z.string().nullable() }),
  },
  /** Where to export a model bundle: a name ending in .zip writes one file, any other name a folder. */
  'dialog:exportModel': {
    request: z.object({ suggestedName: z.string(), title: z.string().optional() }),
    response: z.object({ path: z.string().nullable() }),
  },
} as const;

export const MenuCommand = z.enum([
  'new',
  'newFromTemplate',
  'open',
  'save',
  'saveAs',
  'export',
  'exportModel',
  'undo',
  'redo',
  'cut',
  'copy',
  'paste',
  'delete',
  'selectAll',
  'duplicate',
  'fitView',
  'autoLayout',
  'toggleDashboard',
  'shortcuts',
  'guide',
  'readme',
  'reportProblem',
  'datasets',
  'sweeps',
  'about',
]);
export type MenuCommand = z.infer<typeof MenuCommand>;

/** Pushed from the main process (or server) to the renderer. */
export const events = {
  'training:runs': z.object({ runs: z.array(RunSummary) }),
  'training:progress': z.object({ runId: z.string(), points: z.array(MetricPoint), progress: TrainingProgress }),
  'menu:command': z.object({ command: MenuCommand, path: z.string().optional() }),
  'datasets:progress': DatasetProgress,
  'sweeps:progress': SweepProgress,
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type RequestOf<C extends ChannelName> = z.input<Channels[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.output<Channels[C]['response']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export function isChannelName(name: string): name is ChannelName {
  return Object.hasOwn(channels, name);
}

/** What every request returns on the wire, so errors arrive as readable messages on both transports. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: { message: string } };
export const EnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ message: z.string() }) }),
]);

/** The object the renderer talks to: the preload bridge in Electron, the WebSocket client in a browser. */
export interface PlasticityApi {
  readonly transport: 'electron' | 'browser';
  invoke<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** The target a graph's expected result sets for its metric, if it names a number. */
export function expectedTarget(meta: unknown): { value: number; direction: 'below' | 'above' } | null {
  const expected = (meta as { expected?: { below?: unknown; above?: unknown } } | undefined)?.expected;
  if (typeof expected?.below === 'number') return { value: expected.below, direction: 'below' };
  if (typeof expected?.above === 'number') return { value: expected.above, direction: 'above' };
  return null;
}
