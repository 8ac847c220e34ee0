// The app shell: the open document with its history, files (open, save, autosave, recovery), trained models
// (export a run as a bundle, open a bundle read-only), the menu commands and shortcuts, and the two views
// (editor and training dashboard).
import { useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import {
  addNode,
  copyNodes,
  createGraphDocument,
  disconnect,
  duplicateNodes,
  graphDocumentFromJson,
  moveNodes,
  pasteNodes,
  removeNodes,
  validateGraph,
  type GraphDocument,
  type GraphFragment,
  type Problem,
} from '../../core/graph/index.ts';
import { getNodeKind } from '../../core/nodes/index.ts';
import type { AppInfo, AutosaveRecord, MenuCommand, PlasticityApi, RecentFile, RunSummary, TemplateSummary, TrainedModelInfo } from '../shared/channels.ts';
import { isZipPath, opensAsBundle } from '../shared/file-kinds.ts';
import { commandForKey } from '../shared/menu.ts';
import { GraphCanvas } from './canvas/GraphCanvas.tsx';
import { canExport, Dashboard } from './dashboard/Dashboard.tsx';
import { useTraining } from './dashboard/use-training.ts';
import { ConfirmDiscard, type DiscardChoice } from './dialogs/ConfirmDiscard.tsx';
import { FileDialog, type FileDialogMode } from './dialogs/FileDialog.tsx';
import { Modal } from './dialogs/Modal.tsx';
import { TemplateGallery } from './dialogs/TemplateGallery.tsx';
import { layeredPositions } from './editor/auto-layout.ts';
import { type DocumentEdit, documentTitle, editorReducer, initialEditorState, isDirty, isReadOnly } from './editor/editor-state.ts';
import { undoLabel, redoLabel } from './editor/history.ts';
import { MenuBar } from './MenuBar.tsx';
import { Inspector } from './panels/Inspector.tsx';
import { Palette } from './panels/Palette.tsx';
import { ProblemsPanel } from './panels/ProblemsPanel.tsx';
import { READ_ONLY_MESSAGE, ReadOnlyBanner } from './panels/ReadOnlyBanner.tsx';

const AUTOSAVE_DELAY_MS = 1500;
const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

type Dialog =
  | { kind: 'gallery' }
  | { kind: 'file'; mode: FileDialogMode; suggestedName?: string; title?: string; startDir?: string; resolve(path: string | null): void }
  | { kind: 'discard'; resolve(choice: DiscardChoice): void }
  | { kind: 'about' }
  | null;

interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'warning' | 'error';
}

/** Editing commands: refused while a trained model is open. */
const EDITING_COMMANDS: ReadonlySet<MenuCommand> = new Set(['undo', 'redo', 'cut', 'paste', 'duplicate', 'delete', 'autoLayout']);
const ENDED_RUN = new Set(['finished', 'stopped', 'failed']);

function fileSafe(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'graph';
}

function sessionIdForTab(): string {
  const existing = sessionStorage.getItem('plasticity-session');
  if (existing) return existing;
  const id = (crypto.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`).replace(/[^\w-]/g, '');
  sessionStorage.setItem('plasticity-session', id);
  return id;
}

function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return Boolean(el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)));
}

function checked(raw: unknown, what: string): GraphDocument {
  const parsed = graphDocumentFromJson(raw, what);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  return parsed.document;
}

export function App({ api }: { api: PlasticityApi }) {
  const flow = useReactFlow();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [state, dispatch] = useReducer(editorReducer, createGraphDocument('Untitled'), initialEditorState);
  const doc = state.history.present;
  const dirty = isDirty(state);
  const validation = useMemo(() => validateGraph(doc), [doc]);
  const errorCount = validation.problems.filter((p) => p.severity === 'error').length;
  const [view, setView] = useState<'editor' | 'training'>('editor');
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notices, setNotices] = useState<Notice[]>([]);
  const [recovered, setRecovered] = useState<AutosaveRecord[]>([]);
  const [recent, setRecent] = useState<RecentFile[]>([]);
  const [shownRunId, setShownRunId] = useState<string | null>(null);
  const [smoothing, setSmoothing] = useState<number | null>(null);
  const clipboard = useRef<GraphFragment | null>(null);
  const sessionId = useMemo(sessionIdForTab, []);
  const training = useTraining(api);
  const stateRef = useRef(state);
  stateRef.current = state;
  const trainingRef = useRef(training);
  trainingRef.current = training;
  const shownRunIdRef = useRef(shownRunId);
  shownRunIdRef.current = shownRunId;

  const notify = useCallback((text: string, tone: Notice['tone'] = 'info', ms = tone === 'error' ? 9000 : 5000) => {
    const id = Date.now() + Math.random();
    // The same message again (a refused edit tried twice) replaces the earlier one instead of stacking.
    setNotices((all) => [...all.filter((n) => n.text !== text).slice(-3), { id, text, tone }]);
    setTimeout(() => setNotices((all) => all.filter((n) => n.id !== id)), ms);
  }, []);
  const fail = useCallback((error: unknown) => notify((error as Error).message ?? String(error), 'error'), [notify]);

  /** True (and says why) when the open document is a trained model, which cannot be changed. */
  const refuseReadOnly = useCallback(() => {
    if (!isReadOnly(stateRef.current)) return false;
    notify(READ_ONLY_MESSAGE, 'warning', 4000);
    return true;
  }, [notify]);
  const edit = useCallback(
    (document: DocumentEdit, label: string, select?: readonly string[]) => {
      if (!refuseReadOnly()) dispatch({ type: 'edit', document, label, select });
    },
    [refuseReadOnly],
  );
  const select = useCallback((nodes: readonly string[], edges: readonly string[]) => dispatch({ type: 'select', nodes, edges }), []);

  // ---- files -------------------------------------------------------------------------------------------
  const pickPath = useCallback(
    async (mode: 'open' | 'save', suggestedName?: string): Promise<string | null> => {
      if (info?.nativeDialogs) {
        const answer = mode === 'open' ? await api.invoke('dialog:openGraph', {}) : await api.invoke('dialog:saveGraph', { suggestedName: suggestedName ?? 'graph' });
        return answer.path;
      }
      return new Promise((resolve) => setDialog({ kind: 'file', mode, suggestedName, resolve }));
    },
    [api, info],
  );

  const refreshRecent = useCallback(() => api.invoke('recent:list', {}).then((r) => setRecent(r.files), () => {}), [api]);

  const writeTo = useCallback(
    async (path: string, options: { copy?: boolean } = {}) => {
      const document = stateRef.current.history.present;
      const saved = await api.invoke('graph:save', { path, document });
      if (!options.copy) {
        dispatch({ type: 'saved', filePath: saved.path, document });
        await api.invoke('autosave:clear', { sessionId });
      }
      notify(`${options.copy ? 'Exported a copy to' : 'Saved'} ${saved.path}`);
      void refreshRecent();
      return true;
    },
    [api, notify, sessionId, refreshRecent],
  );

  const saveAs = useCallback(async (): Promise<boolean> => {
    if (refuseReadOnly()) return false;
    const path = await pickPath('save', `${stateRef.current.history.present.meta.name.replace(/[^\w.-]+/g, '-') || 'graph'}.plastic.json`);
    if (!path) return false;
    return writeTo(path).catch((e) => (fail(e), false));
  }, [pickPath, writeTo, fail, refuseReadOnly]);

  const save = useCallback(async (): Promise<boolean> => {
    if (refuseReadOnly()) return false;
    const path = stateRef.current.filePath;
    if (!path) return saveAs();
    return writeTo(path).catch((e) => (fail(e), false));
  }, [saveAs, writeTo, fail, refuseReadOnly]);

  /** Asks before unsaved work is replaced; true when it is fine to go on. */
  const confirmDiscard = useCallback(async (): Promise<boolean> => {
    if (!isDirty(stateRef.current)) return true;
    const choice = await new Promise<DiscardChoice>((resolve) => setDialog({ kind: 'discard', resolve }));
    setDialog(null);
    if (choice === 'cancel') return false;
    if (choice === 'save') return save();
    await api.invoke('autosave:clear', { sessionId }).catch(() => {});
    return true;
  }, [api, save, sessionId]);

  const load = useCallback(
    (document: GraphDocument, filePath: string | null, label: string, unsaved = false, trained?: TrainedModelInfo) => {
      dispatch({ type: 'load', document, filePath, label, unsaved, trained });
      setView('editor');
      setTimeout(() => flow.fitView({ padding: 0.15, maxZoom: 1.2, duration: 200 }), 50);
    },
    [flow],
  );

  const openPath = useCallback(
    async (path: string) => {
      try {
        if (opensAsBundle(path)) {
          const opened = await api.invoke('bundle:open', { path });
          load(checked(opened.document, path), null, 'Open trained model', false, opened.model);
        } else {
          const opened = await api.invoke('graph:open', { path });
          load(checked(opened.document, path), opened.path, 'Open');
        }
        setDialog(null);
        void refreshRecent();
      } catch (error) {
        fail(error);
      }
    },
    [api, load, fail, refreshRecent],
  );

  const openAfterConfirm = useCallback(
    async (path: string) => {
      if (await confirmDiscard()) await openPath(path);
    },
    [confirmDiscard, openPath],
  );

  const open = useCallback(async () => {
    if (!(await confirmDiscard())) return;
    const path = await pickPath('open');
    if (path) await openPath(path);
  }, [confirmDiscard, pickPath, openPath]);

  /** Writes a run's trained model as a bundle where the user says: a .zip, or a folder for any other name. */
  const exportRun = useCallback(
    async (run: RunSummary) => {
      const suggestedName = `${fileSafe(run.runId)}-model.zip`;
      const title = `Export the model trained by ${run.name} (episode ${run.episodesDone ?? 0})`;
      const path = info?.nativeDialogs
        ? (await api.invoke('dialog:exportModel', { suggestedName, title }).catch((e) => (fail(e), { path: null }))).path
        : await new Promise<string | null>((resolve) => setDialog({ kind: 'file', mode: 'export', suggestedName, title, startDir: info?.documentsDir, resolve }));
      if (!path) return;
      try {
        const result = await api.invoke('run:export', { runId: run.runId, path, zip: isZipPath(path) });
        notify(`Exported the model of ${run.name} (episode ${result.episodesDone}) to ${result.path}`);
        for (const warning of result.warnings) notify(`Note: ${warning}`, 'warning', 12000);
      } catch (error) {
        fail(error);
      }
    },
    [api, info, notify, fail],
  );

  const makeCopy = useCallback(() => {
    dispatch({ type: 'makeCopy' });
    notify('This copy is an ordinary graph: edit it, train it, save it. The trained model is unchanged.');
  }, [notify]);

  const openTemplate = useCallback(
    async (template: TemplateSummary) => {
      if (!(await confirmDiscard())) return;
      try {
        const { document } = await api.invoke('templates:open', { id: template.id });
        load(checked(document, template.name), null, `New from template ${template.name}`);
        setDialog(null);
      } catch (error) {
        fail(error);
      }
    },
    [api, confirmDiscard, load, fail],
  );

  // ---- commands ----------------------------------------------------------------------------------------
  const runCommand = useCallback(
    async (command: MenuCommand) => {
      const s = stateRef.current;
      const d = s.history.present;
      const inField = isEditable(document.activeElement);
      // In a text field the editing commands act on the text, as everywhere else.
      if (inField && ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'delete'].includes(command)) {
        const native = { undo: 'undo', redo: 'redo', cut: 'cut', copy: 'copy', paste: 'paste', selectAll: 'selectAll', delete: 'delete' }[command as 'undo'];
        document.execCommand(native);
        return;
      }
      if (EDITING_COMMANDS.has(command) && refuseReadOnly()) return;
      switch (command) {
        case 'new':
          if (await confirmDiscard()) load(createGraphDocument('Untitled'), null, 'New graph');
          return;
        case 'newFromTemplate':
          setDialog({ kind: 'gallery' });
          return;
        case 'open':
          return open();
        case 'save':
          await save();
          return;
        case 'saveAs':
          await saveAs();
          return;
        case 'export': {
          const path = await pickPath('save', `${d.meta.name.replace(/[^\w.-]+/g, '-') || 'graph'}-copy.plastic.json`);
          if (path) await writeTo(path, { copy: true }).catch(fail);
          return;
        }
        case 'exportModel': {
          // The run the dashboard shows; choosing another is one click in its run history.
          const runs = trainingRef.current.runs;
          const shown = runs.find((r) => r.runId === shownRunIdRef.current) ?? runs.find((r) => r.live);
          if (shown && canExport(shown)) return exportRun(shown);
          setView('training');
          notify(
            shown && !ENDED_RUN.has(shown.status)
              ? `The run ${shown.name} is still ${shown.status}: export it when it has finished or been stopped.`
              : 'Pick a finished run in the run history and choose “Export model…”.',
          );
          return;
        }
        case 'undo':
          if (undoLabel(s.history)) notify(`Undid: ${undoLabel(s.history)}`, 'info', 2500);
          dispatch({ type: 'undo' });
          return;
        case 'redo':
          if (redoLabel(s.history)) notify(`Redid: ${redoLabel(s.history)}`, 'info', 2500);
          dispatch({ type: 'redo' });
          return;
        case 'copy':
        case 'cut':
          if (!s.selectedNodes.length) return;
          clipboard.current = copyNodes(d, s.selectedNodes);
          if (command === 'cut') edit(removeNodes(d, s.selectedNodes), `Cut ${s.selectedNodes.length} node(s)`);
          return;
        case 'paste': {
          if (!clipboard.current) return;
          const next = pasteNodes(d, clipboard.current);
          edit(next, `Paste ${clipboard.current.nodes.length} node(s)`, next.nodes.slice(d.nodes.length).map((n) => n.id));
          return;
        }
        case 'duplicate': {
          if (!s.selectedNodes.length) return;
          const next = duplicateNodes(d, s.selectedNodes);
          edit(next, `Duplicate ${s.selectedNodes.length} node(s)`, next.nodes.slice(d.nodes.length).map((n) => n.id));
          return;
        }
        case 'delete':
          if (s.selectedNodes.length) edit(removeNodes(d, s.selectedNodes), `Delete ${s.selectedNodes.length} node(s)`);
          else if (s.selectedEdges.length) edit(disconnect(d, s.selectedEdges), `Delete ${s.selectedEdges.length} connection(s)`);
          return;
        case 'selectAll':
          select(d.nodes.map((n) => n.id), []);
          return;
        case 'fitView':
          flow.fitView({ padding: 0.15, maxZoom: 1.2, duration: 200 });
          return;
        case 'autoLayout': {
          const positions = layeredPositions(d);
          edit(moveNodes(d, [...positions].map(([id, position]) => ({ id, position }))), 'Auto-layout');
          setTimeout(() => flow.fitView({ padding: 0.15, maxZoom: 1.2, duration: 200 }), 50);
          return;
        }
        case 'toggleDashboard':
          setView((v) => (v === 'editor' ? 'training' : 'editor'));
          return;
        case 'about':
          setDialog({ kind: 'about' });
          return;
      }
    },
    [confirmDiscard, load, open, save, saveAs, pickPath, writeTo, fail, notify, edit, select, flow, refuseReadOnly, exportRun],
  );

  const addAtCenter = useCallback(
    (kind: string) => {
      const box = document.querySelector('.canvas')?.getBoundingClientRect();
      const center = box ? flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 }) : { x: 0, y: 0 };
      const d = stateRef.current.history.present;
      const next = addNode(d, { kind, position: { x: Math.round(center.x), y: Math.round(center.y) } });
      edit(next, `Add ${getNodeKind(kind)?.title ?? kind}`, [next.nodes.at(-1)!.id]);
    },
    [flow, edit],
  );

  const pickProblem = useCallback(
    (problem: Problem) => {
      if (!problem.nodeId) return;
      setView('editor');
      select([problem.nodeId], []);
      setTimeout(() => flow.fitView({ nodes: [{ id: problem.nodeId! }], padding: 0.6, maxZoom: 1.2, duration: 250 }), 30);
    },
    [flow, select],
  );

  // ---- startup, autosave, title, shortcuts, events -----------------------------------------------------
  useEffect(() => {
    api.invoke('app:info', {}).then(setInfo, fail);
    void refreshRecent();
    api.invoke('autosave:recoverable', { sessionId }).then(
      ({ records }) => {
        const own = records.find((r) => r.sessionId === sessionId);
        if (own) {
          // This tab was reloaded: carry on where it was, unsaved as it was.
          load(checked(own.document, own.name), own.filePath, 'Restore', true);
          notify('Restored your unsaved work.');
          setRecovered(records.filter((r) => r !== own));
        } else {
          setRecovered(records);
          setDialog({ kind: 'gallery' });
        }
      },
      () => setDialog({ kind: 'gallery' }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api]);

  useEffect(() => {
    if (!dirty) return;
    const timer = setTimeout(() => {
      api.invoke('autosave:write', { sessionId, filePath: state.filePath, document: doc }).catch(() => notify('Autosave failed: your changes are not backed up.', 'error'));
    }, AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [api, doc, dirty, sessionId, state.filePath, notify]);

  const title = documentTitle(state);
  useEffect(() => {
    document.title = `${dirty ? '● ' : ''}${title} — Plasticity Studio`;
    if (api.transport === 'electron') void api.invoke('window:setDocumentState', { name: title, filePath: state.filePath, dirty }).catch(() => {});
  }, [api, title, dirty, state.filePath]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (!isDirty(stateRef.current)) return;
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  useEffect(() => {
    // In Electron the native menu owns the shortcuts and sends the commands.
    if (api.transport === 'electron') return;
    const onKey = (e: KeyboardEvent) => {
      if (dialog) return;
      const command = commandForKey(e, isMac);
      if (!command) return;
      if (isEditable(e.target) && ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'delete'].includes(command)) return;
      if (command === 'fitView' && isEditable(e.target)) return;
      e.preventDefault();
      void runCommand(command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [api, runCommand, dialog]);

  useEffect(
    () =>
      api.on('menu:command', ({ command, path }) => {
        if (path) void openAfterConfirm(path);
        else void runCommand(command);
      }),
    [api, runCommand, openAfterConfirm],
  );

  // ---- view ----------------------------------------------------------------------------------------------
  return (
    <div className="app">
      <header className="topbar">
        <span className="logo">Plasticity Studio</span>
        {api.transport === 'browser' && (
          <MenuBar onCommand={runCommand} recent={recent} onMenuOpen={refreshRecent} isMac={isMac} onOpenRecent={(p) => void openAfterConfirm(p)} />
        )}
        <span className="doc-title" data-testid="doc-title" title={state.filePath ?? 'Not saved yet'}>
          {title}
          {dirty && <span className="dirty" title="Unsaved changes" data-testid="dirty-marker"> ●</span>}
        </span>
        <span className="toolbar">
          <button onClick={() => runCommand('undo')} disabled={!undoLabel(state.history)} title={undoLabel(state.history) ? `Undo ${undoLabel(state.history)}` : 'Nothing to undo'} data-testid="undo">
            ↶ Undo
          </button>
          <button onClick={() => runCommand('redo')} disabled={!redoLabel(state.history)} title={redoLabel(state.history) ? `Redo ${redoLabel(state.history)}` : 'Nothing to redo'} data-testid="redo">
            ↷ Redo
          </button>
          <button onClick={() => runCommand('autoLayout')} title="Auto-layout" disabled={state.trained !== null}>⇶ Layout</button>
          <button onClick={() => runCommand('save')} title={state.trained ? READ_ONLY_MESSAGE : 'Save'} data-testid="save" disabled={state.trained !== null}>Save</button>
        </span>
        <span className="tabs" role="tablist">
          <button role="tab" aria-selected={view === 'editor'} className={view === 'editor' ? 'active' : ''} onClick={() => setView('editor')}>
            Editor
          </button>
          <button role="tab" aria-selected={view === 'training'} className={view === 'training' ? 'active' : ''} onClick={() => setView('training')} data-testid="tab-training">
            Training{training.runs.some((r) => r.status === 'running') ? ' ●' : ''}
          </button>
        </span>
      </header>

      <main className={`workspace${view === 'editor' ? '' : ' hidden'}`} aria-hidden={view !== 'editor'}>
        <Palette onAdd={addAtCenter} disabled={state.trained !== null} />
        <div className={`center${state.trained ? ' center-read-only' : ''}`}>
          {state.trained && <ReadOnlyBanner model={state.trained} onMakeCopy={makeCopy} />}
          <GraphCanvas
            document={doc}
            validation={validation}
            selectedNodes={state.selectedNodes}
            selectedEdges={state.selectedEdges}
            onEdit={edit}
            onSelect={select}
            onNotice={(m) => notify(m, state.trained ? 'warning' : 'error')}
            readOnly={state.trained ? READ_ONLY_MESSAGE : null}
          />
          <ProblemsPanel problems={validation.problems} onPick={pickProblem} />
        </div>
        <Inspector document={doc} validation={validation} selectedNodes={state.selectedNodes} onEdit={edit} onNotice={(m) => notify(m, 'error')} trained={state.trained} />
      </main>
      {view === 'training' && (
        <main className="workspace-training">
          <Dashboard
            api={api}
            document={doc}
            errorCount={errorCount}
            training={training}
            shownRunId={shownRunId}
            onShowRun={setShownRunId}
            onNotice={(m) => notify(m, 'error')}
            onExport={(run) => void exportRun(run)}
            smoothing={smoothing}
            onSmoothing={setSmoothing}
          />
        </main>
      )}

      <div className={`notices${state.trained && view === 'editor' ? ' notices-below-banner' : ''}`} aria-live="polite">
        {notices.map((n) => (
          <div key={n.id} className={`notice notice-${n.tone}`} data-testid="notice">
            {n.text}
          </div>
        ))}
      </div>

      {dialog?.kind === 'gallery' && (
        <TemplateGallery
          api={api}
          recovered={recovered}
          onTemplate={openTemplate}
          onBlank={async () => {
            if (await confirmDiscard()) {
              load(createGraphDocument('Untitled'), null, 'New graph');
              setDialog(null);
            }
          }}
          onOpenFile={() => {
            setDialog(null);
            void open();
          }}
          onOpenRecent={(p) => void openAfterConfirm(p)}
          onRecover={(record) => {
            load(checked(record.document, record.name), record.filePath, 'Recover', true);
            // The recovered work is now this session's: autosaved under its id, the old record removed.
            void api.invoke('autosave:write', { sessionId, filePath: record.filePath, document: record.document }).then(() => api.invoke('autosave:clear', { sessionId: record.sessionId }));
            setRecovered((all) => all.filter((r) => r !== record));
            setDialog(null);
          }}
          onDismissRecovery={(record) => {
            void api.invoke('autosave:clear', { sessionId: record.sessionId });
            setRecovered((all) => all.filter((r) => r !== record));
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'file' && (
        <FileDialog
          api={api}
          mode={dialog.mode}
          startDir={dialog.startDir ?? (state.filePath ? state.filePath.replace(/[\\/][^\\/]*$/, '') : info?.documentsDir ?? '.')}
          suggestedName={dialog.suggestedName}
          title={dialog.title}
          onPick={(path) => {
            dialog.resolve(path);
            setDialog(null);
          }}
          onClose={() => {
            dialog.resolve(null);
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'discard' && <ConfirmDiscard name={title} onChoose={dialog.resolve} />}
      {dialog?.kind === 'about' && (
        <Modal title="About Plasticity Studio" onClose={() => setDialog(null)}>
          <p>
            Plasticity Studio {info?.version} ({info?.mode} mode). Build, train and watch plastic neural networks: differentiable plasticity (Miconi, Clune &amp; Stanley, ICML 2018).
          </p>
          <p className="muted">Runs are written to {info?.runsDir}.</p>
        </Modal>
      )}
    </div>
  );
}
