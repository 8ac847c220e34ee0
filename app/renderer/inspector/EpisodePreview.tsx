// The training dashboard's small live view of the task: every minute while a run trains (and once for a
// finished run), one fixed held-out episode is played with the run's latest checkpoint and its last step drawn
// by the task view, so the user sees the network get better at the task itself. Recording happens in a process
// of its own at the lowest CPU priority (inspector:record with `background`), never inside the training.
import { useEffect, useMemo, useState } from 'react';
import type { EpisodeRecording, PlasticityApi, RunSummary } from '../../shared/channels.ts';
import { decodeRecording, taskScene } from './task-scene.ts';
import { TaskView } from './TaskView.tsx';

export const PREVIEW_EVERY_SECONDS = 60;

export function EpisodePreview({ api, run }: { api: PlasticityApi; run: RunSummary }) {
  const [recording, setRecording] = useState<EpisodeRecording | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [auto, setAuto] = useState(true);
  const [tick, setTick] = useState(0);
  const training = run.status === 'running';
  const hasCheckpoint = (run.episodesDone ?? 0) > 0;

  useEffect(() => {
    setRecording(null);
    setError(null);
  }, [run.runId]);
  useEffect(() => {
    if (!training || !auto) return;
    const timer = setInterval(() => setTick((t) => t + 1), PREVIEW_EVERY_SECONDS * 1000);
    return () => clearInterval(timer);
  }, [training, auto]);
  useEffect(() => {
    if (!hasCheckpoint) return;
    let current = true;
    api.invoke('inspector:record', { runId: run.runId, seed: 0, background: true }).then(
      (result) => {
        if (!current) return;
        setRecording(result);
        setError(null);
      },
      (e: Error) => current && setError(e.message),
    );
    return () => {
      current = false;
    };
    // Refreshed by the timer, the refresh button and a new run, not by every progress report.
  }, [api, run.runId, hasCheckpoint, tick]);

  const scene = useMemo(() => {
    if (!recording) return null;
    return taskScene(decodeRecording(recording), recording.steps - 1);
  }, [recording]);
  if (!hasCheckpoint) return null;
  return (
    <section className="episode-preview" data-testid="episode-preview">
      <header>
        <b>The task, now</b>{' '}
        <span className="muted">
          {recording ? `a held-out episode's last step, with the parameters after ${recording.trainedEpisodes.toLocaleString()} episodes` : 'recording an episode…'}
        </span>{' '}
        {training && (
          <label className="muted">
            <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> every minute
          </label>
        )}{' '}
        <button className="link" onClick={() => setTick((t) => t + 1)}>
          refresh
        </button>
      </header>
      {error && <p className="error">{error}</p>}
      {scene && <TaskView scene={scene} />}
      {recording && !scene && <p className="muted">This graph's task has no picture.</p>}
    </section>
  );
}
