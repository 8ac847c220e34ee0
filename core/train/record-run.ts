// One episode of a trained run, recorded: the run's graph with its last checkpoint's parameters, a held-out
// episode drawn from `seed`, every port's values over the episode, and each plastic layer's Hebbian trace (at
// every step when that fits in 64 MB, else at evenly spaced steps) beside its w and alpha. What the episode
// inspector shows, and what `plasticity record` writes for analysis elsewhere.
import fs from 'node:fs';
import path from 'node:path';
import { readGraphFile } from '../cli/load-graph.ts';
import { decodeBundleAt } from '../export/bundle-files.ts';
import type { GraphDocument } from '../graph/document.ts';
import { compileGraph } from '../compile/compile.ts';
import { recordEpisode } from '../compile/episode-probe.ts';
import { createRng } from '../util/random.ts';
import { InputError } from '../util/input-error.ts';
import { loadCheckpoint, type Checkpoint } from './checkpoint.ts';
import { customEpisodePlan } from './custom-episode.ts';
import { readRunInfo, runFiles } from './run-folder.ts';

const TRACE_BUDGET_BYTES = 64 * 1024 * 1024;

export interface PlasticLayerRecord {
  node: string;
  /** w, alpha and each trace are [rows, cols]: presynaptic × postsynaptic. */
  rows: number;
  cols: number;
  w: Float32Array;
  /** Per connection (a shared alpha is repeated). */
  alpha: Float32Array;
  /** The plasticity rate of the layer's Hebbian update. */
  eta: number;
  /** The steps whose traces were kept, ascending; the trace that shaped that step's output. */
  traceSteps: number[];
  traces: Float32Array[];
}

/** A node of the recorded graph: its kind, and which port feeds each of its connected inputs (`<node id>/<port>`). */
export interface RecordedNode {
  id: string;
  kind: string;
  inputs: Record<string, string>;
}

export interface RunRecording {
  /** The run's id, or the bundle's file name. */
  runId: string;
  /** The checkpoint's episode: how far the parameters were trained. */
  trainedEpisodes: number;
  seed: number;
  steps: number;
  /** Every port by `<node id>/<port>`: its per-step shape and its values [T, ...] (one episode). */
  ports: { name: string; shape: number[]; values: Float32Array }[];
  plastic: PlasticLayerRecord[];
  /** The graph's nodes, so a task view can find its source and what feeds the loss. */
  nodes: RecordedNode[];
  /** A source's values for task views only (`<node id>/<name>`, e.g. the maze's agent cells), one episode. */
  views: { name: string; shape: number[]; values: Float32Array }[];
}

export interface RecordOptions {
  /** Which held-out episode (default 0). */
  seed?: number;
  /** An episode of the user's instead of a sampled one (custom-episode.ts), and the file it came from, for errors. */
  custom?: { episode: unknown; where: string };
}

/**
 * The run's last checkpoint, read without repairing anything: the run may be training and replacing its
 * checkpoint right now (a replacement renames the folder twice), so a read that falls between the renames is
 * tried again a moment later.
 */
function readLatestCheckpoint(runDir: string): Checkpoint {
  const checkpointDir = path.join(runDir, runFiles.checkpoint);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; ; attempt++) {
    if (fs.existsSync(path.join(checkpointDir, 'model.json'))) {
      try {
        return loadCheckpoint(checkpointDir, { repair: false });
      } catch (error) {
        if (attempt >= 20) throw error;
      }
    } else if (attempt >= 20) {
      throw new InputError(`${runDir} has no checkpoint yet: there are no trained weights to record.`);
    }
    Atomics.wait(pause, 0, 0, 50);
  }
}

/** What a recording plays: a graph with trained parameters, from a run folder's last checkpoint or a model bundle. */
interface TrainedModel {
  name: string;
  graph: GraphDocument;
  values: ReadonlyMap<string, Float32Array>;
  seed: number;
  trainedEpisodes: number;
}

/** A bundle is a .zip or a folder holding model.json; anything else is taken as a run folder (and named if it is not one). */
function trainedModelAt(source: string): TrainedModel {
  if (source.toLowerCase().endsWith('.zip') || fs.existsSync(path.join(source, 'model.json'))) {
    const bundle = decodeBundleAt(source);
    const { training } = bundle.manifest;
    return { name: path.basename(source), graph: bundle.graph, values: bundle.weights.values, seed: training.seed, trainedEpisodes: training.episodesDone };
  }
  const info = readRunInfo(source);
  const checkpoint = readLatestCheckpoint(source);
  return { name: info.runId, graph: readGraphFile(path.join(source, runFiles.graph)), values: checkpoint.parameters.values, seed: info.seed, trainedEpisodes: checkpoint.episode };
}

/** Records an episode of a run folder (its last checkpoint) or of a model bundle. */
export function recordRunEpisode(source: string, options: RecordOptions = {}): RunRecording {
  const model = trainedModelAt(source);
  const program = compileGraph(model.graph, { seed: model.seed, initialValues: model.values });
  try {
    // A parameter without a trained value would be drawn from its initialiser: a recording of nothing trained.
    const untrained = program.parameters.filter((p) => !model.values.has(p.name)).map((p) => `"${p.name}"`);
    if (untrained.length > 0) throw new InputError(`${source} has no trained value for ${untrained.join(', ')}: it does not belong to its graph.`);
    const graph = program.interpreter;
    const seed = options.seed ?? 0;
    // A held-out episode where the task has one (test characters, test images); generated tasks draw fresh ones.
    const plan = options.custom && customEpisodePlan(graph, options.custom.episode, options.custom.where);
    const episodes = plan?.kind === 'source' ? plan.episodes : program.sampleEpisodes(createRng(seed).fork('record'), 1, 'test', plan?.setups);
    const steps = episodes.values().next().value!.steps;
    const parameter = (node: string, name: string) => graph.parameters.find((p) => p.name === `${node}/${name}`)?.variable;
    const plasticNodes = graph.order.filter((id) => parameter(id, 'alpha') && parameter(id, 'w'));
    const bytesPerStep = plasticNodes.reduce((sum, id) => sum + 4 * parameter(id, 'w')!.size, 0);
    const every = Math.max(1, Math.ceil((bytesPerStep * steps) / TRACE_BUDGET_BYTES));
    const stateSteps = Array.from({ length: steps }, (_, t) => t).filter((t) => t % every === 0 || t === steps - 1);
    const recorded = recordEpisode(graph, episodes, { stateSteps });
    const ports = [...recorded.values].map(([name, values]) => {
      const node = name.slice(0, name.lastIndexOf('/'));
      const port = name.slice(name.lastIndexOf('/') + 1);
      return { name, shape: [...(graph.shapes.get(node)?.outputs[port] ?? [])], values };
    });
    const plastic = plasticNodes.flatMap((id): PlasticLayerRecord[] => {
      const kept = recorded.states.get(`${id}/hebb`);
      if (!kept) return [];
      const w = parameter(id, 'w')!;
      const [rows, cols] = w.shape;
      const alphaValues = parameter(id, 'alpha')!.dataSync() as Float32Array;
      const alpha = alphaValues.length === 1 ? new Float32Array(rows * cols).fill(alphaValues[0]) : Float32Array.from(alphaValues);
      const eta = parameter(id, 'eta')?.dataSync()[0] ?? 0;
      return [{ node: id, rows, cols, w: Float32Array.from(w.dataSync() as Float32Array), alpha, eta, traceSteps: [...kept.keys()], traces: [...kept.values()] }];
    });
    const nodes = graph.order.map((id): RecordedNode => {
      const inputs: Record<string, string> = {};
      for (const { name: port } of graph.kindOf(id).inputs) {
        const from = graph.feeding(id, port);
        if (from) inputs[port] = `${from.node}/${from.port}`;
      }
      return { id, kind: graph.kindOf(id).kind, inputs };
    });
    const views = [...episodes].flatMap(([node, batch]) => Object.entries(batch.views ?? {}).map(([name, view]) => ({ name: `${node}/${name}`, shape: view.shape, values: view.values })));
    return { runId: model.name, trainedEpisodes: model.trainedEpisodes, seed, steps, ports, plastic, nodes, views };
  } finally {
    program.dispose();
  }
}

const base64 = (values: Float32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');

/** The recording as JSON: arrays as base64 of little-endian float32 (numpy: `np.frombuffer(base64.b64decode(s), '<f4')`). */
export function recordingToJson(recording: RunRecording): string {
  return JSON.stringify({
    format: 'plasticity-episode',
    version: 1,
    runId: recording.runId,
    trainedEpisodes: recording.trainedEpisodes,
    seed: recording.seed,
    steps: recording.steps,
    ports: recording.ports.map((p) => ({ name: p.name, shape: p.shape, values: base64(p.values) })),
    plastic: recording.plastic.map((p) => ({ node: p.node, rows: p.rows, cols: p.cols, eta: p.eta, w: base64(p.w), alpha: base64(p.alpha), traceSteps: p.traceSteps, traces: p.traces.map(base64) })),
    nodes: recording.nodes,
    views: recording.views.map((v) => ({ name: v.name, shape: v.shape, values: base64(v.values) })),
  });
}
