// The training dashboard: start, pause, resume and stop a run of the open graph; live loss and metric
// charts; speed, ETA and backend; and the run history, whose earlier curves can be overlaid.
import { useEffect, useMemo, useState } from 'react';
import type { GraphDocument } from '../../../core/graph/index.ts';
import type { Backend, PlasticityApi, RunSummary } from '../../shared/channels.ts';
import { LineChart, type ChartSeries } from './LineChart.tsx';
import type { TrainingState } from './use-training.ts';

const COLORS = ['#4cc9f0', '#f72585', '#b5e48c', '#ffd166', '#c77dff', '#ff9f1c', '#90e0ef', '#e76f51'];
const ACTIVE = new Set(['queued', 'running', 'paused', 'stopping']);

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h ? `${h}h ${String(m).padStart(2, '0')}m` : m ? `${m}m ${String(rest).padStart(2, '0')}s` : `${rest}s`;
}

function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return Math.abs(x) >= 1000 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(3) : x.toPrecision(3);
}

export interface DashboardProps {
  api: PlasticityApi;
  document: GraphDocument;
  errorCount: number;
  training: TrainingState;
  shownRunId: string | null;
  onShowRun(runId: string): void;
  onNotice(message: string): void;
}

export function Dashboard({ api, document, errorCount, training, shownRunId, onShowRun, onNotice }: DashboardProps) {
  const [episodes, setEpisodes] = useState(String(document.training.episodes));
  const [backend, setBackend] = useState<Backend>('auto');
  const [overlay, setOverlay] = useState<ReadonlySet<string>>(new Set());
  const [logScale, setLogScale] = useState(false);
  useEffect(() => setEpisodes(String(document.training.episodes)), [document.training.episodes]);

  const shown = training.runs.find((r) => r.runId === shownRunId) ?? training.runs.find((r) => r.live) ?? null;
  const drawn = useMemo(() => [...new Set([shown?.runId, ...overlay].filter((x): x is string => Boolean(x)))], [shown?.runId, overlay]);
  useEffect(() => drawn.forEach((id) => training.loadPoints(id)), [drawn, training.loadPoints]);

  const runLabel = (run: RunSummary) => {
    const started = run.startedAt ? new Date(run.startedAt).toLocaleTimeString() : 'queued';
    return `${run.name.length > 32 ? run.name.slice(0, 31) + '…' : run.name} (${started})`;
  };
  const seriesFor = (pick: (p: { loss: number | null; metrics: Record<string, number | null> }) => number | null): ChartSeries[] =>
    drawn.map((runId, i) => {
      const run = training.runs.find((r) => r.runId === runId);
      const pts = training.points[runId] ?? [];
      return { label: run ? runLabel(run) : runId, color: COLORS[i % COLORS.length], x: pts.map((p) => p.episode), y: pts.map(pick), dashed: i > 0 };
    });
  const metricNames = useMemo(() => {
    const names = new Set<string>();
    for (const id of drawn) for (const p of (training.points[id] ?? []).slice(-1)) Object.keys(p.metrics).forEach((n) => names.add(n));
    return [...names];
  }, [drawn, training.points]);

  const start = async () => {
    const n = Number(episodes);
    if (!Number.isInteger(n) || n <= 0) {
      onNotice('Episodes must be a whole number above 0.');
      return;
    }
    try {
      const { runId } = await api.invoke('training:start', { document, episodes: n, backend });
      onShowRun(runId);
    } catch (error) {
      onNotice(`Could not start training: ${(error as Error).message}`);
    }
  };
  const control = (channel: 'training:pause' | 'training:resume' | 'training:stop') => {
    if (!shown) return;
    api.invoke(channel, { runId: shown.runId }).catch((e: Error) => onNotice(e.message));
  };

  const progress = shown?.progress;
  const active = Boolean(shown && ACTIVE.has(shown.status));
  const fraction = shown?.episodes ? Math.min(1, (shown.episodesDone ?? 0) / shown.episodes) : 0;

  return (
    <div className="dashboard" data-testid="dashboard">
      <section className="run-controls">
        <div className="control-row">
          <label>
            Episodes <input className="narrow" value={episodes} onChange={(e) => setEpisodes(e.target.value)} aria-label="Episodes to train" />
          </label>
          <label>
            Backend{' '}
            <select value={backend} onChange={(e) => setBackend(e.target.value as Backend)} aria-label="Backend">
              <option value="auto">auto (fastest available)</option>
              <option value="wasm">wasm</option>
              <option value="cpu">cpu</option>
              <option value="tensorflow">tensorflow (tfjs-node)</option>
            </select>
          </label>
          <button className="primary" onClick={start} disabled={errorCount > 0} title={errorCount ? 'Fix the problems in the graph first.' : 'Train this graph'}>
            ▶ Train “{document.meta.name}”
          </button>
          {shown?.status === 'paused' ? (
            <button onClick={() => control('training:resume')}>▶ Resume</button>
          ) : (
            <button onClick={() => control('training:pause')} disabled={shown?.status !== 'running'}>
              ❚❚ Pause
            </button>
          )}
          <button onClick={() => control('training:stop')} disabled={!active || shown?.status === 'stopping'} className="danger">
            ■ Stop
          </button>
        </div>
        {errorCount > 0 && <p className="error">The graph has {errorCount} problem{errorCount === 1 ? '' : 's'} to fix before it can be trained (see the Problems panel).</p>}
        {shown && (
          <div className="run-status" data-testid="run-status" data-status={shown.status}>
            <div className="progress-bar" role="progressbar" aria-valuenow={Math.round(fraction * 100)} aria-valuemin={0} aria-valuemax={100}>
              <div style={{ width: `${fraction * 100}%` }} />
            </div>
            <dl className="stats">
              <div><dt>Run</dt><dd title={shown.dir}>{shown.name}</dd></div>
              <div><dt>Status</dt><dd className={`status status-${shown.status}`}>{shown.status}</dd></div>
              <div><dt>Episode</dt><dd data-testid="episode">{shown.episodesDone ?? 0} / {shown.episodes ?? '?'}</dd></div>
              <div><dt>Loss</dt><dd>{formatNumber(progress?.loss ?? shown.lastLoss)}</dd></div>
              {progress && Object.entries(progress.metrics).map(([name, value]) => <div key={name}><dt>{name}</dt><dd>{formatNumber(value)}</dd></div>)}
              <div><dt>Episodes/s</dt><dd>{formatNumber(progress?.episodesPerSecond)}</dd></div>
              <div><dt>ETA</dt><dd>{active ? formatDuration(progress?.etaSeconds) : '—'}</dd></div>
              <div><dt>Elapsed</dt><dd>{formatDuration(progress?.elapsedSeconds)}</dd></div>
              <div><dt>Backend</dt><dd data-testid="backend">{progress?.backend ?? shown.backend ?? '…'}</dd></div>
            </dl>
            {shown.error && <p className="error" role="alert">Run failed: {shown.error}</p>}
          </div>
        )}
      </section>

      <section className="charts">
        <label className="log-toggle">
          <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} /> log scale
        </label>
        <LineChart title="Loss" series={seriesFor((p) => p.loss)} logScale={logScale} testId="loss-chart" />
        {metricNames.map((name) => (
          <LineChart key={name} title={name} series={seriesFor((p) => p.metrics[name] ?? null)} logScale={logScale} testId={`metric-chart-${name}`} />
        ))}
      </section>

      <section className="history" data-testid="run-history">
        <header>
          <b>Run history</b> <button className="link" onClick={training.refresh}>refresh</button>
        </header>
        {training.error && <p className="error">{training.error}</p>}
        <table>
          <thead>
            <tr>
              <th title="Overlay this run's curves on the charts">Show</th>
              <th>Graph</th>
              <th>Status</th>
              <th>Episodes</th>
              <th>Last loss</th>
              <th>Backend</th>
              <th>Started</th>
            </tr>
          </thead>
          <tbody>
            {training.runs.map((run) => (
              <tr key={run.runId} className={run.runId === shown?.runId ? 'shown' : ''} onClick={() => onShowRun(run.runId)} data-run={run.runId}>
                <td onClick={(e) => e.stopPropagation()}>
                  <input
                    type="checkbox"
                    aria-label={`Overlay ${run.runId}`}
                    checked={overlay.has(run.runId)}
                    onChange={(e) => {
                      const next = new Set(overlay);
                      if (e.target.checked) next.add(run.runId);
                      else next.delete(run.runId);
                      setOverlay(next);
                    }}
                  />
                </td>
                <td title={`${run.runId}\n${run.dir}`}>{run.name}</td>
                <td className={`status status-${run.status}`}>{run.status}</td>
                <td>{run.episodesDone ?? 0} / {run.episodes ?? '?'}</td>
                <td>{formatNumber(run.lastLoss)}</td>
                <td>{run.backend ?? '—'}</td>
                <td>{run.startedAt ? new Date(run.startedAt).toLocaleString() : 'queued'}</td>
              </tr>
            ))}
            {training.runs.length === 0 && (
              <tr>
                <td colSpan={7} className="muted">No runs yet. Runs started here or with `plasticity train` appear in this list.</td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
    </div>
  );
}
