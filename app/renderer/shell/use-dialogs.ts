// Which modal dialog is open, and the ones that answer a question as a promise (a path, a discard choice).
import { useCallback, useMemo, useState } from 'react';
import type { InspectorSource } from '../dialogs/InspectorDialog.tsx';
import type { DiscardChoice } from '../dialogs/ConfirmDiscard.tsx';
import type { FileDialogMode } from '../dialogs/FileDialog.tsx';
import type { DocName } from '../../shared/channels.ts';

export type Dialog =
  | { kind: 'gallery' }
  | { kind: 'file'; mode: FileDialogMode; suggestedName?: string; title?: string; startDir?: string; resolve(path: string | null): void }
  | { kind: 'discard'; resolve(choice: DiscardChoice): void }
  | { kind: 'about' }
  | { kind: 'shortcuts' }
  | { kind: 'report' }
  | { kind: 'datasets' }
  | { kind: 'sweeps' }
  | { kind: 'inspector'; source: InspectorSource; name: string }
  | { kind: 'document'; name: DocName }
  | null;

export interface Dialogs {
  dialog: Dialog;
  show(dialog: { kind: 'gallery' | 'about' | 'shortcuts' | 'report' | 'datasets' | 'sweeps' } | { kind: 'document'; name: DocName } | { kind: 'inspector'; source: InspectorSource; name: string }): void;
  close(): void;
  /** The browser mode's file dialog; null when cancelled. */
  askPath(request: { mode: FileDialogMode; suggestedName?: string; title?: string; startDir?: string }): Promise<string | null>;
  askDiscard(): Promise<DiscardChoice>;
}

export function useDialogs(): Dialogs {
  const [dialog, setDialog] = useState<Dialog>(null);
  const show = useCallback((next: Exclude<Dialog, null | { kind: 'file' } | { kind: 'discard' }>) => setDialog(next), []);
  const close = useCallback(() => setDialog(null), []);
  const askPath = useCallback<Dialogs['askPath']>((request) => new Promise((resolve) => setDialog({ kind: 'file', ...request, resolve })), []);
  const askDiscard = useCallback(
    () =>
      new Promise<DiscardChoice>((resolve) => setDialog({ kind: 'discard', resolve })).then((choice) => {
        setDialog(null);
        return choice;
      }),
    [],
  );
  return useMemo(() => ({ dialog, show, close, askPath, askDiscard }), [dialog, show, close, askPath, askDiscard]);
}
