// What the inspector shows of a trained model (an opened bundle): for the selected node, a summary of each
// trained parameter (shape, mean, std, min, max; the value itself for a scalar such as eta); with nothing
// selected, how the model was trained and how well (settings, final metrics, against the expected result).
import { expectedWithin } from '../expected-within.ts';
import type { GraphDocument } from '../../../core/graph/index.ts';
import type { TrainedModelInfo, TrainedParameter } from '../../shared/channels.ts';
import { formatNumber } from '../format.ts';

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(' × ')}]`;
}

function ParameterSummary({ parameter: p }: { parameter: TrainedParameter }) {
  const scalar = p.value !== undefined;
  return (
    <div className="trained-param" data-param={p.param} data-testid="trained-param">
      <div className="trained-param-head">
        <b>{p.param}</b> <code>{shapeText(p.shape)}</code>
        {scalar && (
          <span className="trained-scalar" data-testid="trained-scalar">
            {' '}= {p.value === null ? 'not a number' : formatNumber(p.value)}
          </span>
        )}
      </div>
      {!scalar && (
        <dl className="trained-stats">
          <div><dt>mean</dt><dd>{formatNumber(p.mean)}</dd></div>
          <div><dt>std</dt><dd>{formatNumber(p.std)}</dd></div>
          <div><dt>min</dt><dd>{formatNumber(p.min)}</dd></div>
          <div><dt>max</dt><dd>{formatNumber(p.max)}</dd></div>
        </dl>
      )}
      {p.nonFinite > 0 && (
        <p className="field-problem">
          {p.nonFinite.toLocaleString()} of {p.count.toLocaleString()} values are not finite numbers (NaN or infinite): the run diverged.
        </p>
      )}
    </div>
  );
}

export function NodeTrainedValues({ nodeId, model }: { nodeId: string; model: TrainedModelInfo }) {
  const parameters = model.parameters.filter((p) => p.node === nodeId);
  return (
    <section className="trained-values" data-testid="trained-values">
      <h3>Trained values (episode {model.training.episodesDone.toLocaleString()})</h3>
      {parameters.length === 0 && <p className="muted">This node has no trained parameters.</p>}
      {parameters.map((p) => <ParameterSummary key={p.name} parameter={p} />)}
    </section>
  );
}

interface Settings {
  episodes?: number;
  batchSize?: number;
  optimizer?: { kind?: string; learningRate?: number };
  schedule?: { kind?: string; gamma?: number; everyEpisodes?: number; overEpisodes?: number; overMinutes?: number; minLearningRate?: number };
}

function scheduleText(schedule: Settings['schedule']): string {
  if (!schedule?.kind) return '—';
  if (schedule.kind === 'step') return `×${schedule.gamma} every ${schedule.everyEpisodes?.toLocaleString()} episodes`;
  if (schedule.kind === 'cosine') {
    const length = schedule.overMinutes !== undefined ? `${schedule.overMinutes} minutes` : `${schedule.overEpisodes?.toLocaleString()} episodes`;
    return `cosine to ${schedule.minLearningRate ?? 0} over ${length}`;
  }
  return schedule.kind;
}

/** Whether the trained model reached the graph's expected result, judged on its recent mean. */
function expectationMet(expected: NonNullable<GraphDocument['meta']['expected']>, value: number | undefined): boolean | null {
  if (value === undefined) return null;
  if (expected.below !== undefined && !(value < expected.below)) return false;
  if (expected.above !== undefined && !(value > expected.above)) return false;
  return expected.below !== undefined || expected.above !== undefined ? true : null;
}

export function TrainedModelSummary({ model, document }: { model: TrainedModelInfo; document: GraphDocument }) {
  const settings = model.training.settings as Settings;
  const recent = model.metrics.recentMean;
  const last = model.metrics.lastEpisode;
  const names = [...new Set([...Object.keys(recent?.values ?? {}), ...Object.keys(last ?? {})])].filter((n) => n !== 'episode');
  const expected = document.meta.expected;
  const met = expected ? expectationMet(expected, recent?.values[expected.metric]) : null;
  const values = model.parameters.reduce((n, p) => n + p.count, 0);
  return (
    <div className="inspector-body" data-testid="inspector" data-node="">
      <h2>{document.meta.name}</h2>
      <p className="muted">Trained model, read-only. Select a node to see its trained values.</p>
      {document.meta.description && <p className="field-help">{document.meta.description}</p>}

      <h3>Training</h3>
      <dl className="facts" data-testid="trained-training">
        <div><dt>Episodes trained</dt><dd data-testid="trained-episodes">{model.training.episodesDone.toLocaleString()}{settings.episodes !== undefined && ` of ${settings.episodes.toLocaleString()}`}</dd></div>
        <div><dt>Run</dt><dd title={model.training.runId}>{model.training.runId}</dd></div>
        <div><dt>Status</dt><dd className={`status status-${model.training.status}`}>{model.training.status}</dd></div>
        <div><dt>Seed</dt><dd>{model.training.seed}</dd></div>
        <div><dt>Batch size</dt><dd>{settings.batchSize ?? '—'}</dd></div>
        <div><dt>Optimizer</dt><dd>{settings.optimizer?.kind ?? '—'}{settings.optimizer?.learningRate !== undefined && `, learning rate ${settings.optimizer.learningRate}`}</dd></div>
        <div><dt>Schedule</dt><dd>{scheduleText(settings.schedule)}</dd></div>
        <div><dt>Backend</dt><dd>{model.producedBy.backend}</dd></div>
        <div><dt>Exported</dt><dd>{new Date(model.exportedAt).toLocaleString()}</dd></div>
      </dl>

      <h3>Final metrics</h3>
      {names.length === 0 ? (
        <p className="muted">The run recorded no metrics.</p>
      ) : (
        <table className="trained-metrics" data-testid="trained-metrics">
          <thead>
            <tr>
              <th />
              <th>episode {last?.episode ?? '—'}</th>
              <th title={recent ? `Episodes ${recent.fromEpisode}–${recent.toEpisode}` : undefined}>mean of last {recent?.episodes ?? '—'}</th>
            </tr>
          </thead>
          <tbody>
            {names.map((name) => (
              <tr key={name} data-metric={name}>
                <td>{name}</td>
                <td>{formatNumber(last?.[name])}</td>
                <td>{formatNumber(recent?.values[name])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {expected && (
        <p className={`expected${met === true ? ' expected-met' : met === false ? ' expected-missed' : ''}`}>
          Expected: <b>{expected.metric}</b>
          {expected.below !== undefined && <> below {expected.below}</>}
          {expected.above !== undefined && <> above {expected.above}</>}
          {expectedWithin(expected) && <> {expectedWithin(expected)}</>}
          {met !== null && <> — {met ? 'reached' : 'not reached'} by this model</>}
        </p>
      )}

      <h3>Trained parameters</h3>
      <p className="muted">
        {model.parameters.length} parameter{model.parameters.length === 1 ? '' : 's'}, {values.toLocaleString()} values.
      </p>
      <details className="versions">
        <summary>Software versions</summary>
        <dl className="facts">
          {Object.entries(model.producedBy.versions).map(([name, version]) => (
            <div key={name}><dt>{name}</dt><dd>{version}</dd></div>
          ))}
        </dl>
      </details>
    </div>
  );
}
