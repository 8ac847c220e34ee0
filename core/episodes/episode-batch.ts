// The data every episode source produces, below both the node catalog (which describes sources) and the
// generators and loaders (which fill them), so neither imports the other.

/** Values of one batch of episodes, time-major: a [T, B, ...shape] Float32Array per output port. */
export interface EpisodeBatch {
  steps: number;
  batchSize: number;
  outputs: Record<string, Float32Array>;
  /** Environments only: what reached each delayed input during the rollout (e.g. the policy), [T, B, ...] per port. */
  delayedInputs?: Record<string, Float32Array>;
}

/**
 * Which data an evaluation draws its episodes from: `test` is only for reported results, `validation` for
 * choosing settings. Sources that read a dataset draw from the matching held-out part; sources that generate
 * their episodes (patterns, the maze) ignore it, since evaluation's own seed stream already makes them new.
 */
export type HeldOutSplit = 'validation' | 'test';
