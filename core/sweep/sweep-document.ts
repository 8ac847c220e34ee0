// A sweep: graphs (the variants compared) × an optional grid of settings × seeds, saved as a `.sweep.json`
// document and expanded into jobs, one ordinary training run each. The paper's claims are comparisons of this
// shape (e.g. §4.1: plastic vs non-plastic over 10 seeds; §4.4: 15 runs per variant).
import fs from 'node:fs';
import path from 'node:path';
import { produce } from 'immer';
import { z } from 'zod';
import { describeSchemaIssue, formatJsonPath, graphDocumentFromJson, validateGraph, type GraphDocument } from '../graph/index.ts';
import { readGraphFile } from '../cli/load-graph.ts';
import { InputError } from '../util/input-error.ts';

export const SWEEP_FORMAT = 'plasticity-sweep';
export const SWEEP_FILE_EXTENSION = '.sweep.json';
const SWEEP_VERSION = 1;
/** Enough for any comparison a person plans by hand; a typo like 10000 seeds is refused, not queued. */
const MAX_JOBS = 2000;

const SettingValue = z.union([z.number(), z.string(), z.boolean()]);

export const SweepDocumentSchema = z
  .object({
    format: z.literal(SWEEP_FORMAT),
    version: z.literal(SWEEP_VERSION),
    name: z.string().min(1).max(200),
    description: z.string().optional(),
    /** Each variant is a graph file, relative to the sweep file; `name` labels it in reports (default: the graph's name). */
    variants: z
      .array(z.object({ graph: z.string().min(1), name: z.string().min(1).max(200).optional() }).loose())
      .min(1),
    seeds: z.array(z.number().int().min(0)).min(1),
    /**
     * A grid of settings applied to every variant: keys are `training.<field>` (e.g. `training.optimizer.learningRate`)
     * or `<node id>.<param>`; each value list is one axis of the grid.
     */
    parameters: z.record(z.string().min(1), z.array(SettingValue).min(1)).optional(),
    /** The budget of every run, instead of each graph's own `training.episodes`. */
    budget: z
      .object({ episodes: z.number().int().positive().optional(), minutes: z.number().positive().optional() })
      .loose()
      .optional(),
  })
  .loose();
export type SweepDocument = z.infer<typeof SweepDocumentSchema>;
export type SettingValue = z.infer<typeof SettingValue>;

export interface SweepJob {
  /** Unique within the sweep, usable as a folder name: `<variant>[-<setting>…]-seed<k>`. */
  id: string;
  /** What reports group by: the variant's name, plus the grid's settings when there is a grid. */
  group: string;
  variant: string;
  seed: number;
  settings: Record<string, SettingValue>;
  graph: GraphDocument;
}

export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-|-$/g, '') || 'x';
}

/** Parses a sweep file's text; problems name the file and the field. */
export function parseSweepDocument(text: string, fileName: string): SweepDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new InputError(`${fileName} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = SweepDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.map((issue) => `${fileName}: ${formatJsonPath(issue.path) || 'the document'} ${describeSchemaIssue(issue, raw)}`).join('\n'),
    );
  }
  return parsed.data;
}

export function readSweepFile(file: string): SweepDocument {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a sweep file' : (error as Error).message}`);
  }
  return parseSweepDocument(text, file);
}

/** Every combination of the grid's values, in the order the keys were written. */
function gridPoints(parameters: Record<string, SettingValue[]> | undefined): Record<string, SettingValue>[] {
  let points: Record<string, SettingValue>[] = [{}];
  for (const [key, values] of Object.entries(parameters ?? {})) points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  return points;
}

/** Sets one grid setting on a graph; a key that names nothing in it is an error naming the key. */
function applySetting(doc: GraphDocument, key: string, value: SettingValue, where: string): GraphDocument {
  const [head, ...rest] = key.split('.');
  if (rest.length === 0) throw new InputError(`${where}: parameter "${key}" must be "training.<field>" or "<node id>.<param>".`);
  return produce(doc, (draft) => {
    if (head === 'training') {
      let target = draft.training as Record<string, unknown>;
      for (const field of rest.slice(0, -1)) {
        const next = target[field];
        if (typeof next !== 'object' || next === null) throw new InputError(`${where}: parameter "${key}": the graph's training settings have no "${field}".`);
        target = next as Record<string, unknown>;
      }
      target[rest[rest.length - 1]] = value;
      return;
    }
    const node = draft.nodes.find((n) => n.id === head);
    if (!node) throw new InputError(`${where}: parameter "${key}": the graph has no node "${head}".`);
    node.params[rest.join('.')] = value;
  });
}

/**
 * The sweep's jobs: variants × grid points × seeds, each with its graph ready to train (settings applied, seed and
 * budget set) and checked. Graph paths are relative to `baseDir` (the sweep file's folder).
 */
export function expandSweep(sweep: SweepDocument, baseDir: string, fileName = 'sweep'): SweepJob[] {
  const points = gridPoints(sweep.parameters);
  const count = sweep.variants.length * points.length * sweep.seeds.length;
  if (count > MAX_JOBS) throw new InputError(`${fileName}: the sweep has ${count.toLocaleString('en-US')} jobs (variants × settings × seeds); at most ${MAX_JOBS} are allowed.`);
  if (new Set(sweep.seeds).size !== sweep.seeds.length) throw new InputError(`${fileName}: seeds lists a seed twice.`);
  const jobs: SweepJob[] = [];
  const ids = new Set<string>();
  sweep.variants.forEach((variant, index) => {
    const graphFile = path.resolve(baseDir, variant.graph);
    let base: GraphDocument;
    try {
      base = readGraphFile(graphFile);
    } catch (error) {
      throw new InputError(`${fileName}: variants[${index}]: ${(error as Error).message}`);
    }
    const name = variant.name ?? base.meta.name;
    for (const point of points) {
      const where = `${fileName}: variants[${index}] (${variant.graph})`;
      let graph = base;
      for (const [key, value] of Object.entries(point)) graph = applySetting(graph, key, value, where);
      const settingsLabel = Object.entries(point).map(([key, value]) => `${key.split('.').pop()}=${value}`).join(', ');
      const settingsText = Object.entries(point).map(([key, value]) => `${key} = ${JSON.stringify(value)}`).join(', ');
      const group = settingsLabel ? `${name} (${settingsLabel})` : name;
      for (const seed of sweep.seeds) {
        const withSeed = produce(graph, (draft) => {
          draft.training.seed = seed;
          if (sweep.budget?.episodes !== undefined) draft.training.episodes = sweep.budget.episodes;
        });
        // A grid value of the wrong type (a string learning rate) is caught here, named by the setting that made it.
        const reparsed = graphDocumentFromJson(withSeed, path.basename(graphFile));
        const withSettings = settingsText ? ` with ${settingsText}` : '';
        if (!reparsed.ok) throw new InputError(`${where}${withSettings}: ${reparsed.problems[0].message}`);
        const errors = validateGraph(reparsed.document).problems.filter((p) => p.severity === 'error');
        if (errors.length) throw new InputError(`${where}${withSettings}: ${errors[0].message}`);
        let id = `${slug(name)}${Object.entries(point).map(([key, value]) => `-${slug(key.split('.').pop()!)}${slug(String(value))}`).join('')}-seed${seed}`;
        for (let k = 2; ids.has(id); k++) id = `${id}-${k}`;
        ids.add(id);
        jobs.push({ id, group, variant: name, seed, settings: point, graph: reparsed.document });
      }
    }
  });
  return jobs;
}

/** "3 variants × 2 settings × 4 seeds = 24 jobs" */
export function describeSweepSize(sweep: SweepDocument): string {
  const points = gridPoints(sweep.parameters).length;
  const parts = [`${sweep.variants.length} variant${sweep.variants.length === 1 ? '' : 's'}`, ...(points > 1 ? [`${points} settings`] : []), `${sweep.seeds.length} seed${sweep.seeds.length === 1 ? '' : 's'}`];
  return `${parts.join(' × ')} = ${sweep.variants.length * points * sweep.seeds.length} jobs`;
}
