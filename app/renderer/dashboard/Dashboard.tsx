// The training dashboard: start, pause, resume and stop a run of the open graph; live loss and metric
// charts, smoothed or raw; speed, ETA and backend; and the run history, whose earlier curves can be
// overlaid and whose trained models can be exported as bundles.
import { useEffect, useMemo, useState } from 'react';
import { EpisodePreview } from '../inspector/EpisodePreview.tsx';
import type { GraphDocument } from '../../../core/graph/index.ts';
import type { Backend, EvaluationPoint, MetricPoint, PlasticityApi, RunSummary } from '../../shared/channels.ts';
import { formatDuration, formatNumber } from '../format.ts';
import { LineChart, type ChartSeries } from './LineChart.tsx';
import { automaticSmoothing, lastSmoothed, MAX_SMOOTHING, movingAverage, pickValue, primaryMetric, type PointValue } from './smoothing.ts';
import type { TrainingState } from './use-training.ts';

const COLORS = ['#4cc9f0', '#f72585', '#b5e48c', '#ffd166', '#c77dff', '#ff9f1c', '#90e0ef', '#e76f51'];
const ACTIVE = new Set(['queued', 'running', 'paused', 'stopping']);
const ENDED = new Set(['finished', 'stopped', 'failed']);

/** A run whose checkpoint holds trained weights: it can be exported. */
export function canExport(run: RunSummary): boolean {
  return ENDED.has(run.status) && (run.episodesDone ?? 0) > 0;
}

/** A run that ended before its planned episodes (stopped, failed, or a time budget): it can go on from its checkpoint. */
export function canContinue(run: RunSummary): boolean {
  return ENDED.has(run.status) && (run.status !== 'finished' || (run.episodes !== null && (run.episodesDone ?? 0) < run.episodes));
}

export interface DashboardProps {
  api: PlasticityApi;
  document: GraphDocument;
  errorCount: number;
  training: TrainingState;
  shownRunId: string | null;
  onShowRun(runId: string): void;
  onNotice(message: string): void;
  onExport(run: RunSummary): void;
  /** Opens the episode inspector on the run's last checkpoint. */
  onInspect(run: RunSummary): void;
  /** Episodes in the charts' moving average; null: automatic (smoothed for runs over 100 episodes). */
  smoothing: number | null;
  onSmoothing(episodes: number | null): void;
}

/** The smoothing field: any whole number from 1 to MAX_SMOOTHING; "auto" follows the run's length. */
function SmoothingControl({ value, automatic, onChange }: { value: number; automatic: boolean; onChange(episodes: number | null): void }) {
  const [draft, setDraft] = useState(String(value));
  useEffect(() => setDraft(String(value)), [value]);
  const n = Number(draft);
  const valid = Number.isInteger(n) && n >= 1 && n <= MAX_SMOOTHING;
  return (
    <span className="smoothing" data-testid="smoothing">
      <label title={`Each point of the bold line is the mean of the last N episodes; the raw values stay as a faint line. 1 shows the raw values only.`}>
        Smoothing{' '}
        <input
          className="tiny"
          type="number"
          min={1}
          max={MAX_SMOOTHING}
          value={draft}
          aria-label="Smoothing (episodes)"
          aria-invalid={!valid || undefined}
          onChange={(e) => {
            setDraft(e.target.value);
            const next = Number(e.target.value);
            if (Number.isInteger(next) && next >= 1 && next <= MAX_SMOOTHING) onChange(next);
          }}
          onBlur={() => setDraft(String(value))}
        />{' '}
        episodes
      </label>
      {automatic ? <span className="muted"> (auto)</span> : (
        <button className="link" onClick={() => onChange(null)} title="Smooth runs longer than 100 episodes over 10 episodes">
          auto
        </button>
      )}
      {!valid && <span className="error"> 1 to {MAX_SMOOTHING}</span>}
    </span>
  );
}

/** "0.912 [0.900, 0.924]": a held-out mean with its 95% interval. */
export function formatInterval(interval: EvaluationPoint['loss'] | undefined): string {
  if (!interval) return '—';
  return interval.low === null || interval.high === null
    ? formatNumber(interval.mean)
    : `${formatNumber(interval.mean)} [${formatNumber(interval.low)}, ${formatNumber(interval.high)}]`;
}

/** The held-out figure of an evaluation for a metric (or the loss), as the status and the history show it. */
function heldOutText(evaluation: EvaluationPoint, metric: string): string {
  const interval = metric === 'loss' ? evaluation.loss : evaluation.metrics[metric];
  return `${formatInterval(interval)} (${evaluation.split}, ${evaluation.episodes} episodes, after episode ${evaluation.episode})`;
}

/** A run's smoothed figures in the history: the metric it is judged by, and the loss below it; the latest held-out value when evaluated. */
function SmoothedMetricCell({ metric, value, loss, evaluation }: { metric: string; value: number | null; loss: number | null; evaluation?: EvaluationPoint | null }) {
  const interval = evaluation && (metric === 'loss' ? evaluation.loss : evaluation.metrics[metric]);
  return (
    <td className="smoothed-metric" data-testid="smoothed-metric" data-metric={metric} data-value={value ?? ''}>
      <span className="muted">{metric}</span> {formatNumber(value)}
      {metric !== 'loss' && <div className="run-meta muted">loss {formatNumber(loss)}</div>}
      {evaluation && interval && (
        <div className="run-meta" data-testid="held-out" title={`Held-out evaluation, mean and 95% confidence interval on episodes training never sees: ${heldOutText(evaluation, metric)}`}>
          held-out {formatInterval(interval)}
        </div>
      )}
    </td>
  );
}

export function Dashboard({ api, document, errorCount, training, shownRunId, onShowRun, onNotice, onExport, onInspect, smoothing, onSmoothing }: DashboardProps) {
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
  const shownPoints = shown ? (training.points[shown.runId]?.length ?? shown.tail?.length ?? 0) : 0;
  const smoothWindow = smoothing ?? automaticSmoothing(Math.max(shownPoints, shown?.episodesDone ?? 0));
  /** A run of another task than the shown run's (another loss or episode source) is drawn against the right axis. */
  const otherTask = (run: RunSummary | undefined) => Boolean(run?.lossUnit && shown?.lossUnit && run.lossUnit !== shown.lossUnit);
  // Smoothed: a faint raw line and a bold moving average per run, the same colour; raw: one line per run.
  const seriesFor = (pick: PointValue): ChartSeries[] =>
    drawn.flatMap((runId, i): ChartSeries[] => {
      const run = training.runs.find((r) => r.runId === runId);
      const pts = training.points[runId] ?? [];
      const rightAxis = otherTask(run);
      const label = `${run ? runLabel(run) : runId}${rightAxis ? ' · right axis' : ''}`;
      const x = pts.map((p) => p.episode);
      const y = pts.map(pick);
      const color = COLORS[i % COLORS.length];
      if (smoothWindow === 1) return [{ label, color, x, y, dashed: i > 0, rightAxis }];
      return [
        { label: `${label} · raw`, color, x, y, faint: true, rightAxis },
        { label: `${label} · mean of ${smoothWindow}`, color, x, y: movingAverage(y, smoothWindow), dashed: i > 0, derived: true, rightAxis },
      ];
    });
  /** Held-out evaluations of each drawn run as dots joined by a line, in the run's colour. */
  const heldOutSeries = (pick: (e: EvaluationPoint) => number | null): ChartSeries[] =>
    drawn.flatMap((runId, i): ChartSeries[] => {
      const evaluations = training.evaluations[runId] ?? [];
      if (evaluations.length === 0) return [];
      const run = training.runs.find((r) => r.runId === runId);
      const label = `${run ? runLabel(run) : runId} · held-out (${evaluations[0].split})`;
      return [{ label, color: COLORS[i % COLORS.length], x: evaluations.map((e) => e.episode), y: evaluations.map(pick), markers: true, dashed: i > 0, rightAxis: otherTask(run) }];
    });
  /** A run's last smoothed value of the metric it is judged by, from all its points when loaded, else its tail. */
  const historyValue = (run: RunSummary) => {
    const pts: readonly MetricPoint[] = training.points[run.runId] ?? run.tail ?? [];
    const metric = primaryMetric(run, pts);
    return { metric, value: lastSmoothed(pts, pickValue(metric), smoothWindow), loss: lastSmoothed(pts, pickValue('loss'), smoothWindow), evaluation: run.evaluation };
  };
  /** The shown run's expected result as a dashed line across its episodes, on the chart of the metric it names. */
  const targetSeries = (name: string): ChartSeries[] => {
    const target = shown?.target;
    const pts = shown ? (training.points[shown.runId] ?? []) : [];
    if (!shown || !target || shown.metric !== name || pts.length < 2) return [];
    return [{ label: `target: ${target.direction} ${target.value}`, color: '#ffd166', x: [pts[0].episode, pts[pts.length - 1].episode], y: [target.value, target.value], dashed: true, derived: true }];
  };
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
      training.recordStart(runId, document);
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
              {progress &&
                Object.entries(progress.metrics).map(([name, value]) => {
                  // One episode's value jumps about; the recent mean is what the run is doing (the charts' smoothing).
                  const recent = smoothWindow > 1 ? lastSmoothed(training.points[shown.runId] ?? [], pickValue(name), smoothWindow) : null;
                  return (
                    <div key={name}>
                      <dt>{name}</dt>
                      <dd data-testid={`recent-${name}`} title={recent === null ? 'last episode' : `last episode ${formatNumber(value)}; mean of the last ${smoothWindow}`}>
                        {formatNumber(recent ?? value)}
                        {recent !== null && <span className="muted"> (mean of {smoothWindow})</span>}
                      </dd>
                    </div>
                  );
                })}
              <div><dt>Episodes/s</dt><dd>{formatNumber(progress?.episodesPerSecond)}</dd></div>
              <div><dt>ETA</dt><dd>{active ? formatDuration(progress?.etaSeconds) : '—'}</dd></div>
              <div><dt>Elapsed</dt><dd>{formatDuration(progress?.elapsedSeconds)}</dd></div>
              <div><dt>Backend</dt><dd data-testid="backend">{progress?.backend ?? shown.backend ?? '…'}</dd></div>
            </dl>
            {shown.evaluation && (
              <p className="held-out" data-testid="run-held-out">
                Held-out{' '}
                {Object.keys(shown.evaluation.metrics).length > 0
                  ? Object.keys(shown.evaluation.metrics).map((name) => `${name} ${heldOutText(shown.evaluation!, name)}`).join('; ')
                  : `loss ${heldOutText(shown.evaluation, 'loss')}`}
              </p>
            )}
            {shown.error && <p className="error" role="alert">Run failed: {shown.error}</p>}
            {active && training.startedFrom.has(shown.runId) && training.startedFrom.get(shown.runId) !== document && (
              <p className="muted" data-testid="run-uses-snapshot">
                The graph was edited after this run started: the run goes on with the graph as it was then; your edits apply to the next run.
              </p>
            )}
          </div>
        )}
      </section>

      {shown && <EpisodePreview api={api} run={shown} />}

      <section className="charts" data-smoothing={smoothWindow}>
        <div className="chart-options">
          <SmoothingControl value={smoothWindow} automatic={smoothing === null} onChange={onSmoothing} />
          <label>
            <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} /> log scale
          </label>
        </div>
        <LineChart title="Loss" series={[...seriesFor((p) => p.loss), ...heldOutSeries((e) => e.loss.mean)]} logScale={logScale} testId="loss-chart" />
        {metricNames.map((name) => (
          <LineChart
            key={name}
            title={name}
            series={[...seriesFor((p) => p.metrics[name] ?? null), ...heldOutSeries((e) => e.metrics[name]?.mean ?? null), ...targetSeries(name)]}
            logScale={logScale}
            testId={`metric-chart-${name}`}
          />
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
              <th>Run</th>
              <th>Status</th>
              <th>Episodes</th>
              <th title="The metric each run is judged by (the graph's expected result, else its first metric) and the loss, averaged over the last episodes as the charts are smoothed">
                {smoothWindow === 1 ? 'Last episode' : `Mean of last ${smoothWindow}`}
              </th>
              <th />
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
                <td className="run-name" title={`${run.name}\n${run.runId}\n${run.dir}${run.startedAt ? `\nstarted ${new Date(run.startedAt).toLocaleString()}` : ''}`}>
                  {run.name}
                  <div className="run-meta muted">
                    {run.startedAt ? new Date(run.startedAt).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) : 'queued'}
                    {run.backend && ` · ${run.backend}`}
                  </div>
                </td>
                <td className={`status status-${run.status}`}>{run.status}</td>
                <td className="nowrap">{run.episodesDone ?? 0} / {run.episodes ?? '?'}</td>
                <SmoothedMetricCell {...historyValue(run)} />
                <td className="run-actions" onClick={(e) => e.stopPropagation()}>
                  {canContinue(run) && (
                    <button
                      className="small"
                      data-testid="continue-run"
                      onClick={() =>
                        api.invoke('training:continue', { runId: run.runId }).then(
                          () => onShowRun(run.runId),
                          (e: Error) => onNotice(e.message),
                        )
                      }
                      title={`Go on from the last checkpoint (episode ${run.episodesDone ?? 0}) to episode ${run.episodes ?? '?'}, in the same run folder`}
                    >
                      Continue
                    </button>
                  )}
                  {canExport(run) && (
                    <button className="small" onClick={() => onExport(run)} title={`Write the model trained by this run (episode ${run.episodesDone}) as a bundle: a .zip or a folder with model.json and weights.bin`}>
                      Export model…
                    </button>
                  )}
                  {canExport(run) && (
                    <button className="small" data-testid="inspect-run" onClick={() => onInspect(run)} title="Play a held-out episode with this run's trained weights: Hebbian traces, effective weights and activity, step by step">
                      Inspect…
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {training.runs.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">No runs yet. Runs started here or with `plasticity train` appear in this list.</td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
    </div>
  );
}
