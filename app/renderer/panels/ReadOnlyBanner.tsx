// The strip above the canvas while a trained model is open: it says the graph cannot be edited and offers
// the way out, a copy that is an ordinary unsaved document.
import type { TrainedModelInfo } from '../../shared/channels.ts';

import { READ_ONLY_MESSAGE } from '../editor/commands.ts';

export function ReadOnlyBanner({ model, onMakeCopy, onInspect }: { model: TrainedModelInfo; onMakeCopy(): void; onInspect(model: TrainedModelInfo): void }) {
  return (
    <div className="read-only-banner" role="status" data-testid="read-only-banner">
      <span className="read-only-badge" aria-hidden>
        read-only
      </span>
      <span className="read-only-text">
        <b>{READ_ONLY_MESSAGE}</b>
        <span className="muted" title={model.path}>
          {' '}
          {model.training.episodesDone.toLocaleString()} episodes of run {model.training.runId}
        </span>
      </span>
      <button onClick={() => onInspect(model)} data-testid="inspect-bundle" title="Play a held-out episode with this model: the task, the Hebbian traces and the effective weights, step by step">
        Inspect an episode…
      </button>
      <button className="primary" onClick={onMakeCopy} data-testid="make-copy">
        Make a copy
      </button>
    </div>
  );
}
