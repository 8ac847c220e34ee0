// Episodic training: sample a batch of episodes, run the graph over all their steps, backpropagate
// through time, take one optimizer step. One process-wide tfjs engine; one run at a time per process.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { selectBackend, type BackendChoice } from '../compile/backend.ts';
import { compileGraph, type CompiledProgram } from '../compile/compile.ts';
import { datasetProblems } from '../compile/dataset-problems.ts';
import { GraphInvalidError } from '../compile/errors.ts';
import type { GraphDocument } from '../graph/document.ts';
import { serializeGraphDocument } from '../graph/document.ts';
import { defaultBatchThreads, gradientsHere, startBatchThreads, type BatchThreads } from './batch-threads.ts';
import { leanAdam, type LeanAdamOptimizer } from './lean-adam.ts';
import { createRng } from '../util/random.ts';
import { InputError } from '../util/input-error.ts';
import { checkCheckpointFits, checkpointExists, loadCheckpoint, saveCheckpoint, type Checkpoint, type WeightSpec } from './checkpoint.ts';
import { type EvaluationRecord, evaluateProgram } from './evaluation.ts';
import {
  appendEvaluation,
  appendMetrics,
  readEvaluations,
  readMetrics,
  readRunInfo,
  runFiles,
  truncateEvaluations,
  truncateMetrics,
  runningProcess,
  writeRunInfo,
  type RunInfo,
} from './run-folder.ts';
import { softwareVersions } from './versions.ts';

export interface TrainingProgress {
  runDir: string;
  episode: number;
  episodes: number;
  loss: number;
  metrics: Record<string, number>;
  episodesPerSecond: number;
  etaSeconds: number;
  elapsedSeconds: number;
  backend: string;
}

export interface TrainOptions {
  /** The run folder; created if missing. */
  outDir: string;
  /** Total episodes of the run (default: the graph's training.episodes). */
  episodes?: number;
  /** Default: the graph's training.seed. */
  seed?: number;
  backend?: BackendChoice;
  /** Continue the run in `outDir` from its checkpoint (its own graph and seed are used). */
  resume?: boolean;
  /** Stop after the current episode; the checkpoint is written. */
  signal?: AbortSignal;
  /**
   * A wall-clock budget for this session of the run: once it is spent, training ends after the current
   * episode as if it had reached its last one (final evaluation, checkpoint, status "finished").
   */
  budgetSeconds?: number;
  /** Awaited between episodes; a host implements pause by not resolving it until resumed. */
  between?: () => Promise<void>;
  onProgress?: (progress: TrainingProgress) => void;
  /** Something the user should know that is not an error (a resume that starts over). */
  onNotice?: (message: string) => void;
  /** The command line that started this session, recorded in run.json so a result can be reproduced. */
  command?: string;
  /** After each held-out evaluation (the graph's training.evaluation), also written to the run's evaluation.jsonl. */
  onEvaluation?: (record: EvaluationRecord) => void;
  /** Checkpoint at least every this many episodes (default 100) and every `checkpointSeconds` (default 30). */
  checkpointEvery?: number;
  checkpointSeconds?: number;
  /**
   * Threads to split each batch of episodes over (batch-threads.ts); default PLASTICITY_THREADS or the cores.
   * A batch of one episode runs on one thread (the plastic kernels then use the threads themselves).
   */
  threads?: number;
}

export interface TrainingResult {
  runDir: string;
  status: 'finished' | 'stopped' | 'failed';
  episodesDone: number;
  lastLoss: number | null;
  lastMetrics: Record<string, number>;
  /** The last held-out evaluation, when the graph asks for them. */
  lastEvaluation?: EvaluationRecord;
  backend: string;
  error?: string;
}

/**
 * Learning rate at an episode (1-based) under the graph's schedule, `trainingSeconds` of training time
 * (the run's clock, see trainingClock) after the start; StepLR steps once per episode, as the paper's code.
 */
export function learningRateAt(doc: GraphDocument, episode: number, trainingSeconds = 0): number {
  const base = doc.training.optimizer.learningRate;
  const schedule = doc.training.schedule;
  if (schedule.kind === 'step') return base * Math.pow(schedule.gamma, Math.floor((episode - 1) / schedule.everyEpisodes));
  if (schedule.kind === 'cosine') {
    const progress =
      schedule.overMinutes !== undefined
        ? Math.min(trainingSeconds / (schedule.overMinutes * 60), 1)
        : Math.min(episode - 1, schedule.overEpisodes!) / schedule.overEpisodes!;
    return schedule.minLearningRate + ((base - schedule.minLearningRate) * (1 + Math.cos(Math.PI * progress))) / 2;
  }
  return base;
}

/**
 * The run's clock up to `episode`, in seconds: each step's own duration plus each evaluation's, as the run
 * folder records them (what reports call training time). A resumed run continues from it, so a time budget
 * or a schedule over minutes spans its sessions.
 */
export function trainingClock(runDir: string, episode: number): number {
  const steps = readMetrics(runDir).filter((m) => m.episode <= episode);
  const evaluations = readEvaluations(runDir).filter((e) => e.episode <= episode);
  return steps.reduce((sum, m) => sum + m.seconds, 0) + evaluations.reduce((sum, e) => sum + e.seconds, 0);
}

function trainableParameters(program: CompiledProgram) {
  return program.parameters.filter((p) => p.trainable);
}

function snapshot(program: CompiledProgram, optimizer: LeanAdamOptimizer, episode: number, moments: Map<string, tf.Tensor[]> | null): Checkpoint {
  const specs: WeightSpec[] = program.parameters.map((p) => ({ name: p.name, shape: p.variable.shape, dtype: 'float32' as const }));
  const values = new Map(program.parameters.map((p) => [p.name, p.variable.dataSync() as Float32Array]));
  const checkpoint: Checkpoint = { episode, parameters: { specs, values } };
  if (moments) {
    const momentSpecs: WeightSpec[] = [];
    const momentValues = new Map<string, Float32Array>();
    for (const [name, [m, v]] of moments) {
      for (const [suffix, variable] of [['m', m], ['v', v]] as const) {
        momentSpecs.push({ name: `${name}/${suffix}`, shape: variable.shape, dtype: 'float32' });
        momentValues.set(`${name}/${suffix}`, variable.dataSync() as Float32Array);
      }
    }
    checkpoint.optimizer = { iterations: optimizer.iterations, moments: { specs: momentSpecs, values: momentValues } };
  }
  return checkpoint;
}

/** Adam's moments by our parameter name; null before the first step (Adam creates them lazily). */
async function adamMoments(optimizer: LeanAdamOptimizer, program: CompiledProgram): Promise<Map<string, tf.Tensor[]> | null> {
  const trainable = trainableParameters(program);
  const moments = await optimizer.moments(trainable.map((p) => p.variable));
  return moments && new Map(trainable.map((p, i) => [p.name, [moments[i].m, moments[i].v]]));
}

async function restoreAdam(optimizer: LeanAdamOptimizer, program: CompiledProgram, checkpoint: Checkpoint): Promise<void> {
  if (!checkpoint.optimizer) return;
  const { iterations, moments } = checkpoint.optimizer;
  const trainable = trainableParameters(program);
  const tensorOf = (name: string, shape: number[]) => {
    const values = moments.values.get(name);
    if (!values) throw new InputError(`The checkpoint's optimizer state has no "${name}".`);
    return tf.tensor(values, shape);
  };
  await optimizer.restore(
    iterations,
    trainable.map((p) => p.variable),
    trainable.map((p) => ({ m: tensorOf(`${p.name}/m`, p.variable.shape), v: tensorOf(`${p.name}/v`, p.variable.shape) })),
  );
}


/** The weights of the bundle a graph says to start from (training.initialWeights), or undefined. */
async function weightsToStartFrom(doc: GraphDocument): Promise<{ bundle: string; values: Map<string, Float32Array> } | undefined> {
  const bundle = doc.training.initialWeights?.bundle;
  if (!bundle) return undefined;
  const { decodeBundleAt } = await import('../export/bundle-files.ts');
  return { bundle, values: decodeBundleAt(bundle).weights.values };
}

/** Every parameter of the graph must come from the bundle, or the run would silently mix trained and fresh weights. */
function checkWeightsCover(weights: { bundle: string; values: Map<string, Float32Array> }, names: readonly string[]): void {
  const missing = names.filter((name) => !weights.values.has(name));
  if (missing.length > 0) {
    throw new InputError(`${weights.bundle}: training.initialWeights names this model, but it has no ${missing.map((n) => `"${n}"`).join(', ')}; the graph no longer matches it (remove training.initialWeights to start from fresh weights).`);
  }
}

export async function trainGraph(inputDoc: GraphDocument, options: TrainOptions): Promise<TrainingResult> {
  const runDir = options.outDir;
  let doc = inputDoc;
  let checkpoint: Checkpoint | undefined;
  let previous: RunInfo | undefined;
  if (options.resume) {
    previous = readRunInfo(runDir);
    // Still "running" after crash detection means alive on this machine (run.json from elsewhere cannot be checked).
    if (previous.status === 'running' && previous.process?.host === runningProcess().host) {
      throw new InputError(`${runDir} is being trained by process ${previous.process.pid} on ${previous.process.host}; stop it before resuming.`);
    }
    // A run stopped before its first checkpoint resumes from the start: its graph and seed are all it needs.
    const checkpointDir = path.join(runDir, runFiles.checkpoint);
    if (checkpointExists(checkpointDir)) checkpoint = loadCheckpoint(checkpointDir);
    else options.onNotice?.(`${checkpointDir} does not exist (the run stopped before its first checkpoint): training starts again from episode 0.`);
  }
  const backend = await selectBackend(options.backend ?? 'auto');
  const seed = previous?.seed ?? options.seed ?? doc.training.seed;
  const episodes = options.episodes ?? previous?.episodes ?? doc.training.episodes;
  const batchSize = doc.training.batchSize;
  const startEpisode = checkpoint?.episode ?? 0;

  const missing = datasetProblems(doc);
  if (missing.length > 0) throw new GraphInvalidError(missing);
  // A resumed run continues from its checkpoint; a new one may start from a trained model's weights.
  const startingWeights = checkpoint ? undefined : await weightsToStartFrom(doc);
  const program = compileGraph(doc, { seed, initialValues: checkpoint?.parameters.values ?? startingWeights?.values });
  if (startingWeights) {
    try {
      checkWeightsCover(startingWeights, program.parameters.map((p) => p.name));
    } catch (error) {
      program.dispose();
      throw error;
    }
  }
  if (checkpoint) {
    try {
      checkCheckpointFits(checkpoint, program.parameters.map((p) => p.name), episodes, path.join(runDir, runFiles.checkpoint));
    } catch (error) {
      program.dispose();
      throw error;
    }
  }
  const optimizerSettings = doc.training.optimizer;
  // tf.train.adam's arithmetic with a smaller memory peak (lean-adam.ts); checkpoints are interchangeable.
  // Read before the resume truncates the files to the checkpoint's episode (the same steps are kept).
  let clock = checkpoint ? trainingClock(runDir, startEpisode) : 0;
  const optimizer = leanAdam(learningRateAt(doc, startEpisode + 1, clock), optimizerSettings.beta1, optimizerSettings.beta2, optimizerSettings.epsilon);
  if (checkpoint) await restoreAdam(optimizer, program, checkpoint);

  const trainable = trainableParameters(program);
  const trainableVariables = trainable.map((p) => p.variable);
  fs.mkdirSync(runDir, { recursive: true });
  if (!options.resume) {
    fs.writeFileSync(path.join(runDir, runFiles.graph), serializeGraphDocument(doc));
    fs.writeFileSync(path.join(runDir, runFiles.metrics), '');
  } else {
    truncateMetrics(runDir, startEpisode);
    truncateEvaluations(runDir, startEpisode);
  }
  const info: RunInfo = {
    runId: previous?.runId ?? path.basename(path.resolve(runDir)),
    status: 'running',
    seed,
    episodes,
    episodesDone: startEpisode,
    batchSize,
    backend,
    versions: softwareVersions(),
    startedAt: previous?.startedAt ?? new Date().toISOString(),
    process: runningProcess(),
  };
  const commands = [...(previous?.commands ?? []), ...(options.command ? [options.command] : [])];
  if (commands.length > 0) info.commands = commands;
  writeRunInfo(runDir, info);
  let batchThreads: BatchThreads | undefined;
  const threads = Math.min(options.threads ?? defaultBatchThreads(doc), batchSize);
  if (threads > 1) {
    try {
      batchThreads = await startBatchThreads({ document: doc, seed, backend: backend as BackendChoice, program, trainable: trainable.map((p) => p.name), threads });
      info.batchThreads = batchThreads.threads;
      writeRunInfo(runDir, info);
    } catch (error) {
      options.onNotice?.(`Training runs on one thread: the other threads could not start (${(error as Error).message}).`);
    }
  }

  const checkpointEvery = options.checkpointEvery ?? 100;
  const checkpointMs = (options.checkpointSeconds ?? 30) * 1000;
  const started = performance.now();
  let lastCheckpointAt = performance.now();
  let lastCheckpointEpisode = startEpisode;
  const recentDurations: number[] = [];
  let episode = startEpisode;
  let lastLoss: number | null = null;
  let lastMetrics: Record<string, number> = {};
  let status: TrainingResult['status'] = 'finished';
  let error: string | undefined;

  const budgetMinutes = doc.training.minutes;
  const evaluation = doc.training.evaluation;
  let lastEvaluation: EvaluationRecord | undefined;
  const evaluate = () => {
    if (!evaluation) return;
    const summary = evaluateProgram(program, { split: evaluation.split, episodes: evaluation.episodes, batchSize: evaluation.batchSize ?? batchSize, seed });
    lastEvaluation = { episode, ...summary };
    clock += summary.seconds;
    appendEvaluation(runDir, lastEvaluation);
    options.onEvaluation?.(lastEvaluation);
  };

  const writeCheckpoint = async () => {
    saveCheckpoint(path.join(runDir, runFiles.checkpoint), snapshot(program, optimizer, episode, await adamMoments(optimizer, program)));
    lastCheckpointAt = performance.now();
    lastCheckpointEpisode = episode;
  };

  try {
    while (episode < episodes) {
      // Yield to the event loop so that signals (Ctrl-C) and host messages (pause, stop) are handled.
      await new Promise((resolve) => setImmediate(resolve));
      await options.between?.();
      if (options.signal?.aborted) {
        status = 'stopped';
        break;
      }
      if (options.budgetSeconds !== undefined && performance.now() - started >= options.budgetSeconds * 1000) break;
      if (budgetMinutes !== undefined && clock >= budgetMinutes * 60) break;
      const next = episode + 1;
      const t0 = performance.now();
      optimizer.setLearningRate(learningRateAt(doc, next, clock));
      const batch = program.sampleEpisodes(createRng(seed).fork(`episode/${next}`), batchSize);
      // Gradients are computed first and applied only if the loss is finite, so a divergent
      // episode never overwrites the last good parameters.
      const step = batchThreads
        ? await batchThreads.gradients(program, trainableVariables, batch, batchSize)
        : gradientsHere(program, trainableVariables, batch);
      const { loss, metrics } = step;
      const finite = Number.isFinite(loss);
      if (finite) tf.tidy(() => optimizer.applyGradients(step.grads as Parameters<typeof optimizer.applyGradients>[0]));
      tf.dispose(step.grads);
      if (!finite) {
        status = 'failed';
        error = `The loss became ${loss} at episode ${next}: training diverged. The checkpoint keeps the parameters of episode ${lastCheckpointEpisode}; try a smaller learning rate.`;
        break;
      }
      episode = next;
      const seconds = (performance.now() - t0) / 1000;
      clock += seconds;
      lastLoss = loss;
      lastMetrics = metrics;
      appendMetrics(runDir, { episode, loss, ...metrics, seconds });
      recentDurations.push(seconds);
      if (recentDurations.length > 20) recentDurations.shift();
      const meanSeconds = recentDurations.reduce((a, b) => a + b, 0) / recentDurations.length;
      options.onProgress?.({
        runDir,
        episode,
        episodes,
        loss,
        metrics,
        episodesPerSecond: 1 / meanSeconds,
        etaSeconds: Math.min((episodes - episode) * meanSeconds, budgetMinutes === undefined ? Infinity : Math.max(budgetMinutes * 60 - clock, 0)),
        elapsedSeconds: (performance.now() - started) / 1000,
        backend,
      });
      if (evaluation && episode % evaluation.everyEpisodes === 0) evaluate();
      if (episode - lastCheckpointEpisode >= checkpointEvery || performance.now() - lastCheckpointAt >= checkpointMs) {
        await writeCheckpoint();
        writeRunInfo(runDir, { ...info, episodesDone: episode });
      }
    }
    // A finished run always ends with an evaluation of its final parameters.
    if (status === 'finished' && evaluation && lastEvaluation?.episode !== episode) evaluate();
    if (episode !== lastCheckpointEpisode && status !== 'failed') await writeCheckpoint();
    else if (startEpisode === 0 && episode === 0) await writeCheckpoint();
  } catch (caught) {
    status = 'failed';
    error = (caught as Error).message;
    throw caught;
  } finally {
    const { process: _ended, ...rest } = info;
    const finishedInfo: RunInfo = { ...rest, status, episodesDone: lastCheckpointEpisode, finishedAt: new Date().toISOString() };
    if (error) finishedInfo.error = error;
    writeRunInfo(runDir, finishedInfo);
    optimizer.dispose();
    program.dispose();
    await batchThreads?.close();
  }
  return { runDir, status, episodesDone: lastCheckpointEpisode, lastLoss, lastMetrics, lastEvaluation, backend, error };
}
