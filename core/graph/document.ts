// The graph document: what a `.plastic.json` file holds. Versioned; older versions are brought up to date by
// core/graph/migrations.ts before the schema below sees them. Every object is `.loose()` so keys this version
// does not know (written by a newer app, or by a plugin) survive a parse → serialize round trip.
// Node params are stored as given and validated by each node kind's own schema (core/graph/validate.ts),
// so the editor can keep an invalid value on screen while it reports the problem.
import { z } from 'zod';
import { CURRENT_VERSION, migrateToCurrent } from './migrations.ts';
import { locateJsonSyntaxError } from './json-errors.ts';
import { showValue } from '../util/show-value.ts';

export const GRAPH_FORMAT = 'plasticity-graph';
export const GRAPH_FILE_EXTENSION = '.plastic.json';
/** A graph file is a description, not data: even a 10,000-node graph is a few MB, so anything larger is refused unread. */
export const GRAPH_FILE_LIMIT_BYTES = 32 * 1024 * 1024;

const Position = z.object({ x: z.number(), y: z.number() }).loose();

/**
 * Ids, kinds and port names are short names; a longer one is refused by length, so no message ever repeats a
 * megabyte-long "name" (and no did-you-mean search compares one).
 */
const ShortName = z.string().min(1).max(200);

export const PortRefSchema = z
  .object({
    node: ShortName.describe('Id of the node'),
    port: ShortName.describe('Name of the port on that node'),
  })
  .loose();

export const GraphNodeSchema = z
  .object({
    id: ShortName,
    kind: ShortName,
    label: z.string().max(1000).optional(),
    position: Position.default({ x: 0, y: 0 }),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .loose();

export const GraphEdgeSchema = z
  .object({
    id: ShortName,
    from: PortRefSchema,
    to: PortRefSchema,
  })
  .loose();

/** The result a template should reach, so tests and users can check a run against the paper. */
export const ExpectedResultSchema = z
  .object({
    metric: z.string().min(1),
    below: z.number().optional(),
    above: z.number().optional(),
    withinEpisodes: z.number().int().positive().optional(),
    /** For a recipe with a time budget (training.minutes): minutes of training time. */
    withinMinutes: z.number().positive().optional(),
    source: z.string().optional(),
  })
  .loose();

export const GraphMetaSchema = z
  .object({
    name: z.string().default('Untitled'),
    description: z.string().optional(),
    expected: ExpectedResultSchema.optional(),
  })
  .loose();

export const OptimizerSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('adam'),
      learningRate: z.number().positive().default(3e-4),
      beta1: z.number().min(0).lt(1).default(0.9),
      beta2: z.number().min(0).lt(1).default(0.999),
      epsilon: z.number().positive().default(1e-8),
    })
    .loose(),
]);

export const ScheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant') }).loose(),
  // StepLR as in the Omniglot script: the learning rate is multiplied by gamma every `everyEpisodes` episodes.
  z
    .object({
      kind: z.literal('step'),
      everyEpisodes: z.number().int().positive(),
      gamma: z.number().positive(),
    })
    .loose(),
  // Cosine annealing from the optimizer's rate down to `minLearningRate` over `overEpisodes` episodes, or over
  // `overMinutes` of the run's training time, then held there: for a fixed budget it ends on a small rate
  // without choosing where to step. Over minutes it fits a time budget on any machine, at the cost of exact
  // reproducibility (the rate of a step depends on how fast the steps before it ran).
  z
    .object({
      kind: z.literal('cosine'),
      overEpisodes: z.number().int().positive().optional(),
      overMinutes: z.number().positive().optional(),
      minLearningRate: z.number().nonnegative().default(0),
    })
    .loose()
    .refine((s) => (s.overEpisodes === undefined) !== (s.overMinutes === undefined), {
      message: 'a cosine schedule anneals over either "overEpisodes" or "overMinutes": give exactly one.',
      path: ['overEpisodes'],
    }),
]);

/**
 * Held-out evaluation during training: every `everyEpisodes` training episodes and at the end, `episodes`
 * episodes that training never sees are run without gradient steps (data sources draw them from `split`;
 * generated tasks from a seed stream of their own), and their mean with a 95% interval is recorded.
 */
export const EvaluationSettingsSchema = z
  .object({
    split: z.enum(['validation', 'test']).default('test'),
    episodes: z.number().int().positive().max(1_000_000).default(1000),
    everyEpisodes: z.number().int().positive().default(1000),
    /** Episodes run at once; default: the training batch size. Only speed depends on it. */
    batchSize: z.number().int().positive().max(4096).optional(),
  })
  .loose();

export const TrainingSettingsSchema = z
  .object({
    episodes: z.number().int().positive().default(2000),
    /** A budget of training time (steps and evaluations, across resumes): training ends as finished when it is spent. */
    minutes: z.number().positive().optional(),
    batchSize: z.number().int().positive().default(1),
    seed: z.number().int().default(0),
    optimizer: OptimizerSchema.default({ kind: 'adam', learningRate: 3e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }),
    schedule: ScheduleSchema.default({ kind: 'constant' }),
    evaluation: EvaluationSettingsSchema.optional(),
    /** Start from a trained model's weights (a bundle folder or .zip) instead of fresh ones: fine-tuning. */
    initialWeights: z.object({ bundle: z.string().min(1) }).loose().optional(),
  })
  .loose();

export const GraphDocumentSchema = z
  .object({
    format: z.literal(GRAPH_FORMAT),
    version: z.literal(CURRENT_VERSION),
    meta: GraphMetaSchema.default({ name: 'Untitled' }),
    nodes: z.array(GraphNodeSchema).default([]),
    edges: z.array(GraphEdgeSchema).default([]),
    training: TrainingSettingsSchema.default(() => TrainingSettingsSchema.parse({})),
  })
  .loose();

export type PortRef = z.infer<typeof PortRefSchema>;
export type GraphNode = z.infer<typeof GraphNodeSchema>;
export type GraphEdge = z.infer<typeof GraphEdgeSchema>;
export type ExpectedResult = z.infer<typeof ExpectedResultSchema>;
export type GraphMeta = z.infer<typeof GraphMetaSchema>;
export type OptimizerSettings = z.infer<typeof OptimizerSchema>;
export type ScheduleSettings = z.infer<typeof ScheduleSchema>;
export type TrainingSettings = z.infer<typeof TrainingSettingsSchema>;
export type EvaluationSettings = z.infer<typeof EvaluationSettingsSchema>;
export type GraphDocument = z.infer<typeof GraphDocumentSchema>;

/** A problem with the file itself (syntax, schema, version), located by JSON path and, for syntax, line/column. */
export interface DocumentProblem {
  message: string;
  /** JSON path of the offending value, e.g. `nodes[2].position.x`; absent for syntax errors. */
  path?: string;
  line?: number;
  column?: number;
}

export type ParseResult = { ok: true; document: GraphDocument } | { ok: false; problems: DocumentProblem[] };

/** A new, empty document with default training settings. */
export function createGraphDocument(name = 'Untitled'): GraphDocument {
  return GraphDocumentSchema.parse({ format: GRAPH_FORMAT, version: CURRENT_VERSION, meta: { name } });
}

/** Parses a file's text. Never throws for bad input: every problem comes back in `problems`. */
export function parseGraphDocument(text: string, fileName = 'graph'): ParseResult {
  let raw: unknown;
  // Editors on Windows may start a UTF-8 file with a byte-order mark; it is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const where = locateJsonSyntaxError(text);
    const at = where ? ` at line ${where.line}, column ${where.column}` : '';
    const detail = where?.reason ?? (error as Error).message;
    return { ok: false, problems: [{ message: `${fileName} is not valid JSON${at}: ${detail}`, ...where && { line: where.line, column: where.column } }] };
  }
  return graphDocumentFromJson(raw, fileName);
}

/** Same as parseGraphDocument, for a value already parsed from JSON (e.g. received over IPC). */
export function graphDocumentFromJson(raw: unknown, fileName = 'graph'): ParseResult {
  const migrated = migrateToCurrent(raw, fileName);
  if (!migrated.ok) return { ok: false, problems: [{ message: migrated.message, ...(migrated.path && { path: migrated.path }) }] };
  const parsed = GraphDocumentSchema.safeParse(migrated.value);
  if (parsed.success) return { ok: true, document: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      const path = formatJsonPath(issue.path);
      return { path, message: `${fileName}: ${path || 'the document'} ${describeSchemaIssue(issue, migrated.value)}` };
    }),
  };
}

/** Stable text form: 2-space indent, keys in the document's order, trailing newline. */
export function serializeGraphDocument(doc: GraphDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** `['nodes', 2, 'id']` → `nodes[2].id`. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A schema issue as the end of a sentence about the value at its path ("is 0 but must be at least 1"). */
export function describeSchemaIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const value = valueAt(root, issue.path);
  if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
    const expected = issue.code === 'invalid_type' ? issue.expected : issue.values.map((v) => JSON.stringify(v)).join(' or ');
    return `is missing (expected ${expected})`;
  }
  const shown = `is ${showValue(value)}`;
  switch (issue.code) {
    case 'invalid_type':
      return `${shown} but must be ${issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`}`;
    case 'invalid_value':
      return `${shown} but must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'too_small':
      return `${shown} but must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}`;
    case 'too_big':
      return `${shown} but must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`;
    case 'invalid_union':
      return `${shown}, which is not one of the allowed values`;
    default:
      return `${shown}: ${issue.message}`;
  }
}
