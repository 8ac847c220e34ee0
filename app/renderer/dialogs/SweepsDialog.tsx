// File → Sweeps…: compare variants over seeds, as the paper does. A new sweep takes the open graph, templates
// and graph files, an optional grid of settings, a list of seeds and a budget; a pool of training processes
// runs the jobs with a progress bar each; a finished sweep shows its final values with rank-sum tests and its
// curves (median and inter-quartile band).
import DOMPurify from 'dompurify';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { GraphDocument } from '../../../core/graph/document.ts';
import type { PlasticityApi, SweepDetails, SweepProgress, SweepSummary, TemplateSummary } from '../../shared/channels.ts';
import { formatPValue, formatSpread } from '../../../core/report/metric-format.ts';
import { Modal } from './Modal.tsx';

/** "1-4", "1, 2, 5" or "0 3-5" → the seeds; null when the text is not a list of seeds. */
export function parseSeeds(text: string): number[] | null {
  const seeds: number[] = [];
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from || to - from >= 100) return null;
      for (let s = from; s <= to; s++) seeds.push(s);
    } else if (/^\d+$/.test(part)) seeds.push(Number(part));
    else return null;
  }
  return seeds.length > 0 && new Set(seeds).size === seeds.length ? seeds : null;
}

/**
 * "training.optimizer.learningRate = 0.001, 0.0003" per line → the sweep's grid of settings; numbers and
 * true/false are read as such, anything else as text. Returns a message naming the line when one cannot be read.
 */
export function parseSettingsGrid(text: string): Record<string, (number | string | boolean)[]> | string {
  const grid: Record<string, (number | string | boolean)[]> = {};
  const lines = text.split('\n').map((l) => l.trim());
  for (const [index, line] of lines.entries()) {
    if (!line) continue;
    const match = /^([\w.-]+)\s*=\s*(.+)$/.exec(line);
    if (!match || !match[1].includes('.')) return `line ${index + 1}: write "training.<field> = value, value" or "<node id>.<param> = value, value"`;
    grid[match[1]] = match[2].split(',').map((v) => v.trim()).filter(Boolean).map((v) => (v === 'true' ? true : v === 'false' ? false : v !== '' && Number.isFinite(Number(v)) ? Number(v) : v));
  }
  return grid;
}


function NewSweepForm({ api, document, onCreated }: { api: PlasticityApi; document: GraphDocument; onCreated(s: SweepSummary): void }) {
  const [templates, setTemplates] = useState<TemplateSummary[]>([]);
  const [picked, setPicked] = useState<Record<string, boolean>>({ current: true });
  const [name, setName] = useState(`${document.meta.name}: comparison`);
  const [seedText, setSeedText] = useState('1-4');
  const [episodes, setEpisodes] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [files, setFiles] = useState<string[]>([]);
  const [fileInput, setFileInput] = useState('');
  const [gridText, setGridText] = useState('');
  useEffect(() => {
    api.invoke('templates:list', {}).then((r) => setTemplates(r.templates), () => setTemplates([]));
  }, [api]);
  const seeds = parseSeeds(seedText);
  const episodeBudget = episodes.trim() === '' ? undefined : Number(episodes);
  const budgetOk = episodeBudget === undefined || (Number.isInteger(episodeBudget) && episodeBudget > 0);
  const chosen = Object.entries(picked).filter(([, on]) => on).map(([id]) => id);
  const grid = parseSettingsGrid(gridText);
  const gridPoints = typeof grid === 'string' ? 1 : Object.values(grid).reduce((n, values) => n * values.length, 1);
  const variantCount = chosen.length + files.length;

  const create = async () => {
    setError(null);
    setBusy(true);
    try {
      const variants = await Promise.all(
        chosen.map(async (id) => {
          if (id === 'current') return { name: document.meta.name, document };
          const opened = (await api.invoke('templates:open', { id })).document as GraphDocument;
          return { name: opened.meta.name, document: opened };
        }),
      );
      onCreated(
        await api.invoke('sweeps:create', {
          name: name.trim(),
          variants: [...variants, ...files.map((path) => ({ path }))],
          seeds: seeds!,
          ...(episodeBudget !== undefined && { episodes: episodeBudget }),
          ...(typeof grid !== 'string' && Object.keys(grid).length > 0 && { parameters: grid }),
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="sweep-form" data-testid="sweep-form">
      <label>
        Name <input aria-label="Sweep name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <div className="muted">Variants (each is trained once per seed):</div>
      <div className="sweep-variants">
        <label>
          <input type="checkbox" checked={Boolean(picked.current)} onChange={(e) => setPicked((p) => ({ ...p, current: e.target.checked }))} /> This graph: {document.meta.name}
        </label>
        {templates.map((t) => (
          <label key={t.id}>
            <input type="checkbox" aria-label={`Template ${t.name}`} checked={Boolean(picked[t.id])} onChange={(e) => setPicked((p) => ({ ...p, [t.id]: e.target.checked }))} /> {t.name}
          </label>
        ))}
        {files.map((f) => (
          <label key={f}>
            <input type="checkbox" checked onChange={() => setFiles((all) => all.filter((x) => x !== f))} /> {f}
          </label>
        ))}
      </div>
      <div className="sweep-file-row">
        <input aria-label="Graph file to add" placeholder="/path/to/graph.plastic.json" value={fileInput} onChange={(e) => setFileInput(e.target.value)} />
        <button
          disabled={!fileInput.trim()}
          onClick={() => {
            setFiles((all) => [...new Set([...all, fileInput.trim()])]);
            setFileInput('');
          }}
        >
          Add graph file
        </button>
      </div>
      <label className="sweep-grid">
        Settings to vary (optional, one per line)
        <textarea aria-label="Settings to vary" rows={2} value={gridText} onChange={(e) => setGridText(e.target.value)} placeholder="training.optimizer.learningRate = 0.001, 0.0003" />
        {typeof grid === 'string' && <span className="error">{grid}</span>}
      </label>
      <label>
        Seeds <input aria-label="Seeds" value={seedText} onChange={(e) => setSeedText(e.target.value)} placeholder="1-4" />
        {!seeds && <span className="error"> a list like 1-4 or 1, 2, 5 (each seed once)</span>}
      </label>
      <label>
        Episodes per run <input aria-label="Episodes per run" value={episodes} onChange={(e) => setEpisodes(e.target.value)} placeholder="each graph's own" />
        {!budgetOk && <span className="error"> a whole number of episodes</span>}
      </label>
      <div className="muted">
        {seeds
          ? `${variantCount} variant${variantCount === 1 ? '' : 's'}${gridPoints > 1 ? ` × ${gridPoints} settings` : ''} × ${seeds.length} seed${seeds.length === 1 ? '' : 's'} = ${variantCount * gridPoints * seeds.length} runs`
          : ''}
      </div>
      <button className="primary" disabled={busy || !seeds || !budgetOk || variantCount === 0 || typeof grid === 'string' || !name.trim()} onClick={() => void create()}>
        {busy ? 'Starting…' : 'Start sweep'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function SweepView({ api, id, live }: { api: PlasticityApi; id: string; live: Record<string, SweepProgress> }) {
  const [details, setDetails] = useState<SweepDetails | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => api.invoke('sweeps:details', { id }).then(setDetails, (e: Error) => setError(e.message)), [api, id]);
  const ended = live[`${id}/`]?.state === 'ended';
  useEffect(() => {
    void refresh();
  }, [refresh, ended]);
  const act = async (channel: 'sweeps:start' | 'sweeps:cancel') => {
    setError(null);
    try {
      await api.invoke(channel, { id });
      await refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  if (!details) return <div className="muted">{error ?? 'Loading…'}</div>;
  const groups = [...new Set(details.jobs.map((j) => j.group))];
  const running = details.summary.running && !ended;
  const unfinished = details.jobs.some((j) => j.state !== 'finished');
  const jobsTable = (
    <table className="sweep-jobs">
      <tbody>
        {details.jobs.map((job) => {
          const p = live[`${id}/${job.id}`];
          const state = p?.state ?? job.state;
          const done = p?.episodes ? p.episode / p.episodes : job.episodes ? job.episodesDone / job.episodes : 0;
          return (
            <tr key={job.id} data-job={job.id} data-state={state}>
              <td>{job.group}</td>
              <td>seed {job.seed}</td>
              <td className="sweep-job-progress">
                <div className="progress-bar" role="progressbar" aria-valuenow={Math.round(done * 100)}>
                  <div style={{ width: `${Math.round(done * 100)}%` }} />
                </div>
              </td>
              <td>
                {state}
                {(p?.error ?? job.error) && <span className="error"> {p?.error ?? job.error}</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
  return (
    <div className="sweep-view" data-testid="sweep-view">
      <h3>{details.summary.name}</h3>
      <div className="muted">
        {details.summary.finished} of {details.summary.jobs} runs finished · <code>{details.folder}</code>
      </div>
      <div className="sweep-actions">
        {running && <button onClick={() => void act('sweeps:cancel')}>Stop (checkpoints are kept)</button>}
        {!running && unfinished && <button onClick={() => void act('sweeps:start')}>Continue unfinished runs</button>}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {unfinished && jobsTable}
      {details.final.length > 0 && (
        <>
          <h4>Final values: median [25%, 75%] over seeds, and a rank-sum test between variants</h4>
          <table className="sweep-final" data-testid="sweep-final">
            <thead>
              <tr>
                <th>measure</th>
                {groups.map((g) => (
                  <th key={g}>{g}</th>
                ))}
                <th>p (Mann–Whitney U)</th>
              </tr>
            </thead>
            <tbody>
              {details.final.map((f) => (
                <tr key={f.measure}>
                  <td>{f.measure}</td>
                  {groups.map((g) => (
                    <td key={g}>{formatSpread(f.metric, f.groups[g])}</td>
                  ))}
                  <td>{f.comparisons.length ? f.comparisons.map((c) => `${groups.length > 2 ? `${c.a} vs ${c.b}: ` : ''}${formatPValue(c.p)}`).join('; ') : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <div className="sweep-charts">
        {details.charts.map((c) => (
          <div key={c.file} className="sweep-chart" data-chart={c.file} dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(c.svg, { USE_PROFILES: { svg: true } }) }} />
        ))}
      </div>
      {!unfinished && (
        <details className="sweep-jobs-details">
          <summary>Runs ({details.jobs.length})</summary>
          {jobsTable}
        </details>
      )}
    </div>
  );
}

export function SweepsDialog({ api, document, onClose }: { api: PlasticityApi; document: GraphDocument; onClose(): void }) {
  const [sweeps, setSweeps] = useState<SweepSummary[]>([]);
  const [selected, setSelected] = useState<string | 'new' | null>(null);
  const [live, setLive] = useState<Record<string, SweepProgress>>({});
  const refresh = useCallback(() => api.invoke('sweeps:list', {}).then((r) => setSweeps(r.sweeps), () => undefined), [api]);
  useEffect(() => {
    void refresh();
    return api.on('sweeps:progress', (p) => {
      setLive((all) => ({ ...all, [`${p.id}/${p.job}`]: p }));
      if (p.job === '' || p.state !== 'running') void refresh();
    });
  }, [api, refresh]);
  const current = useMemo(() => selected ?? (sweeps.length ? sweeps[0].id : 'new'), [selected, sweeps]);

  return (
    <Modal title="Sweeps" onClose={onClose} wide>
      <div className="sweeps" data-testid="sweeps">
        <nav className="sweeps-list">
          <button className={current === 'new' ? 'selected' : ''} onClick={() => setSelected('new')}>
            + New sweep
          </button>
          {sweeps.map((s) => (
            <button key={s.id} className={current === s.id ? 'selected' : ''} data-sweep={s.id} onClick={() => setSelected(s.id)}>
              {s.name}
              <span className="muted">
                {' '}
                {s.finished}/{s.jobs}
                {s.running ? ' · running' : ''}
                {s.failed ? ` · ${s.failed} failed` : ''}
              </span>
            </button>
          ))}
        </nav>
        <section className="sweeps-main">
          {current === 'new' ? (
            <NewSweepForm
              api={api}
              document={document}
              onCreated={(s) => {
                void refresh();
                setSelected(s.id);
              }}
            />
          ) : (
            <SweepView key={current} api={api} id={current} live={live} />
          )}
        </section>
      </div>
    </Modal>
  );
}
