// The app shell: the editor and the training dashboard around one open document. Each concern is a hook of
// its own (shell/: notices, dialogs, files, the session, commands, run export; editor/: the document and its
// commands); this component wires them together and lays out the views.
import { useReactFlow } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import { validateGraph, type Problem } from '../../core/graph/index.ts';
import type { PlasticityApi } from '../shared/channels.ts';
import { GraphCanvas } from './canvas/GraphCanvas.tsx';
import { fitNode, useFitRequest } from './canvas/fit-request.ts';
import { Dashboard } from './dashboard/Dashboard.tsx';
import { useTraining } from './dashboard/use-training.ts';
import { editorCommands, READ_ONLY_MESSAGE } from './editor/commands.ts';
import { useDatasetProblems } from './editor/use-dataset-problems.ts';
import { useEditor } from './editor/use-editor.ts';
import { Inspector } from './panels/Inspector.tsx';
import { Palette } from './panels/Palette.tsx';
import { ProblemsPanel } from './panels/ProblemsPanel.tsx';
import { ReadOnlyBanner } from './panels/ReadOnlyBanner.tsx';
import { AppDialogs } from './shell/AppDialogs.tsx';
import { TopBar, type View } from './shell/TopBar.tsx';
import { useAppCommands } from './shell/use-app-commands.ts';
import { useDialogs } from './shell/use-dialogs.ts';
import { useDocumentFiles } from './shell/use-document-files.ts';
import { Notices, useNotices } from './shell/use-notices.tsx';
import { useRunExport } from './shell/use-run-export.ts';
import { useSession, useSessionIdentity } from './shell/use-session.ts';

export function App({ api }: { api: PlasticityApi }) {
  const flow = useReactFlow();
  const { notices, notify, fail } = useNotices();
  const editor = useEditor(notify);
  const dialogs = useDialogs();
  const training = useTraining(api);
  const [view, setView] = useState<View>('editor');
  const [shownRunId, setShownRunId] = useState<string | null>(null);
  const [smoothing, setSmoothing] = useState<number | null>(null);
  const { sessionId, info } = useSessionIdentity(api, fail);
  const { state } = editor;
  const doc = state.history.present;
  const [datasetsRevision, setDatasetsRevision] = useState(0);
  const validation = useDatasetProblems(api, doc, useMemo(() => validateGraph(doc), [doc]), datasetsRevision);

  const showEditor = useCallback(() => setView('editor'), []);
  const showDashboard = useCallback(() => setView('training'), []);
  const { fitRequest, requestFit } = useFitRequest();
  const files = useDocumentFiles({ api, info, editor, dialogs, notify, fail, sessionId, showEditor, requestFit });
  const session = useSession({ api, sessionId, editor, files, dialogs, notify });

  // Read when a command runs, so the command sees the run shown then, not when it was created.
  const shown = useRef({ runs: training.runs, shownRunId });
  shown.current = { runs: training.runs, shownRunId };
  const shownRun = useCallback(() => shown.current.runs.find((r) => r.runId === shown.current.shownRunId) ?? shown.current.runs.find((r) => r.live), []);
  const { exportRun, exportShownModel } = useRunExport({ api, info, dialogs, notify, fail, shownRun, showDashboard });
  const toggleDashboard = useCallback(() => setView((v) => (v === 'editor' ? 'training' : 'editor')), []);
  const runCommand = useAppCommands({ api, editor, files, dialogs, exportShownModel, toggleDashboard, requestFit });

  const addAtCenter = useCallback(
    (kind: string) => {
      const box = document.querySelector('.canvas')?.getBoundingClientRect();
      const center = box ? flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 }) : { x: 0, y: 0 };
      editor.run(editorCommands.addNode, kind, center);
    },
    [flow, editor],
  );

  const pickProblem = useCallback(
    (problem: Problem) => {
      if (!problem.nodeId) return;
      setView('editor');
      editor.select([problem.nodeId], []);
      requestFit(fitNode(problem.nodeId));
    },
    [requestFit, editor],
  );

  const makeCopy = useCallback(() => {
    editor.dispatch({ type: 'makeCopy' });
    notify('This copy is an ordinary graph that starts from the trained weights: edit it, train it (fine-tuning), save it. The trained model is unchanged.');
  }, [editor, notify]);

  const readOnly = state.trained ? READ_ONLY_MESSAGE : null;
  return (
    <div className="app">
      <TopBar
        api={api}
        state={state}
        title={session.title}
        dirty={session.dirty}
        recent={files.recent}
        view={view}
        training={training.runs.some((r) => r.status === 'running')}
        onView={setView}
        onCommand={(command) => void runCommand(command)}
        onMenuOpen={() => void files.refreshRecent()}
        onOpenRecent={(p) => void files.openAfterConfirm(p)}
      />

      <main className={`workspace${view === 'editor' ? '' : ' hidden'}`} aria-hidden={view !== 'editor'}>
        <Palette onAdd={addAtCenter} disabled={readOnly !== null} />
        <div className={`center${readOnly ? ' center-read-only' : ''}`}>
          {state.trained && <ReadOnlyBanner
              model={state.trained}
              onMakeCopy={makeCopy}
              onInspect={(model) => dialogs.show({ kind: 'inspector', source: { bundle: model.path }, name: `${doc.meta.name} (trained)` })}
            />}
          <GraphCanvas
            document={doc}
            validation={validation}
            selectedNodes={state.selectedNodes}
            selectedEdges={state.selectedEdges}
            run={editor.run}
            onSelect={editor.select}
            onNotice={(m) => notify(m, readOnly ? 'warning' : 'error')}
            readOnly={readOnly}
            fitRequest={fitRequest}
          />
          <ProblemsPanel problems={validation.problems} onPick={pickProblem} />
        </div>
        <Inspector
          document={doc}
          validation={validation}
          selectedNodes={state.selectedNodes}
          onEdit={editor.edit}
          onNotice={(m) => notify(m, 'error')}
          trained={state.trained}
          onMeasureSpeed={(document) => api.invoke('graph:measureSpeed', { document })}
        />
      </main>
      {view === 'training' && (
        <main className="workspace-training">
          <Dashboard
            api={api}
            document={doc}
            errorCount={validation.problems.filter((p) => p.severity === 'error').length}
            training={training}
            shownRunId={shownRunId}
            onShowRun={setShownRunId}
            onNotice={(m) => notify(m, 'error')}
            onExport={(run) => void exportRun(run)}
            onInspect={(run) => dialogs.show({ kind: 'inspector', source: { runId: run.runId }, name: run.name })}
            smoothing={smoothing}
            onSmoothing={setSmoothing}
          />
        </main>
      )}

      <Notices notices={notices} belowBanner={Boolean(state.trained) && view === 'editor'} />
      <AppDialogs
        api={api}
        info={info}
        dialogs={dialogs}
        files={files}
        filePath={state.filePath}
        title={session.title}
        document={doc}
        recovered={session.recovered}
        onRecover={session.recover}
        onDismissRecovery={session.dismissRecovery}
        onDatasetsChanged={() => setDatasetsRevision((r) => r + 1)}
      />
    </div>
  );
}
