// The test-time sandbox for a maze run: the user puts the reward on a free cell of their choice and the trained
// agent (parameters fixed, its plastic connections learning within the episode) plays a whole episode: it
// searches, finds the reward, is moved elsewhere, and comes back. The task view then replays it step by step.
import { useEffect, useRef, useState } from 'react';
import type { DecodedRecording } from './task-scene.ts';

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
  const canvas = useRef<HTMLCanvasElement>(null);
  const [cell, setCell] = useState<[number, number] | null>(null);
  const { side, walls } = maze;
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(side, side);
    for (let k = 0; k < side * side; k++) {
      const chosen = cell && k === cell[0] * side + cell[1];
      image.data.set(chosen ? [40, 170, 60, 255] : walls[k] === 1 ? [40, 40, 40, 255] : [245, 245, 245, 255], 4 * k);
    }
    context.putImageData(image, 0, 0);
  }, [side, walls, cell]);
  return (
    <section className="sandbox" data-testid="maze-sandbox">
      <h3>Hide the reward yourself</h3>
      <p className="muted">Click a free cell to put the reward there, then watch the trained agent look for it and come back to it after each find.</p>
      <canvas
        ref={canvas}
        width={side}
        height={side}
        className="task-maze sandbox-maze"
        data-testid="maze-sandbox-grid"
        aria-label="Choose the reward cell"
        onClick={(e) => {
          const box = e.currentTarget.getBoundingClientRect();
          const row = Math.floor(((e.clientY - box.top) / box.height) * side);
          const col = Math.floor(((e.clientX - box.left) / box.width) * side);
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
