// "Save changes?" before unsaved work would be replaced.
import { Modal } from './Modal.tsx';

export type DiscardChoice = 'save' | 'discard' | 'cancel';

export function ConfirmDiscard({ name, onChoose }: { name: string; onChoose(choice: DiscardChoice): void }) {
  return (
    <Modal title="Unsaved changes" onClose={() => onChoose('cancel')}>
      <p>
        “{name}” has changes that are not saved. Save them first?
      </p>
      <div className="modal-actions">
        <button onClick={() => onChoose('cancel')}>Cancel</button>
        <button className="danger" onClick={() => onChoose('discard')}>
          Don’t save
        </button>
        <button className="primary" onClick={() => onChoose('save')} autoFocus>
          Save
        </button>
      </div>
    </Modal>
  );
}
