// The browser mode's file dialog (Electron shows the native ones): browse folders on the machine running
// the app. Open picks a graph file or a model bundle (a .zip, or a folder holding model.json); Save names a
// `.plastic.json` file; Export names a model bundle (a .zip file, or a folder for any other name).
// Naming something that exists asks before replacing it.
import { useCallback, useEffect, useState } from 'react';
import type { DirectoryEntry, PlasticityApi } from '../../shared/channels.ts';
import { isZipPath } from '../../shared/file-kinds.ts';
import { Modal } from './Modal.tsx';

export type FileDialogMode = 'open' | 'save' | 'export';

export interface FileDialogProps {
  api: PlasticityApi;
  mode: FileDialogMode;
  startDir: string;
  suggestedName?: string;
  /** Replaces the mode's own title, e.g. to name the run being exported. */
  title?: string;
  onPick(path: string): void;
  onClose(): void;
}

const TITLES: Record<FileDialogMode, string> = {
  open: 'Open a graph or a trained model',
  save: 'Save the graph',
  export: 'Export the trained model',
};

function join(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/** What each mode lists besides folders: graph files to open or save over, bundles to open or replace. */
function shown(entry: DirectoryEntry, mode: FileDialogMode): boolean {
  if (entry.isDirectory) return true;
  if (mode === 'save') return !entry.bundle;
  if (mode === 'export') return Boolean(entry.bundle);
  return true;
}

/** The name a save will really write: graph files always end in .plastic.json. */
function writtenName(name: string, mode: FileDialogMode): string {
  return mode === 'save' && !name.endsWith('.plastic.json') ? `${name}.plastic.json` : name;
}

export function FileDialog({ api, mode, startDir, suggestedName, title, onPick, onClose }: FileDialogProps) {
  const [dir, setDir] = useState(startDir);
  const [listing, setListing] = useState<{ parent: string | null; entries: DirectoryEntry[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState(suggestedName ?? '');
  const [typedDir, setTypedDir] = useState(startDir);
  const [replacing, setReplacing] = useState<string | null>(null);

  const load = useCallback(
    (target: string) => {
      api.invoke('files:list', { dir: target }).then(
        (r) => {
          setDir(r.dir);
          setTypedDir(r.dir);
          setListing({ parent: r.parent, entries: r.entries });
          setError(null);
        },
        (e: Error) => setError(e.message),
      );
    },
    [api],
  );
  useEffect(() => load(startDir), [load, startDir]);
  useEffect(() => setReplacing(null), [name, dir]);

  const submit = () => {
    const trimmed = name.trim();
    if (!trimmed) return;
    const target = /^([a-zA-Z]:)?[\\/]/.test(trimmed) ? trimmed : join(dir, trimmed);
    if (mode !== 'open' && replacing !== trimmed) {
      const existing = listing?.entries.find((e) => e.name === writtenName(trimmed, mode));
      // A folder that is not a bundle is never replaced (the app refuses it): only bundle folders and files ask.
      if (existing && (!existing.isDirectory || existing.bundle)) {
        setReplacing(trimmed);
        return;
      }
    }
    onPick(target);
  };

  const pickEntry = (entry: DirectoryEntry) => {
    if (mode === 'open') return entry.isDirectory && !entry.bundle ? load(entry.path) : onPick(entry.path);
    if (entry.isDirectory && !(mode === 'export' && entry.bundle)) return load(entry.path);
    setName(entry.name);
  };

  const visible = listing?.entries.filter((e) => shown(e, mode)) ?? [];
  const writesZip = isZipPath(name.trim());
  return (
    <Modal title={title ?? TITLES[mode]} onClose={onClose} wide>
      <div className="file-path">
        <input aria-label="Folder" value={typedDir} onChange={(e) => setTypedDir(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && load(typedDir)} />
        <button onClick={() => listing?.parent && load(listing.parent)} disabled={!listing?.parent}>
          Up
        </button>
      </div>
      {error && <p className="error">{error}</p>}
      <ul className="file-list" data-testid="file-list">
        {visible.map((entry) => (
          <li key={entry.path}>
            <button className={entry.bundle ? 'file-bundle' : entry.isDirectory ? 'file-dir' : 'file-graph'} onClick={() => pickEntry(entry)} data-name={entry.name}>
              {entry.bundle ? '◈ ' : entry.isDirectory ? '▸ ' : '◆ '}
              {entry.name}
              {entry.bundle && <span className="muted"> trained model</span>}
            </button>
          </li>
        ))}
        {listing && visible.length === 0 && <li className="muted">{mode === 'export' ? 'No folders or model bundles here.' : 'No folders or graph files here.'}</li>}
      </ul>
      {mode === 'export' && (
        <p className="field-help" data-testid="export-format">
          {name.trim() ? (writesZip ? 'Writes one .zip file holding model.json and weights.bin.' : 'Writes a folder holding model.json and weights.bin.') : ''} A name ending in .zip writes a
          zip file; any other name writes a folder.
        </p>
      )}
      {replacing && (
        <p className="replace-warning" role="alert">
          {writtenName(replacing, mode)} already exists. Choose <b>Replace</b> to overwrite it, or another name.
        </p>
      )}
      <form
        className="file-name"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <input
          aria-label="File name"
          placeholder={mode === 'open' ? 'or type a path…' : mode === 'export' ? 'model.zip' : 'name.plastic.json'}
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoFocus={mode !== 'open'}
        />
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className={replacing ? 'danger' : 'primary'} disabled={!name.trim()}>
          {replacing ? 'Replace' : mode === 'open' ? 'Open' : mode === 'export' ? 'Export' : 'Save'}
        </button>
      </form>
    </Modal>
  );
}
