// The menu commands (from the browser mode's menu bar and shortcuts, or from Electron's native menu), each
// mapped to the editor command or file action that carries it out.
import { useCallback, useEffect } from 'react';
import type { MenuCommand, PlasticityApi } from '../../shared/channels.ts';
import { commandForKey } from '../../shared/menu.ts';
import { editorCommands } from '../editor/commands.ts';
import type { Editor } from '../editor/use-editor.ts';
import type { Dialogs } from './use-dialogs.ts';
import type { DocumentFiles } from './use-document-files.ts';
import { FIT_GRAPH, type RequestFit } from '../canvas/fit-request.ts';

export const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

/** Commands that act on the text when a text field has the focus, as everywhere else. */
const TEXT_COMMANDS: ReadonlySet<MenuCommand> = new Set(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'delete']);

function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return Boolean(el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)));
}

interface Options {
  api: PlasticityApi;
  editor: Editor;
  files: DocumentFiles;
  dialogs: Dialogs;
  exportShownModel(): void | Promise<void>;
  toggleDashboard(): void;
  requestFit: RequestFit;
}

export function useAppCommands({ api, editor, files, dialogs, exportShownModel, toggleDashboard, requestFit }: Options) {
  const fitView = useCallback(() => requestFit(FIT_GRAPH), [requestFit]);

  const runCommand = useCallback(
    async (command: MenuCommand) => {
      if (isEditable(document.activeElement) && TEXT_COMMANDS.has(command)) {
        document.execCommand(command);
        return;
      }
      switch (command) {
        case 'new':
          return void (await files.newGraph());
        case 'newFromTemplate':
          return dialogs.show({ kind: 'gallery' });
        case 'open':
          return files.open();
        case 'save':
          return void (await files.save());
        case 'saveAs':
          return void (await files.saveAs());
        case 'export':
          return files.exportCopy();
        case 'exportModel':
          return exportShownModel();
        case 'undo':
          return editor.undo();
        case 'redo':
          return editor.redo();
        case 'copy':
          editor.clipboard.current = editorCommands.copy(editor.view()) ?? editor.clipboard.current;
          return;
        case 'cut': {
          const fragment = editorCommands.copy(editor.view());
          if (editor.run(editorCommands.cut) && fragment) editor.clipboard.current = fragment;
          return;
        }
        case 'paste':
          return void editor.run(editorCommands.paste, editor.clipboard.current);
        case 'duplicate':
          return void editor.run(editorCommands.duplicate);
        case 'delete':
          return void editor.run(editorCommands.deleteSelection);
        case 'selectAll':
          return editor.select(editor.view().document.nodes.map((n) => n.id), []);
        case 'fitView':
          return void fitView();
        case 'autoLayout':
          if (editor.run(editorCommands.autoLayout)) fitView();
          return;
        case 'toggleDashboard':
          return toggleDashboard();
        case 'guide':
          return dialogs.show({ kind: 'document', name: 'experiments' });
        case 'readme':
          return dialogs.show({ kind: 'document', name: 'readme' });
        case 'reportProblem':
          return dialogs.show({ kind: 'report' });
        case 'datasets':
          return dialogs.show({ kind: 'datasets' });
        case 'sweeps':
          return dialogs.show({ kind: 'sweeps' });
        case 'shortcuts':
          return dialogs.show({ kind: 'shortcuts' });
        case 'about':
          return dialogs.show({ kind: 'about' });
      }
    },
    [editor, files, dialogs, exportShownModel, toggleDashboard, fitView],
  );

  // In Electron the native menu owns the shortcuts and sends the commands.
  useEffect(() => {
    if (api.transport === 'electron') return;
    const onKey = (e: KeyboardEvent) => {
      if (dialogs.dialog) return;
      const command = commandForKey(e, isMac);
      if (!command) return;
      if (isEditable(e.target) && (TEXT_COMMANDS.has(command) || command === 'fitView')) return;
      e.preventDefault();
      void runCommand(command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [api, runCommand, dialogs.dialog]);

  useEffect(
    () =>
      api.on('menu:command', ({ command, path }) => {
        if (path) void files.openAfterConfirm(path);
        else void runCommand(command);
      }),
    [api, runCommand, files],
  );

  return runCommand;
}
