// The bar above everything: the browser mode's menus, the document's title and unsaved marker, the common
// editing buttons and the two views' tabs.
import type { MenuCommand, PlasticityApi, RecentFile } from '../../shared/channels.ts';
import { READ_ONLY_MESSAGE } from '../editor/commands.ts';
import type { EditorState } from '../editor/editor-state.ts';
import { redoLabel, undoLabel } from '../editor/history.ts';
import { MenuBar } from '../MenuBar.tsx';
import { isMac } from './use-app-commands.ts';

export type View = 'editor' | 'training';

interface Props {
  api: PlasticityApi;
  state: EditorState;
  title: string;
  dirty: boolean;
  recent: RecentFile[];
  view: View;
  training: boolean;
  onView(view: View): void;
  onCommand(command: MenuCommand): void;
  onMenuOpen(): void;
  onOpenRecent(path: string): void;
}

export function TopBar({ api, state, title, dirty, recent, view, training, onView, onCommand, onMenuOpen, onOpenRecent }: Props) {
  const undo = undoLabel(state.history);
  const redo = redoLabel(state.history);
  const readOnly = state.trained !== null;
  return (
    <header className="topbar">
      <span className="logo">Plasticity Studio</span>
      {api.transport === 'browser' && <MenuBar onCommand={onCommand} recent={recent} onMenuOpen={onMenuOpen} isMac={isMac} onOpenRecent={onOpenRecent} />}
      <span className="doc-title" data-testid="doc-title" title={state.filePath ?? 'Not saved yet'}>
        {title}
        {dirty && <span className="dirty" title="Unsaved changes" data-testid="dirty-marker"> ●</span>}
      </span>
      <span className="toolbar">
        <button onClick={() => onCommand('undo')} disabled={!undo} title={undo ? `Undo ${undo}` : 'Nothing to undo'} data-testid="undo">
          ↶ Undo
        </button>
        <button onClick={() => onCommand('redo')} disabled={!redo} title={redo ? `Redo ${redo}` : 'Nothing to redo'} data-testid="redo">
          ↷ Redo
        </button>
        <button onClick={() => onCommand('autoLayout')} title="Auto-layout" disabled={readOnly}>⇶ Layout</button>
        <button onClick={() => onCommand('save')} title={readOnly ? READ_ONLY_MESSAGE : 'Save'} data-testid="save" disabled={readOnly}>Save</button>
      </span>
      <span className="tabs" role="tablist">
        <button role="tab" aria-selected={view === 'editor'} className={view === 'editor' ? 'active' : ''} onClick={() => onView('editor')}>
          Editor
        </button>
        <button role="tab" aria-selected={view === 'training'} className={view === 'training' ? 'active' : ''} onClick={() => onView('training')} data-testid="tab-training">
          Training{training ? ' ●' : ''}
        </button>
      </span>
    </header>
  );
}
