import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../shared/channels.ts';
import { mergeEvaluations, mergeLiveRuns, mergePoints } from './use-training.ts';

describe('mergePoints', () => {
  it('merges by episode in order, later points replacing earlier ones', () => {
    const p = (episode: number, loss: number) => ({ episode, loss, metrics: {} });
    expect(mergePoints([p(1, 1), p(2, 2), p(3, 3)], [p(3, 30), p(4, 4), p(2, 20)])).toEqual([p(1, 1), p(2, 20), p(3, 30), p(4, 4)]);
  });
});

describe('mergeEvaluations', () => {
  it('keeps one evaluation per episode, in order, the later source winning (a resumed run evaluates again)', () => {
    const e = (episode: number, mean: number) => ({ episode, split: 'test', episodes: 10, loss: { mean, low: null, high: null }, metrics: {} });
    expect(mergeEvaluations([e(100, 1), e(300, 3)], [e(200, 2), e(300, 30)])).toEqual([e(100, 1), e(200, 2), e(300, 30)]);
  });
});

describe('mergeLiveRuns', () => {
  const run = (runId: string, extra: Partial<RunSummary> = {}): RunSummary => ({
    runId, dir: `/runs/${runId}`, name: runId, status: 'running', episodes: 10, episodesDone: 1, backend: 'cpu', seed: 0,
    startedAt: null, finishedAt: null, lastLoss: null, error: null, live: true, progress: null, ...extra,
  });

  it('puts live runs first, replacing their entries but keeping the tail read from disk', () => {
    const tail = [{ episode: 1, loss: 2, metrics: {} }];
    const merged = mergeLiveRuns([run('a', { tail, episodesDone: 1 }), run('old', { live: false, status: 'finished' })], [run('b'), run('a', { episodesDone: 5 })]);
    expect(merged.map((r) => r.runId)).toEqual(['b', 'a', 'old']);
    expect(merged[1]).toMatchObject({ episodesDone: 5, tail });
    expect(merged[0].tail).toBeUndefined();
  });
});
