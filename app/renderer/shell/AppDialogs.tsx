// The modal dialogs of the shell: the template gallery (with recovered work), the browser mode's file
// dialog, the unsaved-work question and About.
import { useState } from 'react';
import type { AppInfo, AutosaveRecord, PlasticityApi, TemplateSummary } from '../../shared/channels.ts';
import { ConfirmDiscard } from '../dialogs/ConfirmDiscard.tsx';
import { FileDialog } from '../dialogs/FileDialog.tsx';
import { DocumentViewer } from '../dialogs/DocumentViewer.tsx';
import { DatasetsDialog } from '../dialogs/DatasetsDialog.tsx';
import { SweepsDialog } from '../dialogs/SweepsDialog.tsx';
import { InspectorDialog } from '../dialogs/InspectorDialog.tsx';
import type { GraphDocument } from '../../../core/graph/document.ts';
import { Modal } from '../dialogs/Modal.tsx';
import { TemplateGallery } from '../dialogs/TemplateGallery.tsx';
import type { Dialogs } from './use-dialogs.ts';
import type { DocumentFiles } from './use-document-files.ts';
import { isMac } from './use-app-commands.ts';
import { shortcutList } from '../../shared/menu.ts';

interface Props {
  api: PlasticityApi;
  info: AppInfo | null;
  dialogs: Dialogs;
  files: DocumentFiles;
  /** The open document's file, where the file dialog starts. */
  filePath: string | null;
  title: string;
  /** The open graph: the Sweeps view offers it as a variant. */
  document: GraphDocument;
  recovered: AutosaveRecord[];
  onRecover(record: AutosaveRecord): void;
  onDismissRecovery(record: AutosaveRecord): void;
  /** A dataset was installed or the data folder changed: dataset problems need checking again. */
  onDatasetsChanged(): void;
}

export function AppDialogs({ api, info, dialogs, files, filePath, title, document, recovered, onRecover, onDismissRecovery, onDatasetsChanged }: Props) {
  const { dialog, close } = dialogs;
  if (dialog?.kind === 'gallery') {
    return (
      <TemplateGallery
        api={api}
        recovered={recovered}
        onTemplate={(template: TemplateSummary) => void files.openTemplate(template)}
        onBlank={async () => {
          if (await files.newGraph()) close();
        }}
        onOpenFile={() => {
          close();
          void files.open();
        }}
        onOpenRecent={(p) => void files.openAfterConfirm(p)}
        onRecover={onRecover}
        onDismissRecovery={onDismissRecovery}
        onClose={close}
      />
    );
  }
  if (dialog?.kind === 'file') {
    const answer = (path: string | null) => {
      dialog.resolve(path);
      close();
    };
    return (
      <FileDialog
        api={api}
        mode={dialog.mode}
        startDir={dialog.startDir ?? (filePath ? filePath.replace(/[\\/][^\\/]*$/, '') : info?.documentsDir ?? '.')}
        suggestedName={dialog.suggestedName}
        title={dialog.title}
        onPick={answer}
        onClose={() => answer(null)}
      />
    );
  }
  if (dialog?.kind === 'discard') return <ConfirmDiscard name={title} onChoose={dialog.resolve} />;
  if (dialog?.kind === 'shortcuts') return <ShortcutsDialog onClose={close} />;
  if (dialog?.kind === 'datasets') return <DatasetsDialog api={api} nativeDialogs={Boolean(info?.nativeDialogs)} onClose={close} onChanged={onDatasetsChanged} />;
  if (dialog?.kind === 'inspector') return <InspectorDialog api={api} source={dialog.source} name={dialog.name} onClose={close} />;
  if (dialog?.kind === 'sweeps') return <SweepsDialog api={api} document={document} onClose={close} />;
  if (dialog?.kind === 'report') return <ReportProblemDialog info={info} onClose={close} />;
  if (dialog?.kind === 'document') return <DocumentViewer api={api} name={dialog.name} onClose={close} />;
  if (dialog?.kind === 'about') {
    return (
      <Modal title="About Plasticity Studio" onClose={close}>
        <p>
          Plasticity Studio {info?.version} ({info?.mode} mode). Build, train and watch plastic neural networks: differentiable plasticity (Miconi, Clune &amp; Stanley, ICML 2018).
        </p>
        <p className="muted">Runs are written to {info?.runsDir}.</p>
      </Modal>
    );
  }
  return null;
}

/** Help → Keyboard Shortcuts: every menu shortcut, and what the mouse does on the canvas. */
function ShortcutsDialog({ onClose }: { onClose(): void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      <table className="shortcuts" data-testid="shortcuts">
        <tbody>
          {shortcutList(isMac).flatMap((group) => [
            <tr key={group.menu}>
              <th colSpan={2}>{group.menu}</th>
            </tr>,
            ...group.items.map((item) => (
              <tr key={`${group.menu}-${item.label}`}>
                <td>{item.label}</td>
                <td>{item.keys.map((k) => <kbd key={k}>{k}</kbd>)}</td>
              </tr>
            )),
          ])}
          <tr>
            <th colSpan={2}>Canvas</th>
          </tr>
          <tr>
            <td>Add a node where you point</td>
            <td>double-click the empty canvas, or drag from the palette</td>
          </tr>
          <tr>
            <td>Connect two ports</td>
            <td>drag from an output to an input (or back); a refused connection says why</td>
          </tr>
          <tr>
            <td>Select several nodes</td>
            <td>
              <kbd>{isMac ? '⌘' : 'Ctrl'}</kbd> or <kbd>Shift</kbd> + click, or drag a box with <kbd>Shift</kbd>
            </td>
          </tr>
        </tbody>
      </table>
    </Modal>
  );
}

/** Help → Report a Problem: what a useful report holds, and this installation's versions, ready to copy. */
function ReportProblemDialog({ info, onClose }: { info: AppInfo | null; onClose(): void }) {
  const details = [`Plasticity Studio ${info?.version ?? '?'} (${info?.mode ?? '?'} mode)`, `Platform: ${navigator.userAgent}`, `Runs folder: ${info?.runsDir ?? '?'}`].join('\n');
  const [copied, setCopied] = useState(false);
  return (
    <Modal title="Report a problem" onClose={onClose}>
      <p>A report we can act on says what you did, what you expected and what happened instead. Please attach:</p>
      <ul>
        <li>the graph (File → Export a Copy…), and for a training problem the run folder's <code>run.json</code> and <code>metrics.jsonl</code>;</li>
        <li>the exact message the app showed, and these details:</li>
      </ul>
      <pre className="report-details" data-testid="report-details">{details}</pre>
      <button
        onClick={() =>
          navigator.clipboard.writeText(details).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? 'Copied' : 'Copy the details'}
      </button>
    </Modal>
  );
}
