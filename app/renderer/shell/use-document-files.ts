// Documents on disk: new, open (a graph, or a trained model read-only), save, save as, export a copy, open a
// template, and the question before unsaved work is replaced. Every failure reaches the user as a notice.
import { useCallback, useMemo, useState } from 'react';
import { createGraphDocument, graphDocumentFromJson, type GraphDocument } from '../../../core/graph/index.ts';
import type { AppInfo, PlasticityApi, RecentFile, TemplateSummary, TrainedModelInfo } from '../../shared/channels.ts';
import { opensAsBundle } from '../../shared/file-kinds.ts';
import { isDirty } from '../editor/editor-state.ts';
import type { Editor } from '../editor/use-editor.ts';
import type { Dialogs } from './use-dialogs.ts';
import type { Notify } from './use-notices.tsx';
import { FIT_GRAPH, type RequestFit } from '../canvas/fit-request.ts';

export function checkedDocument(raw: unknown, what: string): GraphDocument {
  const parsed = graphDocumentFromJson(raw, what);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  return parsed.document;
}

export const fileSafe = (name: string) => name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'graph';

interface Options {
  api: PlasticityApi;
  info: AppInfo | null;
  editor: Editor;
  dialogs: Dialogs;
  notify: Notify;
  fail(error: unknown): void;
  sessionId: string;
  /** After a document is loaded, the editor is shown. */
  showEditor(): void;
  /** ... and the view fitted to it. */
  requestFit: RequestFit;
}

export function useDocumentFiles({ api, info, editor, dialogs, notify, fail, sessionId, showEditor, requestFit }: Options) {
  const [recent, setRecent] = useState<RecentFile[]>([]);
  const refreshRecent = useCallback(() => api.invoke('recent:list', {}).then((r) => setRecent(r.files), fail), [api, fail]);

  const pickPath = useCallback(
    async (mode: 'open' | 'save', suggestedName?: string): Promise<string | null> => {
      if (!info?.nativeDialogs) return dialogs.askPath({ mode, suggestedName });
      const answer = mode === 'open' ? await api.invoke('dialog:openGraph', {}) : await api.invoke('dialog:saveGraph', { suggestedName: suggestedName ?? 'graph' });
      return answer.path;
    },
    [api, info, dialogs],
  );

  const writeTo = useCallback(
    async (path: string, options: { copy?: boolean } = {}) => {
      const document = editor.current().history.present;
      const saved = await api.invoke('graph:save', { path, document });
      if (!options.copy) {
        editor.dispatch({ type: 'saved', filePath: saved.path, document });
        await api.invoke('autosave:clear', { sessionId });
      }
      notify(`${options.copy ? 'Exported a copy to' : 'Saved'} ${saved.path}`);
      void refreshRecent();
      return true;
    },
    [api, editor, notify, sessionId, refreshRecent],
  );

  const saveAs = useCallback(async (): Promise<boolean> => {
    if (editor.refuseReadOnly()) return false;
    const path = await pickPath('save', `${fileSafe(editor.current().history.present.meta.name)}.plastic.json`);
    if (!path) return false;
    return writeTo(path).catch((e) => (fail(e), false));
  }, [editor, pickPath, writeTo, fail]);

  const save = useCallback(async (): Promise<boolean> => {
    if (editor.refuseReadOnly()) return false;
    const path = editor.current().filePath;
    if (!path) return saveAs();
    return writeTo(path).catch((e) => (fail(e), false));
  }, [editor, saveAs, writeTo, fail]);

  const exportCopy = useCallback(async () => {
    const path = await pickPath('save', `${fileSafe(editor.current().history.present.meta.name)}-copy.plastic.json`);
    if (path) await writeTo(path, { copy: true }).catch(fail);
  }, [editor, pickPath, writeTo, fail]);

  /** Asks before unsaved work is replaced; true when it is fine to go on. */
  const confirmDiscard = useCallback(async (): Promise<boolean> => {
    if (!isDirty(editor.current())) return true;
    const choice = await dialogs.askDiscard();
    if (choice === 'cancel') return false;
    if (choice === 'save') return save();
    await api.invoke('autosave:clear', { sessionId }).catch(fail);
    return true;
  }, [api, editor, dialogs, save, sessionId, fail]);

  const load = useCallback(
    (document: GraphDocument, filePath: string | null, label: string, unsaved = false, trained?: TrainedModelInfo) => {
      editor.dispatch({ type: 'load', document, filePath, label, unsaved, trained });
      showEditor();
      requestFit(FIT_GRAPH);
    },
    [editor, requestFit, showEditor],
  );

  const openPath = useCallback(
    async (path: string) => {
      try {
        if (opensAsBundle(path)) {
          const opened = await api.invoke('bundle:open', { path });
          load(checkedDocument(opened.document, path), null, 'Open trained model', false, opened.model);
        } else {
          const opened = await api.invoke('graph:open', { path });
          load(checkedDocument(opened.document, path), opened.path, 'Open');
        }
        dialogs.close();
        void refreshRecent();
      } catch (error) {
        fail(error);
      }
    },
    [api, load, dialogs, fail, refreshRecent],
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

  const newGraph = useCallback(async () => {
    if (!(await confirmDiscard())) return false;
    load(createGraphDocument('Untitled'), null, 'New graph');
    return true;
  }, [confirmDiscard, load]);

  const openTemplate = useCallback(
    async (template: TemplateSummary) => {
      if (!(await confirmDiscard())) return;
      try {
        const { document } = await api.invoke('templates:open', { id: template.id });
        load(checkedDocument(document, template.name), null, `New from template ${template.name}`);
        dialogs.close();
      } catch (error) {
        fail(error);
      }
    },
    [api, confirmDiscard, load, dialogs, fail],
  );

  return useMemo(
    () => ({ recent, refreshRecent, save, saveAs, exportCopy, confirmDiscard, load, open, openPath, openAfterConfirm, newGraph, openTemplate }),
    [recent, refreshRecent, save, saveAs, exportCopy, confirmDiscard, load, open, openPath, openAfterConfirm, newGraph, openTemplate],
  );
}

export type DocumentFiles = ReturnType<typeof useDocumentFiles>;
