// The test-time sandbox for a maze run: the user puts the reward on a free cell of their choice and the trained
// agent (parameters fixed, its plastic connections learning within the episode) plays a whole episode: it
// searches, finds the reward, is moved elsewhere, and comes back. The task view then replays it step by step.
import { useMemo, useState } from 'react';
import type { DecodedRecording } from './task-scene.ts';
import { MazeGrid, REWARD_GREEN } from './TaskView.tsx';

export interface MazeWorld {
  side: number;
  /** Row-major, 1 = wall. */
  walls: Float32Array;
}

export function mazeWorld(recording: DecodedRecording, source: string): MazeWorld | null {
  const walls = recording.view(`${source}/walls`);
  return walls ? { side: walls.shape[0], walls: walls.values } : null;
}

export function MazeSandbox({ maze, onRun, busy }: { maze: MazeWorld; onRun(cell: [number, number]): void; busy: boolean }) {
  const [cell, setCell] = useState<[number, number] | null>(null);
  const { side, walls } = maze;
  const marks = useMemo(() => new Map(cell ? [[cell[0] * side + cell[1], REWARD_GREEN]] : []), [cell, side]);
  return (
    <section className="sandbox" data-testid="maze-sandbox">
      <h3>Hide the reward yourself</h3>
      <p className="muted">Click a free cell to put the reward there, then watch the trained agent look for it and come back to it after each find.</p>
      <MazeGrid
        side={side}
        walls={walls}
        marks={marks}
        testId="maze-sandbox-grid"
        label="Choose the reward cell"
        className="sandbox-maze"
        onCell={(row, col) => {
          if (row >= 0 && row < side && col >= 0 && col < side && walls[row * side + col] !== 1) setCell([row, col]);
        }}
      />
      <div>
        <button disabled={busy || !cell} onClick={() => cell && onRun(cell)}>
          {busy ? 'Running…' : cell ? `Play with the reward at row ${cell[0]}, column ${cell[1]}` : 'Click a free cell first'}
        </button>
      </div>
    </section>
  );
}
