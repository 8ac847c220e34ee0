// The browser mode's open and save dialog (Electron shows the native ones): browse folders on the machine
// running the app and pick or name a `.plastic.json` file.
import { useCallback, useEffect, useState } from 'react';
import type { DirectoryEntry, PlasticityApi } from '../../shared/channels.ts';
import { Modal } from './Modal.tsx';

export interface FileDialogProps {
  api: PlasticityApi;
  mode: 'open' | 'save';
  startDir: string;
  suggestedName?: string;
  onPick(path: string): void;
  onClose(): void;
}

function join(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

export function FileDialog({ api, mode, startDir, suggestedName, onPick, onClose }: FileDialogProps) {
  const [dir, setDir] = useState(startDir);
  const [listing, setListing] = useState<{ parent: string | null; entries: DirectoryEntry[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState(suggestedName ?? '');
  const [typedDir, setTypedDir] = useState(startDir);

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

  const submit = () => {
    const trimmed = name.trim();
    if (!trimmed) return;
    onPick(/^([a-zA-Z]:)?[\\/]/.test(trimmed) ? trimmed : join(dir, trimmed));
  };

  return (
    <Modal title={mode === 'open' ? 'Open a graph' : 'Save the graph'} onClose={onClose} wide>
      <div className="file-path">
        <input
          aria-label="Folder"
          value={typedDir}
          onChange={(e) => setTypedDir(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && load(typedDir)}
        />
        <button onClick={() => listing?.parent && load(listing.parent)} disabled={!listing?.parent}>
          Up
        </button>
      </div>
      {error && <p className="error">{error}</p>}
      <ul className="file-list" data-testid="file-list">
        {listing?.entries.map((entry) => (
          <li key={entry.path}>
            <button
              className={entry.isDirectory ? 'file-dir' : 'file-graph'}
              onClick={() => (entry.isDirectory ? load(entry.path) : mode === 'open' ? onPick(entry.path) : setName(entry.name))}
            >
              {entry.isDirectory ? '▸ ' : '◆ '}
              {entry.name}
            </button>
          </li>
        ))}
        {listing && listing.entries.length === 0 && <li className="muted">No folders or graph files here.</li>}
      </ul>
      <form
        className="file-name"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <input aria-label="File name" placeholder={mode === 'open' ? 'or type a path…' : 'name.plastic.json'} value={name} onChange={(e) => setName(e.target.value)} autoFocus={mode === 'save'} />
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={!name.trim()}>
          {mode === 'open' ? 'Open' : 'Save'}
        </button>
      </form>
    </Modal>
  );
}
