// The test-time sandbox for an Omniglot run: the user draws five characters of their own (one per class) and a
// query (or drops image files on the pads), and the trained network, with its parameters fixed and its plastic layer learning within the episode
// as in training, says which class the query is. Drawings are made on 124-pixel canvases and averaged down
// to the task's 31×31 (1 = paper, 0 = ink), as the dataset's images are shrunk from 105×105.
import { useRef, useState } from 'react';

const SIDE = 31;
const SCALE = 4;
const CLASSES = 5;

function DrawingPad({ label, onChange, testId }: { label: string; onChange(): void; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const point = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - box.left) / box.width) * SIDE * SCALE, y: ((e.clientY - box.top) / box.height) * SIDE * SCALE };
  };
  const stroke = (to: { x: number; y: number }) => {
    const context = canvas.current!.getContext('2d')!;
    context.strokeStyle = '#000';
    context.lineWidth = 7;
    context.lineCap = 'round';
    context.beginPath();
    const from = last.current ?? to;
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    last.current = to;
  };
  return (
    <figure className="sandbox-pad">
      <canvas
        ref={canvas}
        width={SIDE * SCALE}
        height={SIDE * SCALE}
        data-testid={testId}
        aria-label={`Drawing: ${label}`}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          last.current = null;
          stroke(point(e));
        }}
        onPointerMove={(e) => {
          if (e.buttons & 1) stroke(point(e));
        }}
        onPointerUp={() => {
          last.current = null;
          onChange();
        }}
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          const file = e.dataTransfer.files[0];
          if (file) void dropImage(file, canvas.current!).then(onChange, () => onChange());
        }}
      />
      <figcaption>
        {label}{' '}
        <button
          className="link"
          onClick={() => {
            canvas.current!.getContext('2d')!.clearRect(0, 0, SIDE * SCALE, SIDE * SCALE);
            onChange();
          }}
        >
          clear
        </button>
      </figcaption>
    </figure>
  );
}

/**
 * A dropped image (e.g. an Omniglot PNG: dark ink on light paper) as a drawing: scaled to the pad, its darkness
 * becomes ink (the pad keeps ink in the alpha channel, like strokes).
 */
async function dropImage(file: File, canvas: HTMLCanvasElement): Promise<void> {
  const bitmap = await createImageBitmap(file);
  const size = SIDE * SCALE;
  const scratch = document.createElement('canvas');
  scratch.width = size;
  scratch.height = size;
  const context = scratch.getContext('2d')!;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, size, size);
  context.drawImage(bitmap, 0, 0, size, size);
  const pixels = context.getImageData(0, 0, size, size);
  const ink = new ImageData(size, size);
  for (let k = 0; k < size * size; k++) {
    const light = (pixels.data[4 * k] + pixels.data[4 * k + 1] + pixels.data[4 * k + 2]) / 3;
    ink.data[4 * k + 3] = 255 - light;
  }
  canvas.getContext('2d')!.putImageData(ink, 0, 0);
}

/** A drawing as the task's image: SCALE×SCALE blocks averaged, 1 = paper, 0 = ink. */
function toTaskImage(canvas: HTMLCanvasElement): number[] {
  const pixels = canvas.getContext('2d')!.getImageData(0, 0, SIDE * SCALE, SIDE * SCALE).data;
  const image: number[] = [];
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      let ink = 0;
      for (let dy = 0; dy < SCALE; dy++) for (let dx = 0; dx < SCALE; dx++) ink += pixels[4 * ((y * SCALE + dy) * SIDE * SCALE + x * SCALE + dx) + 3] / 255;
      image.push(1 - ink / (SCALE * SCALE));
    }
  }
  return image;
}

/**
 * The episode the Omniglot source would emit for these drawings: the five classes in order (one drawing and its
 * one-hot label per step), then the query with no label. The query's true class is unknown: its target is zero.
 */
export function sandboxEpisode(drawings: number[][]): Record<string, number[]> {
  const oneHot = (k: number) => Array.from({ length: CLASSES }, (_, c) => (c === k ? 1 : 0));
  return {
    image: drawings.flat(),
    label: drawings.flatMap((_, step) => (step < CLASSES ? oneHot(step) : oneHot(-1))),
    target: drawings.flatMap(() => oneHot(-1)),
  };
}

export function OmniglotSandbox({ onRun, busy }: { onRun(outputs: Record<string, number[]>): void; busy: boolean }) {
  const pads = useRef<Array<HTMLCanvasElement | null>>([]);
  const [drawn, setDrawn] = useState(0);
  const labels = [...Array.from({ length: CLASSES }, (_, k) => `class ${k + 1}`), 'query'];
  const countDrawn = () => setDrawn(pads.current.filter((c) => c && toTaskImage(c).some((v) => v < 0.99)).length);
  return (
    <section className="sandbox" data-testid="omniglot-sandbox">
      <h3>Try your own characters</h3>
      <p className="muted">
        Draw one character for each class, then a query (or drop an image on a pad): the trained network (parameters fixed, its plastic layer learning within the episode) says
        which class the query is.
      </p>
      <div className="sandbox-pads">
        {labels.map((label, k) => (
          <div key={label} ref={(element) => void (pads.current[k] = element?.querySelector('canvas') ?? null)}>
            <DrawingPad label={label} onChange={countDrawn} testId={`sandbox-pad-${k}`} />
          </div>
        ))}
      </div>
      <button disabled={busy || drawn < labels.length} onClick={() => onRun(sandboxEpisode(pads.current.map((c) => toTaskImage(c!))))}>
        {busy ? 'Running…' : drawn < labels.length ? `Draw all six (${drawn} of 6)` : 'Classify the query'}
      </button>
    </section>
  );
}
