// The start screen and File → New from Template: every template with its description and the result it
// should reach, plus a blank graph, recent files and any unsaved work left by a crash.
import { expectedWithin } from '../expected-within.ts';
import { useEffect, useState } from 'react';
import type { AutosaveRecord, PlasticityApi, RecentFile, TemplateSummary } from '../../shared/channels.ts';
import { Modal } from './Modal.tsx';

export interface GalleryProps {
  api: PlasticityApi;
  recovered: readonly AutosaveRecord[];
  onTemplate(template: TemplateSummary): void;
  onBlank(): void;
  onOpenFile(): void;
  onOpenRecent(path: string): void;
  onRecover(record: AutosaveRecord): void;
  onDismissRecovery(record: AutosaveRecord): void;
  onClose(): void;
}

/**
 * What a template is expected to do, in words: "signError falls below 0.01 within 2,000 episodes", or, for a
 * baseline that should not learn, "signError stays above 0.01". Errors and losses are better low; others high.
 */
export function describeExpected(t: Pick<TemplateSummary, 'expected'>): string | null {
  const e = t.expected;
  if (!e) return null;
  const lowerIsBetter = /error|loss/i.test(e.metric);
  const within = expectedWithin(e) && ` ${expectedWithin(e)}`;
  if (e.below !== undefined) return lowerIsBetter ? `${e.metric} falls below ${e.below}${within}` : `${e.metric} stays below ${e.below} (${e.withinEpisodes ? `after ${e.withinEpisodes.toLocaleString('en')} episodes` : 'it should not learn the task'})`;
  if (e.above !== undefined) return lowerIsBetter ? `${e.metric} stays above ${e.above}: it should not learn the task${within ? ` (${within.trim()})` : ''}` : `${e.metric} rises above ${e.above}${within}`;
  return null;
}

export function TemplateGallery(props: GalleryProps) {
  const { api } = props;
  const [templates, setTemplates] = useState<TemplateSummary[] | null>(null);
  const [recent, setRecent] = useState<RecentFile[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.invoke('templates:list', {}).then((r) => setTemplates(r.templates), (e: Error) => setError(e.message));
    api.invoke('recent:list', {}).then((r) => setRecent(r.files), () => setRecent([]));
  }, [api]);
  return (
    <Modal title="Start" onClose={props.onClose} wide>
      {props.recovered.length > 0 && (
        <section className="recovery" data-testid="recovery">
          <h3>Recover unsaved work</h3>
          {props.recovered.map((r) => (
            <div key={r.sessionId} className="recovery-item">
              <span>
                <b>{r.name}</b> {r.filePath && <span className="muted">({r.filePath})</span>} — autosaved {new Date(r.savedAt).toLocaleString()}
              </span>
              <button className="primary" onClick={() => props.onRecover(r)}>
                Recover
              </button>
              <button onClick={() => props.onDismissRecovery(r)}>Discard</button>
            </div>
          ))}
        </section>
      )}
      <h3>Templates from the paper</h3>
      {error && <p className="error">Could not list the templates: {error}</p>}
      {!templates && !error && <p className="muted">Loading templates…</p>}
      <div className="gallery" data-testid="template-gallery">
        {templates?.map((t) => (
          <button key={t.id} className="template-card" onClick={() => props.onTemplate(t)} data-template={t.id}>
            <span className="template-name">{t.name}</span>
            <span className="template-desc">{t.description}</span>
            {describeExpected(t) && (
              <span className="template-expected">
                Expected: <b>{describeExpected(t)}</b>
                {t.expected?.source && <span className="muted"> — {t.expected.source}</span>}
              </span>
            )}
            <span className="muted">
              {t.nodeCount} nodes{t.episodes ? ` · ${t.episodes.toLocaleString('en')} episodes` : ''}
            </span>
          </button>
        ))}
        {templates?.length === 0 && <p className="muted">No templates were found.</p>}
      </div>
      <div className="modal-actions start-actions">
        <button onClick={props.onBlank}>Blank graph</button>
        <button onClick={props.onOpenFile}>Open a file…</button>
      </div>
      {recent.length > 0 && (
        <>
          <h3>Recent files</h3>
          <ul className="recent">
            {recent.map((f) => (
              <li key={f.path}>
                <button className="link" onClick={() => props.onOpenRecent(f.path)} title={f.path}>
                  {f.name}
                </button>{' '}
                <span className="muted">{f.path}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Modal>
  );
}
