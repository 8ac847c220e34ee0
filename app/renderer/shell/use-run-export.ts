// Exporting a run's trained model as a bundle where the user says: a .zip, or a folder for any other name.
import { useCallback } from 'react';
import type { AppInfo, PlasticityApi, RunSummary } from '../../shared/channels.ts';
import { isZipPath } from '../../shared/file-kinds.ts';
import { canExport } from '../dashboard/Dashboard.tsx';
import type { Dialogs } from './use-dialogs.ts';
import { fileSafe } from './use-document-files.ts';
import type { Notify } from './use-notices.tsx';

const ENDED_RUN = new Set(['finished', 'stopped', 'failed']);

interface Options {
  api: PlasticityApi;
  info: AppInfo | null;
  dialogs: Dialogs;
  notify: Notify;
  fail(error: unknown): void;
  /** The run the dashboard shows, read when the command runs. */
  shownRun(): RunSummary | undefined;
  showDashboard(): void;
}

export function useRunExport({ api, info, dialogs, notify, fail, shownRun, showDashboard }: Options) {
  const exportRun = useCallback(
    async (run: RunSummary) => {
      const suggestedName = `${fileSafe(run.runId)}-model.zip`;
      const title = `Export the model trained by ${run.name} (episode ${run.episodesDone ?? 0})`;
      try {
        const path = info?.nativeDialogs
          ? (await api.invoke('dialog:exportModel', { suggestedName, title })).path
          : await dialogs.askPath({ mode: 'export', suggestedName, title, startDir: info?.documentsDir });
        if (!path) return;
        const result = await api.invoke('run:export', { runId: run.runId, path, zip: isZipPath(path) });
        notify(`Exported the model of ${run.name} (episode ${result.episodesDone}) to ${result.path}`);
        for (const warning of result.warnings) notify(`Note: ${warning}`, 'warning', 12000);
      } catch (error) {
        fail(error);
      }
    },
    [api, info, dialogs, notify, fail],
  );

  /** File → Export model: the run the dashboard shows; choosing another is one click in its run history. */
  const exportShownModel = useCallback(() => {
    const shown = shownRun();
    if (shown && canExport(shown)) return exportRun(shown);
    showDashboard();
    notify(
      shown && !ENDED_RUN.has(shown.status)
        ? `The run ${shown.name} is still ${shown.status}: export it when it has finished or been stopped.`
        : 'Pick a finished run in the run history and choose “Export model…”.',
    );
  }, [shownRun, exportRun, showDashboard, notify]);

  return { exportRun, exportShownModel };
}
