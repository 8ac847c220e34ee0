// Held-out evaluation: a trained program run on episodes that training never sees, without gradient steps,
// summarised as means with 95% confidence intervals. The trainer calls it every few episodes and at the
// end; `plasticity evaluate` calls it on a run's checkpoint or a bundle. Both build the program with the
// same compiler and draw the same episodes for the same seed, so their numbers agree exactly.
//
// Episodes: batch i of an evaluation is sampled from createRng(seed).fork(`evaluation/<split>/<i>`), a stream
// apart from training's `episode/<n>`, and the same at every evaluation point of a run (so the curve moves
// only because the parameters do).
import * as tf from '@tensorflow/tfjs';
import type { CompiledProgram } from '../compile/compile.ts';
import type { HeldOutSplit } from '../nodes/kind.ts';
import { createRng } from '../util/random.ts';
import { type Interval, meanInterval, wilsonInterval } from './statistics.ts';

export interface EvaluationOptions {
  split: HeldOutSplit;
  episodes: number;
  batchSize: number;
  seed: number;
}

export interface EvaluationSummary {
  split: HeldOutSplit;
  /** Held-out episodes run. */
  episodes: number;
  seed: number;
  /** The loss over batches (its interval treats each batch's loss as one value). */
  loss: Interval;
  /** Each metric over episodes: Wilson's interval for proportions (accuracy), t for the others. */
  metrics: Record<string, Interval>;
  seconds: number;
}

/** One line of a run's evaluation.jsonl: the summary plus how far training had got. */
export interface EvaluationRecord extends EvaluationSummary {
  /** Training episodes done when it ran. */
  episode: number;
}

export function evaluateProgram(program: CompiledProgram, options: EvaluationOptions): EvaluationSummary {
  const { split, episodes, batchSize, seed } = options;
  if (!Number.isInteger(episodes) || episodes < 1) throw new RangeError(`evaluation: episodes must be a whole number ≥ 1, got ${episodes}`);
  const started = performance.now();
  const losses: number[] = [];
  const perEpisode = new Map<string, number[]>();
  const proportions = new Set(program.proportionMetrics);
  for (let done = 0, batch = 0; done < episodes; batch++) {
    const size = Math.min(batchSize, episodes - done);
    const sampled = program.sampleEpisodes(createRng(seed).fork(`evaluation/${split}/${batch}`), size, split);
    tf.tidy(() => {
      const result = program.run(sampled);
      losses.push(result.loss.dataSync()[0]);
      for (const [name, values] of Object.entries(result.episodeMetrics)) {
        const list = perEpisode.get(name) ?? [];
        for (const v of values) list.push(v);
        perEpisode.set(name, list);
      }
    });
    done += size;
  }
  const metrics: Record<string, Interval> = {};
  for (const [name, values] of perEpisode) {
    metrics[name] = proportions.has(name) ? wilsonInterval(values.reduce((a, b) => a + b, 0), values.length) : meanInterval(values);
  }
  return { split, episodes, seed, loss: meanInterval(losses), metrics, seconds: (performance.now() - started) / 1000 };
}
