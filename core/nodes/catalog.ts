// The registry of node kinds: the editor's palette and the compiler's lookup table.
import type { NodeKind } from './kind.ts';
import { A2CLoss } from './a2c-loss.ts';
import { AccuracyMetric } from './accuracy-metric.ts';
import { BinaryCrossEntropyLoss } from './binary-cross-entropy-loss.ts';
import { BinaryPatternEpisode } from './binary-pattern-episode.ts';
import { Conv2d } from './conv2d.ts';
import { Dense } from './dense.ts';
import { EpisodeRewardMetric } from './episode-reward-metric.ts';
import { ImageEpisode } from './image-episode.ts';
import { LSTM } from './lstm.ts';
import { MazeEnvironment } from './maze-environment.ts';
import { OmniglotEpisode } from './omniglot-episode.ts';
import { Pad } from './pad.ts';
import { PlasticDense } from './plastic-dense.ts';
import { PlasticRecurrent } from './plastic-recurrent.ts';
import { Recurrent } from './recurrent.ts';
import { SignErrorMetric } from './sign-error-metric.ts';
import { Slice } from './slice.ts';
import { SquaredErrorLoss } from './squared-error-loss.ts';

export type NodeCatalog = ReadonlyMap<string, NodeKind>;

const kinds: NodeKind[] = [
  BinaryPatternEpisode,
  ImageEpisode,
  OmniglotEpisode,
  MazeEnvironment,
  PlasticRecurrent,
  Recurrent,
  PlasticDense,
  LSTM,
  Dense,
  Conv2d,
  Slice,
  Pad,
  SquaredErrorLoss,
  BinaryCrossEntropyLoss,
  A2CLoss,
  SignErrorMetric,
  AccuracyMetric,
  EpisodeRewardMetric,
] as NodeKind[];

export const nodeCatalog: NodeCatalog = new Map(kinds.map((kind) => [kind.kind, kind]));

/** The kind, or undefined when this build does not know it (validation suggests the closest name). */
export function getNodeKind(kind: string, catalog: NodeCatalog = nodeCatalog): NodeKind | undefined {
  return catalog.get(kind);
}

function requireKind(kind: string, catalog: NodeCatalog): NodeKind {
  const found = catalog.get(kind);
  if (!found) throw new Error(`Unknown node kind "${kind}"; known kinds: ${[...catalog.keys()].join(', ')}.`);
  return found;
}

/** Every param at its default value. */
export function defaultParams(kind: string, catalog: NodeCatalog = nodeCatalog): Record<string, unknown> {
  return requireKind(kind, catalog).params.parse({}) as Record<string, unknown>;
}

export { requireKind as requireNodeKind };
