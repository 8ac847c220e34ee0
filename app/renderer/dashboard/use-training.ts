// The dashboard's view of training: every run (live ones from the host's events, earlier ones from their
// folders) and the points of the runs being drawn.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { GraphDocument } from '../../../core/graph/index.ts';
import type { EvaluationPoint, MetricPoint, PlasticityApi, RunSummary } from '../../shared/channels.ts';

const ENDED = new Set(['finished', 'stopped', 'failed']);

/** Merges points by episode, the later source winning (a resumed run rewrites its episodes). */
export function mergePoints(a: readonly MetricPoint[], b: readonly MetricPoint[]): MetricPoint[] {
  const byEpisode = new Map<number, MetricPoint>();
  for (const p of a) byEpisode.set(p.episode, p);
  for (const p of b) byEpisode.set(p.episode, p);
  return [...byEpisode.values()].sort((x, y) => x.episode - y.episode);
}

/**
 * The host's live runs replace their earlier entries, keeping what only the run list reads from disk
 * (the metrics' tail, for the history's smoothed values).
 */
export function mergeLiveRuns(current: readonly RunSummary[], live: readonly RunSummary[]): RunSummary[] {
  const before = new Map(current.map((r) => [r.runId, r]));
  const liveIds = new Set(live.map((r) => r.runId));
  return [...live.map((r) => ({ ...r, tail: r.tail ?? before.get(r.runId)?.tail })), ...current.filter((r) => !liveIds.has(r.runId))];
}

/** Adds evaluations by episode, the later source winning, in episode order. */
export function mergeEvaluations(a: readonly EvaluationPoint[], b: readonly EvaluationPoint[]): EvaluationPoint[] {
  const byEpisode = new Map<number, EvaluationPoint>();
  for (const e of [...a, ...b]) byEpisode.set(e.episode, e);
  return [...byEpisode.values()].sort((x, y) => x.episode - y.episode);
}

export interface TrainingState {
  runs: RunSummary[];
  points: Record<string, MetricPoint[]>;
  /** Held-out evaluations of the runs whose points are loaded, and of live runs as they arrive. */
  evaluations: Record<string, EvaluationPoint[]>;
  error: string | null;
  refresh(): void;
  loadPoints(runId: string): void;
  /** The document each run of this session was started from: a run trains that snapshot, not later edits. */
  startedFrom: ReadonlyMap<string, GraphDocument>;
  recordStart(runId: string, document: GraphDocument): void;
}

export function useTraining(api: PlasticityApi): TrainingState {
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [points, setPoints] = useState<Record<string, MetricPoint[]>>({});
  const [evaluations, setEvaluations] = useState<Record<string, EvaluationPoint[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [startedFrom, setStartedFrom] = useState<ReadonlyMap<string, GraphDocument>>(new Map());
  const recordStart = useCallback((runId: string, document: GraphDocument) => setStartedFrom((all) => new Map(all).set(runId, document)), []);
  const requested = useRef(new Set<string>());
  const wasLive = useRef(new Map<string, string>());

  const refresh = useCallback(() => {
    api.invoke('runs:list', {}).then(
      (r) => {
        setRuns(r.runs);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [api]);

  const loadPoints = useCallback(
    (runId: string) => {
      if (requested.current.has(runId)) return;
      requested.current.add(runId);
      api.invoke('runs:metrics', { runId }).then(
        (r) => {
          setPoints((all) => ({ ...all, [runId]: mergePoints(r.points, all[runId] ?? []) }));
          setEvaluations((all) => ({ ...all, [runId]: mergeEvaluations(r.evaluations, all[runId] ?? []) }));
        },
        () => requested.current.delete(runId),
      );
    },
    [api],
  );

  useEffect(() => {
    refresh();
    const offRuns = api.on('training:runs', ({ runs: live }) => {
      setRuns((current) => mergeLiveRuns(current, live));
      // A live run's latest evaluation joins its curve (earlier ones come with its points).
      setEvaluations((all) => {
        const arrived = live.filter((r) => r.evaluation && !(all[r.runId] ?? []).some((e) => e.episode === r.evaluation!.episode));
        if (arrived.length === 0) return all;
        const next = { ...all };
        for (const r of arrived) next[r.runId] = mergeEvaluations(all[r.runId] ?? [], [r.evaluation!]);
        return next;
      });
      // A run that just ended: reread its folder, which now has the final numbers.
      let ended = false;
      for (const run of live) {
        if (ENDED.has(run.status) && wasLive.current.get(run.runId) !== run.status) ended = true;
        wasLive.current.set(run.runId, run.status);
      }
      if (ended) setTimeout(refresh, 300);
    });
    const offProgress = api.on('training:progress', ({ runId, points: batch, progress }) => {
      setPoints((all) => ({ ...all, [runId]: mergePoints(all[runId] ?? [], batch) }));
      setRuns((current) => current.map((r) => (r.runId === runId ? { ...r, progress, episodesDone: progress.episode, lastLoss: progress.loss, backend: progress.backend } : r)));
    });
    return () => {
      offRuns();
      offProgress();
    };
  }, [api, refresh]);

  return { runs, points, evaluations, error, refresh, loadPoints, startedFrom, recordStart };
}
