// The browser mode assembled: the training host (Node child processes), the request handlers, and the server
// that serves both to a browser. Used by `plasticity serve`, by `npm start` without Electron, and by e2e tests.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appVersion, defaultDataDir, docsRoot, rendererDistDir, templatesDir as bundledTemplatesDir } from '../main/app-paths.ts';
import { createHandlers, type AppContext } from '../main/handlers/index.ts';
import { TrainingHost } from '../main/training/host.ts';
import { nodeTrainerSpawner } from '../main/training/node-process.ts';
import { ensureRendererBuilt } from './renderer-build.ts';
import { startBrowserServer, type BrowserServer } from './server.ts';

export interface BrowserAppOptions {
  port?: number;
  /** Settings, recent files, autosaves (default: the platform's config folder). */
  dataDir?: string;
  /** Where runs go; default `./runs`, the same place as `plasticity train`. */
  runsDir?: string;
  /** The workspace: where the file dialog starts, and the only folder (with the runs folder) requests may name. Default: the current folder. */
  documentsDir?: string;
  templatesDir?: string;
  rendererDir?: string;
  /** Build the renderer first when it is missing or stale (default true). */
  build?: boolean;
  token?: string;
  /** Base URL of an offline mirror of the official dataset files (default: PLASTICITY_DATA_MIRROR). */
  datasetMirror?: string;
  /** Replaces the official dataset catalogue (tests serve small archives with their own checksums). */
  datasetSources?: AppContext['datasetSources'];
  /** Extra environment for training processes (tests put a fake trainer here). */
  trainerEnv?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface BrowserApp {
  server: BrowserServer;
  training: TrainingHost;
  close(): Promise<void>;
}

export async function startBrowserApp(options: BrowserAppOptions = {}): Promise<BrowserApp> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (options.build !== false && !options.rendererDir) await ensureRendererBuilt({ quiet: true, log });
  const dataDir = path.resolve(options.dataDir ?? defaultDataDir());
  const runsDir = path.resolve(options.runsDir ?? 'runs');
  const documentsDir = path.resolve(options.documentsDir ?? process.cwd() ?? os.homedir());
  await fs.mkdir(dataDir, { recursive: true });

  let server: BrowserServer | null = null;
  const shutdown: (() => Promise<void>)[] = [];
  const training = new TrainingHost({
    runsDir,
    spawn: nodeTrainerSpawner({ env: options.trainerEnv }),
    onRunsChanged: (runs) => server?.broadcast('training:runs', { runs }),
    onProgress: (runId, points, progress) => server?.broadcast('training:progress', { runId, points, progress }),
  });
  const handlers = createHandlers({
    mode: 'browser',
    version: appVersion,
    dataDir,
    runsDir,
    templatesDir: options.templatesDir ?? bundledTemplatesDir,
    docsRoot,
    documentsDir,
    workspace: [documentsDir, runsDir],
    training,
    sweepEnv: options.trainerEnv,
    shutdown,
    notify: (event, payload) => server?.broadcast(event, payload),
    datasetMirror: options.datasetMirror ?? process.env.PLASTICITY_DATA_MIRROR,
    datasetSources: options.datasetSources,
  });
  server = await startBrowserServer({
    port: options.port ?? 0,
    rendererDir: options.rendererDir ?? rendererDistDir,
    handlers,
    token: options.token,
  });
  const started = server;
  return {
    server: started,
    training,
    async close() {
      await Promise.allSettled(shutdown.map((stop) => stop()));
      training.dispose();
      await started.close();
    },
  };
}
