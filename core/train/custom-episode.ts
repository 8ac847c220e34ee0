// An episode the user made instead of a sampled one (the test-time sandbox). For a graph fed by a data source,
// the values of every output port of the source over the episode's steps, as JSON numbers; for a graph that
// acts in an environment, the environment's world for the episode (the maze: where the reward is), which the
// agent then explores as in any episode:
//
//   { "format": "plasticity-custom-episode", "version": 1, "outputs": { "<port>": [ ...T × port size numbers ] } }
//   { "format": "plasticity-custom-episode", "version": 1, "environment": { "rewardCell": [row, column] } }
//
// checked against the graph, so a wrong length names the port, its shape and the steps it implies.
import fs from 'node:fs';
import { z } from 'zod';
import type { GraphInterpreter } from '../compile/interpreter.ts';
import type { EnvironmentSetup, EpisodeBatch } from '../nodes/kind.ts';
import { flatWidth } from '../nodes/shape-helpers.ts';
import { InputError } from '../util/input-error.ts';
import { checkReadable, MiB } from '../util/read-limited.ts';

export const CustomEpisodeSchema = z
  .object({
    format: z.literal('plasticity-custom-episode'),
    version: z.literal(1),
    outputs: z.record(z.string(), z.array(z.number())).optional(),
    environment: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((e) => Boolean(e.outputs) !== Boolean(e.environment), 'give either "outputs" (a data source\'s values) or "environment" (an environment\'s world)');
export type CustomEpisode = z.infer<typeof CustomEpisodeSchema>;

/** What a custom episode gives: a data source's batch of one, or an environment's setup for the rollout. */
export type CustomEpisodePlan = { kind: 'source'; episodes: Map<string, EpisodeBatch> } | { kind: 'environment'; setups: Map<string, EnvironmentSetup> };

/** The custom episode for this graph; `where` names the file in errors. */
export function customEpisodePlan(graph: GraphInterpreter, raw: unknown, where: string): CustomEpisodePlan {
  const parsed = CustomEpisodeSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`${where}: not a custom episode: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  const sources = graph.order.filter((id) => graph.node(id)?.role === 'source');
  const environments = graph.order.filter((id) => graph.node(id)?.role === 'environment');
  const { outputs, environment } = parsed.data;
  if (environment) {
    if (environments.length !== 1) throw new InputError(`${where}: "environment" sets up the graph's one environment, but this graph has ${environments.length}.`);
    return { kind: 'environment', setups: new Map([[environments[0], environment]]) };
  }
  if (sources.length !== 1 || environments.length > 0) {
    throw new InputError(`${where}: "outputs" replace the graph's one data source, but this graph has ${sources.length} source${sources.length === 1 ? '' : 's'}${environments.length ? ' and an environment' : ''}.`);
  }
  const [source] = sources;
  const ports = graph.kindOf(source).outputs.map((p) => p.name);
  const given = outputs!;
  const unknown = Object.keys(given).filter((port) => !ports.includes(port));
  if (unknown.length > 0) throw new InputError(`${where}: source "${source}" has no output ${unknown.map((p) => `"${p}"`).join(', ')} (its outputs: ${ports.join(', ')}).`);
  let steps: number | undefined;
  const values: Record<string, Float32Array> = {};
  for (const port of ports) {
    const series = given[port];
    if (!series) throw new InputError(`${where}: output "${port}" of source "${source}" is missing.`);
    const shape = graph.shapes.get(source)!.outputs[port];
    const width = flatWidth(shape);
    const portSteps = series.length / width;
    if (!Number.isInteger(portSteps) || portSteps < 1 || (steps !== undefined && portSteps !== steps)) {
      const expected = steps === undefined ? `a whole number of steps × ${width}` : `${steps} steps × ${width} = ${steps * width}`;
      throw new InputError(`${where}: output "${port}" has ${series.length} values, but its shape is [${shape.join(', ')}]: expected ${expected}.`);
    }
    steps = portSteps;
    values[port] = Float32Array.from(series);
  }
  return { kind: 'source', episodes: new Map([[source, { steps: steps!, batchSize: 1, outputs: values }]]) };
}

/** A custom episode file's JSON (a regular file of at most 64 MiB), for customEpisodeBatch. */
export function readCustomEpisodeFile(file: string): unknown {
  checkReadable(file, 64 * MiB, 'custom episode');
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}
