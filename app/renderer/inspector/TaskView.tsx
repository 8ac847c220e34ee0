// The task as a picture at the scrubbed step (see task-scene.ts for what is drawn from where): pixels are
// painted on small canvases scaled up with CSS, so even the 1,000-bit patterns cost one putImageData a view.
import { useEffect, useRef } from 'react';
import type { TaskScene } from './task-scene.ts';

type Colour = (value: number) => [number, number, number];

/** ±1 patterns and [−1, 1] pixels: −1 black, +1 white, 0 mid-grey. */
const signedGrey: Colour = (v) => {
  const g = Math.round(127.5 + 127.5 * Math.max(-1, Math.min(1, v)));
  return [g, g, g];
};
/** Omniglot drawings: 1 = white paper, 0 = ink. */
const paper: Colour = (v) => {
  const g = Math.round(255 * Math.max(0, Math.min(1, v)));
  return [g, g, g];
};

interface PixelsProps {
  values: ArrayLike<number>;
  width: number;
  height: number;
  colour: Colour;
  label: string;
  /** On-screen size in CSS pixels (default: a 112-pixel square). */
  display?: { width: number; height: number };
  testId?: string;
  marks?: ArrayLike<boolean>;
}

function Pixels({ values, width, height, colour, label, display = { width: 112, height: 112 }, testId, marks }: PixelsProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(width, height);
    for (let k = 0; k < width * height; k++) {
      const [r, g, b] = marks?.[k] ? [230, 40, 40] : colour(values[k] ?? 0);
      image.data.set([r, g, b, 255], 4 * k);
    }
    context.putImageData(image, 0, 0);
  }, [values, width, height, colour, marks]);
  return (
    <figure className="task-pixels">
      <canvas ref={canvas} width={width} height={height} style={display} data-testid={testId} aria-label={label} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

function PatternsView({ scene }: { scene: Extract<TaskScene, { task: 'patterns' }> }) {
  const { bits, inputs, target, answer, wrongBits } = scene;
  const raster = new Float32Array(inputs.length * bits);
  inputs.forEach((row, k) => raster.set(row, k * bits));
  const wrong = answer ? Array.from(target, (v, k) => Math.sign(answer[k]) !== Math.sign(v)) : undefined;
  const row = { width: 560, height: 14 };
  const rasterHeight = Math.min(320, inputs.length * Math.max(2, Math.min(14, Math.floor(320 / inputs.length))));
  return (
    <div className="task-view" data-testid="task-view" data-task="patterns">
      <Pixels values={raster} width={bits} height={inputs.length} colour={signedGrey} label={`inputs so far (${inputs.length} steps × ${bits} bits)`} display={{ width: 560, height: rasterHeight }} />
      <Pixels values={target} width={bits} height={1} colour={signedGrey} label="the pattern to complete" display={row} />
      {answer && (
        <>
          <Pixels values={answer} width={bits} height={1} colour={signedGrey} label="the network's output at this step" display={row} />
          <Pixels values={answer} width={bits} height={1} colour={signedGrey} marks={wrong} label={`wrong bits in red: ${wrongBits} of ${bits}`} display={row} testId="task-wrong-bits" />
        </>
      )}
    </div>
  );
}

function ImagesView({ scene }: { scene: Extract<TaskScene, { task: 'images' }> }) {
  const { side, shown, target, answer } = scene;
  return (
    <div className="task-view" data-testid="task-view" data-task="images">
      <Pixels values={shown} width={side} height={side} colour={signedGrey} label="shown at this step" />
      <Pixels values={target} width={side} height={side} colour={signedGrey} label="the test image" />
      {answer && <Pixels values={answer} width={side} height={side} colour={signedGrey} label="the network's reconstruction" />}
    </div>
  );
}

function OmniglotView({ scene }: { scene: Extract<TaskScene, { task: 'omniglot' }> }) {
  const { side, drawings, current, answerClass, probabilities } = scene;
  return (
    <div className="task-view" data-testid="task-view" data-task="omniglot">
      <div className="task-strip">
        {drawings.map((d, k) => (
          <div key={k} className={k === current ? 'task-current' : k > current ? 'task-later' : ''}>
            <Pixels values={d.image} width={side} height={side} colour={paper} label={d.label === null ? 'query' : `class ${d.label + 1}`} display={{ width: 72, height: 72 }} />
          </div>
        ))}
      </div>
      {probabilities && (
        <table className="task-probabilities" data-testid="task-probabilities">
          <tbody>
            {Array.from(probabilities, (p, k) => (
              <tr key={k} className={k === answerClass ? 'task-correct' : ''}>
                <td>class {k + 1}</td>
                <td>
                  <span className="task-bar" style={{ width: `${Math.round(100 * Math.max(0, Math.min(1, p)))}px` }} />
                </td>
                <td>{p.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="muted">
        {answerClass === null ? '' : `The query's class is ${answerClass + 1}; `}bars: the network's output at this step.
      </div>
    </div>
  );
}

function MazeView({ scene }: { scene: Extract<TaskScene, { task: 'maze' }> }) {
  const { side, walls, path, rewardCell, rewardsSoFar, rewardsTaken } = scene;
  const marks = new Map<number, [number, number, number]>();
  path.forEach((cell, k) => marks.set(cell, k === path.length - 1 ? [20, 90, 220] : [150, 190, 250]));
  marks.set(rewardCell, REWARD_GREEN);
  return (
    <div className="task-view" data-testid="task-view" data-task="maze">
      <MazeGrid side={side} walls={walls} marks={marks} testId="task-maze" label="the maze" />
      <div className="muted">
        Walls dark, the hidden reward cell green, the agent blue (its path so far light blue). Rewards so far: {rewardsSoFar.toFixed(1)} ({rewardsTaken} found).
      </div>
    </div>
  );
}

export const REWARD_GREEN: [number, number, number] = [40, 170, 60];

/** A maze as one pixel per cell (walls dark, free cells light), some cells marked in colour; clicks give the cell. */
export function MazeGrid(props: {
  side: number;
  walls: Float32Array;
  marks: ReadonlyMap<number, [number, number, number]>;
  testId: string;
  label: string;
  className?: string;
  onCell?(row: number, col: number): void;
}) {
  const { side, walls, marks, onCell } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(side, side);
    for (let k = 0; k < side * side; k++) image.data.set([...(marks.get(k) ?? (walls[k] === 1 ? [40, 40, 40] : [245, 245, 245])), 255], 4 * k);
    context.putImageData(image, 0, 0);
  }, [side, walls, marks]);
  return (
    <canvas
      ref={canvas}
      width={side}
      height={side}
      className={`task-maze ${props.className ?? ''}`}
      data-testid={props.testId}
      aria-label={props.label}
      onClick={(e) => {
        const box = e.currentTarget.getBoundingClientRect();
        onCell?.(Math.floor(((e.clientY - box.top) / box.height) * side), Math.floor(((e.clientX - box.left) / box.width) * side));
      }}
    />
  );
}

export function TaskView({ scene }: { scene: TaskScene }) {
  switch (scene.task) {
    case 'patterns':
      return <PatternsView scene={scene} />;
    case 'images':
      return <ImagesView scene={scene} />;
    case 'omniglot':
      return <OmniglotView scene={scene} />;
    case 'maze':
      return <MazeView scene={scene} />;
  }
}
