// Every problem validation found, errors first; clicking one selects its node and brings it into view.
import type { Problem } from '../../../core/graph/index.ts';

export function ProblemsPanel({ problems, onPick }: { problems: readonly Problem[]; onPick(problem: Problem): void }) {
  const sorted = [...problems].sort((a, b) => Number(a.severity === 'warning') - Number(b.severity === 'warning'));
  const errors = problems.filter((p) => p.severity === 'error').length;
  return (
    <section className="problems" aria-label="Problems" data-testid="problems">
      <header>
        <b>Problems</b>
        <span className={errors ? 'count count-error' : 'count'}>
          {errors} error{errors === 1 ? '' : 's'}, {problems.length - errors} warning{problems.length - errors === 1 ? '' : 's'}
        </span>
      </header>
      {sorted.length === 0 ? (
        <p className="muted">No problems: the graph can be trained.</p>
      ) : (
        <ul>
          {sorted.map((p, i) => (
            <li key={i}>
              <button className={`problem problem-${p.severity}`} onClick={() => onPick(p)} disabled={!p.nodeId} data-node={p.nodeId ?? ''}>
                <span className="problem-icon">{p.severity === 'error' ? '✖' : '▲'}</span>
                {p.message}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
