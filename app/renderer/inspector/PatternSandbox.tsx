// The test-time sandbox for binary patterns: the held-out episode's stored patterns and its degraded probe,
// editable bit by bit (click a bit: +1 ↔ −1; probe bits also 0, "unknown"). The edited episode keeps the
// original's timing (which steps show which pattern, the gaps, the bias input); the network then completes the
// edited probe and the task view marks its wrong bits against the edited target pattern.
import { useMemo, useState } from 'react';
import { atStep, type DecodedRecording } from './task-scene.ts';

/** Above this many bits a row of buttons is no longer usable; `plasticity record --episode` still is. */
export const MAX_EDITABLE_BITS = 100;

export interface PatternEpisode {
  bits: number;
  /** The distinct non-zero inputs in order of appearance (the patterns, then the probe). */
  rows: number[][];
  /** Per step, which row it shows, or −1 (a gap). */
  stepRow: number[];
  /** Which row the target is (the pattern the probe came from). */
  targetRow: number;
  /** The episode's inputs as recorded, [T, width] (the bias slot and gaps are kept from here). */
  input: Float32Array;
  width: number;
}

/** The episode's structure, read from a recording of the BinaryPatternEpisode source `source`. */
export function patternEpisode(recording: DecodedRecording, source: string): PatternEpisode | null {
  const input = recording.port(`${source}/input`);
  const target = recording.port(`${source}/target`);
  if (!input || !target) return null;
  const bits = target.shape[0];
  const width = input.shape[0];
  const rows: number[][] = [];
  const stepRow: number[] = [];
  for (let t = 0; t < recording.steps; t++) {
    const row = Array.from(atStep(input, t).subarray(0, bits));
    if (row.every((v) => v === 0)) {
      stepRow.push(-1);
      continue;
    }
    let index = rows.findIndex((r) => r.every((v, k) => v === row[k]));
    if (index < 0) index = rows.push(row) - 1;
    stepRow.push(index);
  }
  const goal = Array.from(atStep(target, 0));
  const targetRow = rows.findIndex((r) => r.every((v, k) => v === goal[k]));
  return { bits, rows, stepRow, targetRow, input: input.values, width };
}

/** The source's outputs for the edited rows: the original timing, bias and gaps; the target follows its row. */
export function editedOutputs(episode: PatternEpisode, rows: number[][], target: number[]): Record<string, number[]> {
  const input = Array.from(episode.input);
  episode.stepRow.forEach((r, t) => {
    if (r >= 0) for (let k = 0; k < episode.bits; k++) input[t * episode.width + k] = rows[r][k];
  });
  return { input, target: episode.stepRow.flatMap(() => target) };
}

export function PatternSandbox({ episode, onRun, busy }: { episode: PatternEpisode; onRun(outputs: Record<string, number[]>): void; busy: boolean }) {
  const [rows, setRows] = useState(() => episode.rows.map((r) => [...r]));
  const [target, setTarget] = useState(() => (episode.targetRow >= 0 ? [...episode.rows[episode.targetRow]] : []));
  const probe = rows.length - 1;
  const flip = (r: number, k: number) => {
    const next = rows.map((row) => [...row]);
    const v = next[r][k];
    // Patterns hold ±1; the probe may also leave a bit unknown (0), as the task's degraded probe does.
    next[r][k] = r === probe ? (v === 1 ? -1 : v === -1 ? 0 : 1) : -v;
    setRows(next);
    if (r === episode.targetRow) setTarget(next[r]);
  };
  const changed = useMemo(() => rows.some((row, r) => row.some((v, k) => v !== episode.rows[r][k])), [rows, episode]);
  if (episode.bits > MAX_EDITABLE_BITS) {
    return (
      <section className="sandbox" data-testid="pattern-sandbox">
        <p className="muted">
          {episode.bits} bits are too many to edit here; write an episode of your own and play it with <code>plasticity record --episode</code> (docs/inspector.md).
        </p>
      </section>
    );
  }
  return (
    <section className="sandbox" data-testid="pattern-sandbox">
      <h3>Edit the patterns and the probe</h3>
      <p className="muted">Click a bit to flip it (black −1, white +1; in the probe grey is 0, unknown). The network then completes your probe.</p>
      <table className="pattern-editor">
        <tbody>
          {rows.map((row, r) => (
            <tr key={r} data-testid={`pattern-row-${r}`}>
              <th>{r === probe ? 'probe' : `pattern ${r + 1}${r === episode.targetRow ? ' (target)' : ''}`}</th>
              <td>
                {row.map((v, k) => (
                  <button key={k} className={`bit bit-${v > 0 ? 'on' : v < 0 ? 'off' : 'unknown'}`} aria-label={`${r === probe ? 'probe' : `pattern ${r + 1}`} bit ${k + 1}: ${v}`} onClick={() => flip(r, k)} />
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button disabled={busy} onClick={() => onRun(editedOutputs(episode, rows, target))}>
        {busy ? 'Running…' : changed ? 'Complete my probe' : 'Complete the probe'}
      </button>
    </section>
  );
}
