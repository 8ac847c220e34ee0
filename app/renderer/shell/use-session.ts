// This tab's session: what the app is (mode, folders), unsaved work autosaved under the session's id and
// offered back after a crash or a reload, the window title, and a warning before unsaved work is closed.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AppInfo, AutosaveRecord, PlasticityApi } from '../../shared/channels.ts';
import { documentTitle, isDirty } from '../editor/editor-state.ts';
import type { Editor } from '../editor/use-editor.ts';
import type { Dialogs } from './use-dialogs.ts';
import { checkedDocument, type DocumentFiles } from './use-document-files.ts';
import type { Notify } from './use-notices.tsx';

const AUTOSAVE_DELAY_MS = 1500;

function sessionIdForTab(): string {
  const existing = sessionStorage.getItem('plasticity-session');
  if (existing) return existing;
  const id = (crypto.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`).replace(/[^\w-]/g, '');
  sessionStorage.setItem('plasticity-session', id);
  return id;
}

/** The session's id (stable across reloads of this tab) and what the app told about itself. */
export function useSessionIdentity(api: PlasticityApi, fail: (error: unknown) => void) {
  const sessionId = useMemo(sessionIdForTab, []);
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    api.invoke('app:info', {}).then(setInfo, fail);
  }, [api, fail]);
  return { sessionId, info };
}

interface Options {
  api: PlasticityApi;
  sessionId: string;
  editor: Editor;
  files: DocumentFiles;
  dialogs: Dialogs;
  notify: Notify;
}

export function useSession({ api, sessionId, editor, files, dialogs, notify }: Options) {
  const [recovered, setRecovered] = useState<AutosaveRecord[]>([]);
  const { state } = editor;
  const doc = state.history.present;
  const dirty = isDirty(state);

  // At startup: carry on after a reload of this tab, else offer other sessions' unsaved work in the gallery.
  useEffect(() => {
    void files.refreshRecent();
    api.invoke('autosave:recoverable', { sessionId }).then(
      ({ records }) => {
        const own = records.find((r) => r.sessionId === sessionId);
        if (own) {
          files.load(checkedDocument(own.document, own.name), own.filePath, 'Restore', true);
          notify('Restored your unsaved work.');
          setRecovered(records.filter((r) => r !== own));
        } else {
          setRecovered(records);
          dialogs.show({ kind: 'gallery' });
        }
      },
      () => dialogs.show({ kind: 'gallery' }),
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
    if (api.transport === 'electron') api.invoke('window:setDocumentState', { name: title, filePath: state.filePath, dirty }).catch(() => notify('Could not update the window title.', 'warning'));
  }, [api, title, dirty, state.filePath, notify]);

  const current = editor.current;
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (!isDirty(current())) return;
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [current]);

  /** Takes another session's unsaved work as this one's: autosaved under this id, the old record removed. */
  const recover = useCallback(
    (record: AutosaveRecord) => {
      files.load(checkedDocument(record.document, record.name), record.filePath, 'Recover', true);
      api
        .invoke('autosave:write', { sessionId, filePath: record.filePath, document: record.document })
        .then(() => api.invoke('autosave:clear', { sessionId: record.sessionId }))
        .catch(() => notify('Could not take over the recovered work’s backup; it is open, and autosaved from your next edit.', 'warning'));
      setRecovered((all) => all.filter((r) => r !== record));
      dialogs.close();
    },
    [api, sessionId, files, dialogs, notify],
  );

  const dismissRecovery = useCallback(
    (record: AutosaveRecord) => {
      api.invoke('autosave:clear', { sessionId: record.sessionId }).catch(() => notify('Could not delete that backup.', 'warning'));
      setRecovered((all) => all.filter((r) => r !== record));
    },
    [api, notify],
  );

  return { title, dirty, recovered, recover, dismissRecovery };
}
