// The data every episode source produces, below both the node catalog (which describes sources) and the
// generators and loaders (which fill them), so neither imports the other.

/** Values of one batch of episodes, time-major: a [T, B, ...shape] Float32Array per output port. */
export interface EpisodeBatch {
  steps: number;
  batchSize: number;
  outputs: Record<string, Float32Array>;
  /** Environments only: what reached each delayed input during the rollout (e.g. the policy), [T, B, ...] per port. */
  delayedInputs?: Record<string, Float32Array>;
  /**
   * What a task view draws and no node reads (the maze: the agent's and the reward's cells at each step, the
   * walls), by name, with its shape. Only recordings use them; a batch sliced for training drops them.
   */
  views?: Record<string, { shape: number[]; values: Float32Array }>;
}

/**
 * Which data an evaluation draws its episodes from: `test` is only for reported results, `validation` for
 * choosing settings. Sources that read a dataset draw from the matching held-out part; sources that generate
 * their episodes (patterns, the maze) ignore it, since evaluation's own seed stream already makes them new.
 */
export type HeldOutSplit = 'validation' | 'test';

/** Episodes `start` to `end` (exclusive) of a batch, as a batch of their own (copies; time-major like the original). */
export function sliceEpisodes(batch: EpisodeBatch, start: number, end: number): EpisodeBatch {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start < end && end <= batch.batchSize)) {
    throw new Error(`sliceEpisodes: [${start}, ${end}) is not a part of a batch of ${batch.batchSize}`);
  }
  const { steps, batchSize } = batch;
  const count = end - start;
  const slice = (values: Float32Array): Float32Array => {
    const perEpisode = values.length / (steps * batchSize);
    const out = new Float32Array(steps * count * perEpisode);
    for (let t = 0; t < steps; t++) {
      const from = (t * batchSize + start) * perEpisode;
      out.set(values.subarray(from, from + count * perEpisode), t * count * perEpisode);
    }
    return out;
  };
  const sliceAll = (ports: Record<string, Float32Array>) => Object.fromEntries(Object.entries(ports).map(([port, values]) => [port, slice(values)]));
  const part: EpisodeBatch = { steps, batchSize: count, outputs: sliceAll(batch.outputs) };
  if (batch.delayedInputs) part.delayedInputs = sliceAll(batch.delayedInputs);
  return part;
}
