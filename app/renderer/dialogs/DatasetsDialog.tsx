// File → Datasets…: which datasets the templates read, whether the data folder holds them, downloads with a
// progress bar (an interrupted download continues where it stopped), and "use a folder I already have".
import { useEffect, useState } from 'react';
import type { DatasetFolderState, DatasetProgress, PlasticityApi } from '../../shared/channels.ts';
import { Modal } from './Modal.tsx';

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

function progressText(p: DatasetProgress): string {
  const file = p.fileCount > 1 ? `${p.fileName} (file ${p.fileIndex + 1} of ${p.fileCount})` : p.fileName;
  return `${file}: ${megabytes(p.receivedBytes)}${p.totalBytes ? ` of ${megabytes(p.totalBytes)}` : ''}`;
}

export function DatasetsDialog({ api, nativeDialogs, onClose, onChanged }: { api: PlasticityApi; nativeDialogs: boolean; onClose(): void; onChanged(): void }) {
  const [state, setState] = useState<DatasetFolderState | null>(null);
  const [progress, setProgress] = useState<Record<string, DatasetProgress>>({});
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [folderInput, setFolderInput] = useState('');
  const [folderError, setFolderError] = useState<string | null>(null);

  useEffect(() => {
    api.invoke('datasets:list', {}).then(setState, (e: Error) => setFolderError(e.message));
    return api.on('datasets:progress', (p) => setProgress((all) => ({ ...all, [p.name]: p })));
  }, [api]);

  const download = async (name: string) => {
    setBusy((b) => ({ ...b, [name]: true }));
    setErrors(({ [name]: _, ...rest }) => rest);
    try {
      setState(await api.invoke('datasets:download', { name }));
      onChanged();
    } catch (error) {
      setErrors((all) => ({ ...all, [name]: (error as Error).message }));
    } finally {
      setBusy(({ [name]: _, ...rest }) => rest);
      setProgress(({ [name]: _, ...rest }) => rest);
    }
  };

  const useFolder = async () => {
    setFolderError(null);
    try {
      setState(await api.invoke('datasets:useFolder', { folder: folderInput.trim() }));
      setFolderInput('');
      onChanged();
    } catch (error) {
      setFolderError((error as Error).message);
    }
  };

  return (
    <Modal title="Datasets" onClose={onClose} wide>
      <div className="datasets" data-testid="datasets">
        <p className="muted">
          Data folder: <code data-testid="datasets-folder">{state?.folder ?? '…'}</code>
        </p>
        <table className="datasets-table">
          <tbody>
            {state?.datasets.map((d) => {
              const p = progress[d.name];
              const fraction = p?.totalBytes ? Math.min(1, p.receivedBytes / p.totalBytes) : null;
              return (
                <tr key={d.name} data-dataset={d.name} data-present={d.problem === null ? 'yes' : 'no'}>
                  <td className="dataset-state">{d.problem === null ? <span className="ok">✓ installed</span> : <span className="error">missing</span>}</td>
                  <td>
                    <strong>{d.title}</strong>
                    <div className="muted">Read by {d.readBy}.</div>
                    {d.problem && <div className="muted">{d.problem}.</div>}
                    {busy[d.name] && (
                      <div data-testid={`progress-${d.name}`}>
                        <div className="progress-bar" role="progressbar" aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}>
                          <div style={{ width: `${Math.round((fraction ?? 0) * 100)}%` }} />
                        </div>
                        <div className="muted">{p ? progressText(p) : 'Connecting…'}</div>
                      </div>
                    )}
                    {errors[d.name] && (
                      <div className="error" role="alert">
                        {errors[d.name]}
                      </div>
                    )}
                  </td>
                  <td className="dataset-actions">
                    {d.problem !== null && (
                      <button className="primary" disabled={busy[d.name]} onClick={() => void download(d.name)}>
                        {busy[d.name] ? 'Downloading…' : errors[d.name] ? 'Try again' : 'Download'}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <h3>Use a folder you already have</h3>
        <p className="muted">
          A folder holding the official files: Omniglot’s images_background and images_evaluation (folders or .zip files), CIFAR-10’s cifar-10-binary.tar.gz
          or its data_batch_*.bin files.
        </p>
        <div className="datasets-folder-row">
          <input
            aria-label="Folder with datasets"
            placeholder="/path/to/datasets"
            value={folderInput}
            onChange={(e) => setFolderInput(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && folderInput.trim() && void useFolder()}
          />
          {nativeDialogs && (
            <button
              onClick={async () => {
                const picked = await api.invoke('dialog:openFolder', { title: 'A folder that holds datasets' });
                if (picked.path) setFolderInput(picked.path);
              }}
            >
              Choose…
            </button>
          )}
          <button disabled={!folderInput.trim()} onClick={() => void useFolder()}>
            Use this folder
          </button>
        </div>
        {folderError && (
          <p className="error" role="alert" data-testid="datasets-folder-error">
            {folderError}
          </p>
        )}
      </div>
    </Modal>
  );
}
