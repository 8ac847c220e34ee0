// An episode the user made instead of a sampled one (the test-time sandbox: drawings, edited patterns): the
// values of every output port of the graph's data source over the episode's steps, as JSON numbers,
//
//   { "format": "plasticity-custom-episode", "version": 1, "outputs": { "<port>": [ ...T × port size numbers ] } }
//
// checked against the source's ports, so a wrong length names the port, its shape and the steps it implies.
import { z } from 'zod';
import type { GraphInterpreter } from '../compile/interpreter.ts';
import type { EpisodeBatch } from '../nodes/kind.ts';
import { flatWidth } from '../nodes/shape-helpers.ts';
import fs from 'node:fs';
import { InputError } from '../util/input-error.ts';
import { checkReadable, MiB } from '../util/read-limited.ts';

export const CustomEpisodeSchema = z.object({
  format: z.literal('plasticity-custom-episode'),
  version: z.literal(1),
  outputs: z.record(z.string(), z.array(z.number())),
});
export type CustomEpisode = z.infer<typeof CustomEpisodeSchema>;

/** The custom episode as the graph's one data source's batch of one; `where` names the file in errors. */
export function customEpisodeBatch(graph: GraphInterpreter, raw: unknown, where: string): Map<string, EpisodeBatch> {
  const parsed = CustomEpisodeSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`${where}: not a custom episode: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  const sources = graph.order.filter((id) => graph.node(id)?.role === 'source');
  const environments = graph.order.filter((id) => graph.node(id)?.role === 'environment');
  if (sources.length !== 1 || environments.length > 0) {
    throw new InputError(`${where}: a custom episode replaces the graph's one data source, but this graph has ${sources.length} source${sources.length === 1 ? '' : 's'}${environments.length ? ' and an environment' : ''}.`);
  }
  const [source] = sources;
  const ports = graph.kindOf(source).outputs.map((p) => p.name);
  const given = parsed.data.outputs;
  const unknown = Object.keys(given).filter((port) => !ports.includes(port));
  if (unknown.length > 0) throw new InputError(`${where}: source "${source}" has no output ${unknown.map((p) => `"${p}"`).join(', ')} (its outputs: ${ports.join(', ')}).`);
  let steps: number | undefined;
  const outputs: Record<string, Float32Array> = {};
  for (const port of ports) {
    const values = given[port];
    if (!values) throw new InputError(`${where}: output "${port}" of source "${source}" is missing.`);
    const shape = graph.shapes.get(source)!.outputs[port];
    const width = flatWidth(shape);
    const portSteps = values.length / width;
    if (!Number.isInteger(portSteps) || portSteps < 1 || (steps !== undefined && portSteps !== steps)) {
      const expected = steps === undefined ? `a whole number of steps × ${width}` : `${steps} steps × ${width} = ${steps * width}`;
      throw new InputError(`${where}: output "${port}" has ${values.length} values, but its shape is [${shape.join(', ')}]: expected ${expected}.`);
    }
    steps = portSteps;
    outputs[port] = Float32Array.from(values);
  }
  return new Map([[source, { steps: steps!, batchSize: 1, outputs }]]);
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
