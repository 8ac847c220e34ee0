// The episode inspector: one held-out episode of a trained run, step by step. For a plastic layer, the Hebbian
// trace that shaped the scrubbed step and the effective weights w + alpha·Hebb as heatmaps (canvas, one pixel per
// connection, scaled up), and the layer's activity over the episode as a raster. The data come from
// `plasticity record` (the same built graph as training), as float32 arrays; nothing is recomputed here.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { EpisodeRecording, PlasticityApi } from '../../shared/channels.ts';
import { Modal } from './Modal.tsx';
import { decodeFloats, decodeRecording, taskScene } from '../inspector/task-scene.ts';
import { TaskView } from '../inspector/TaskView.tsx';
import { OmniglotSandbox } from '../inspector/OmniglotSandbox.tsx';
import { PatternSandbox, patternEpisode, type PatternEpisode } from '../inspector/PatternSandbox.tsx';
import { MazeSandbox, mazeWorld, type MazeWorld } from '../inspector/MazeSandbox.tsx';

/** An episode of the user's (the sandboxes): a data source's values by port, or the maze's reward cell. */
type SandboxEpisode = { outputs: Record<string, number[]> } | { environment: { rewardCell: [number, number] } };

/** Diverging colours: blue for negative, white at zero, red for positive; `scale` maps to full colour. */
export function divergingColour(value: number, scale: number): [number, number, number] {
  const x = scale > 0 ? Math.max(-1, Math.min(1, value / scale)) : 0;
  const fade = Math.round(255 * (1 - Math.abs(x)));
  return x >= 0 ? [255, fade, fade] : [fade, fade, 255];
}

function maxAbs(values: Float32Array): number {
  let m = 0;
  for (let k = 0; k < values.length; k++) {
    const a = Math.abs(values[k]);
    if (a > m) m = a;
  }
  return m;
}

/** The diverging colours as 256 RGBA words (little-endian, as ImageData's bytes read through a Uint32Array). */
const palette = (() => {
  const words = new Uint32Array(256);
  for (let k = 0; k < 256; k++) {
    const [r, g, b] = divergingColour((k - 127.5) / 127.5, 1);
    words[k] = (255 << 24) | (b << 16) | (g << 8) | r;
  }
  return words;
})();

/** The part of a heatmap on screen, in cells: rows top…top+height, columns left…left+width. */
export interface HeatmapWindow {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** The smallest window zooming reaches, in cells. */
const MIN_WINDOW = 8;

/**
 * The window after zooming by `factor` (< 1 zooms in) around the cell (row, col), which stays under the
 * mouse; clamped to the map and to MIN_WINDOW, and the whole map again once it would cover all of it.
 */
export function zoomWindow(w: HeatmapWindow, rows: number, cols: number, row: number, col: number, factor: number): HeatmapWindow {
  const height = Math.round(Math.min(rows, Math.max(Math.min(MIN_WINDOW, rows), w.height * factor)));
  const width = Math.round(Math.min(cols, Math.max(Math.min(MIN_WINDOW, cols), w.width * factor)));
  const clamp = (v: number, size: number, total: number) => Math.max(0, Math.min(total - size, Math.round(v)));
  return {
    top: clamp(row - ((row - w.top) * height) / w.height, height, rows),
    left: clamp(col - ((col - w.left) * width) / w.width, width, cols),
    height,
    width,
  };
}

/** Paints the window's values as one pixel each through the palette: no allocation per pixel, ~30 ms for a whole 1,001×1,001 trace. */
function paint(context: CanvasRenderingContext2D, values: Float32Array, cols: number, w: HeatmapWindow, scale: number): void {
  const image = context.createImageData(w.width, w.height);
  const pixels = new Uint32Array(image.data.buffer);
  const toIndex = scale > 0 ? 127.5 / scale : 0;
  for (let i = 0; i < w.height; i++) {
    const from = (w.top + i) * cols + w.left;
    for (let j = 0; j < w.width; j++) {
      const index = Math.round(values[from + j] * toIndex + 127.5);
      pixels[i * w.width + j] = palette[index < 0 ? 0 : index > 255 ? 255 : index];
    }
  }
  context.putImageData(image, 0, 0);
}

interface HeatmapProps {
  values: Float32Array;
  rows: number;
  cols: number;
  scale: number;
  label: string;
  testId: string;
  /** What a cell is, for the hover line (default: a connection from presynaptic row to postsynaptic column). */
  cellName?: (row: number, col: number) => string;
}

function Heatmap({ values, rows, cols, scale, label, testId, cellName = (i, j) => `pre ${i} → post ${j}` }: HeatmapProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<string | null>(null);
  const whole = { top: 0, left: 0, height: rows, width: cols };
  const [view, setView] = useState<HeatmapWindow>(whole);
  useEffect(() => setView({ top: 0, left: 0, height: rows, width: cols }), [rows, cols]);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (context && view.top + view.height <= rows && view.left + view.width <= cols) paint(context, values, cols, view, scale);
  }, [values, rows, cols, scale, view]);
  const cellAt = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    return { i: view.top + Math.floor(((e.clientY - box.top) / box.height) * view.height), j: view.left + Math.floor(((e.clientX - box.left) / box.width) * view.width) };
  };
  const zoomed = view.height < rows || view.width < cols;
  return (
    <figure className="inspector-map">
      <figcaption>
        {label} <span className="muted">(±{scale.toPrecision(2)})</span>
        {zoomed && (
          <span className="muted" data-testid={`${testId}-window`}>
            {' '}
            rows {view.top}–{view.top + view.height - 1}, columns {view.left}–{view.left + view.width - 1}{' '}
            <button className="link" onClick={() => setView(whole)}>
              whole map
            </button>
          </span>
        )}
      </figcaption>
      <canvas
        ref={canvas}
        width={view.width}
        height={view.height}
        data-testid={testId}
        title="Scroll to zoom into a block of connections; double-click for the whole map"
        onWheel={(e) => {
          const { i, j } = cellAt(e);
          setView(zoomWindow(view, rows, cols, i, j, e.deltaY < 0 ? 0.5 : 2));
        }}
        onDoubleClick={() => setView(whole)}
        onMouseMove={(e) => {
          const { i, j } = cellAt(e);
          if (i >= 0 && i < rows && j >= 0 && j < cols) setHover(`${cellName(i, j)}: ${values[i * cols + j].toPrecision(4)}`);
        }}
        onMouseLeave={() => setHover(null)}
      />
      <div className="muted inspector-hover">{hover ?? ' '}</div>
    </figure>
  );
}

/** What the inspector plays: a run of the runs folder (its last checkpoint) or a model bundle. */
export type InspectorSource = { runId: string } | { bundle: string };

export function InspectorDialog({ api, source, name, onClose }: { api: PlasticityApi; source: InspectorSource; name: string; onClose(): void }) {
  const [recording, setRecording] = useState<EpisodeRecording | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [seed, setSeed] = useState(0);
  const [layerIndex, setLayerIndex] = useState(0);
  const [position, setPosition] = useState(0);
  const [playing, setPlaying] = useState(false);
  // The user's own episode (the sandbox), played instead of a held-out one while set.
  const [custom, setCustom] = useState<SandboxEpisode | null>(null);
  // Remembered across recordings, so a sandbox (and what the user made in it) stays while a new episode is recorded.
  const [omniglot, setOmniglot] = useState(false);
  const [patterns, setPatterns] = useState<PatternEpisode | null>(null);
  const [maze, setMaze] = useState<MazeWorld | null>(null);
  const running = custom !== null && !recording && !error;
  // The old recording goes in the same render as the new request, so it is never shown as the user's episode.
  const play = (episode: SandboxEpisode | null) => {
    setRecording(null);
    setCustom(episode);
  };

  useEffect(() => {
    setRecording(null);
    setError(null);
    const request = custom ? { ...source, seed, episode: custom } : { ...source, seed };
    api.invoke('inspector:record', request).then(
      (result) => {
        setRecording(result);
        if (result.nodes.some((n) => n.kind === 'OmniglotEpisode')) setOmniglot(true);
        const patternSource = result.nodes.find((n) => n.kind === 'BinaryPatternEpisode');
        // The editor starts from a held-out episode (a new seed starts it again), never from the user's own.
        if (patternSource && !custom) setPatterns(patternEpisode(decodeRecording(result), patternSource.id));
        const mazeSource = result.nodes.find((n) => n.kind === 'MazeEnvironment');
        if (mazeSource && !custom) setMaze(mazeWorld(decodeRecording(result), mazeSource.id));
        // Your own episode opens at its last step, where the network answers.
        if (custom) setPosition(Number.MAX_SAFE_INTEGER);
      },
      (e: Error) => setError(e.message),
    );
    // The source is compared by value: a new object for the same run must not record again.
  }, [api, JSON.stringify(source), seed, custom]);

  const layer = recording?.plastic[layerIndex];
  const task = useMemo(() => (recording ? decodeRecording(recording) : null), [recording]);
  const decoded = useMemo(() => {
    if (!recording || !layer) return null;
    const traces = layer.traces.map(decodeFloats);
    const w = decodeFloats(layer.w);
    const alpha = decodeFloats(layer.alpha);
    const output = decodeFloats(recording.ports.find((p) => p.name === `${layer.node}/output`)?.values ?? '');
    return { traces, w, alpha, output, traceScale: Math.max(...traces.map(maxAbs)), outputScale: maxAbs(output), wScale: maxAbs(w), alphaScale: maxAbs(alpha) };
  }, [recording, layer]);
  // A plastic layer's recorded trace steps, or every step when there is none to show.
  const steps = useMemo(() => layer?.traceSteps ?? Array.from({ length: recording?.steps ?? 0 }, (_, t) => t), [layer, recording]);
  const index = Math.min(position, Math.max(0, steps.length - 1));

  useEffect(() => {
    if (!playing || steps.length === 0) return;
    const timer = setInterval(() => setPosition((p) => (p + 1) % steps.length), 400);
    return () => clearInterval(timer);
  }, [playing, steps.length]);

  const scene = useMemo(() => (task && steps.length > 0 ? taskScene(task, steps[index]) : null), [task, steps, index]);

  const effective = useMemo(() => {
    if (!decoded || !layer) return null;
    const trace = decoded.traces[index];
    const values = new Float32Array(layer.rows * layer.cols);
    for (let k = 0; k < values.length; k++) values[k] = decoded.w[k] + decoded.alpha[k] * trace[k];
    return { values, scale: maxAbs(values) };
  }, [decoded, layer, index]);

  return (
    <Modal title={`Episode inspector — ${name}`} onClose={onClose} wide>
      <div className="inspector" data-testid="episode-inspector">
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {!recording && !error && <p className="muted">Recording an episode…</p>}
        {recording && (
          <>
            <div className="inspector-controls">
              {layer && recording.plastic.length > 1 && (
                <select aria-label="Plastic layer" value={layerIndex} onChange={(e) => setLayerIndex(Number(e.target.value))}>
                  {recording.plastic.map((p, k) => (
                    <option key={p.node} value={k}>
                      {p.node}
                    </option>
                  ))}
                </select>
              )}
              <button onClick={() => setPosition((p) => Math.max(0, p - 1))} aria-label="Previous step">
                ◀
              </button>
              <button onClick={() => setPlaying((p) => !p)}>{playing ? 'Pause' : 'Play'}</button>
              <button onClick={() => setPosition((p) => Math.min(steps.length - 1, p + 1))} aria-label="Next step">
                ▶
              </button>
              <input
                type="range"
                aria-label="Step"
                min={0}
                max={steps.length - 1}
                value={index}
                onChange={(e) => {
                  setPlaying(false);
                  setPosition(Number(e.target.value));
                }}
              />
              <span data-testid="inspector-step">
                step {steps[index] + 1} of {recording.steps}
              </span>
              {custom ? (
                <button onClick={() => play(null)}>Back to held-out episodes</button>
              ) : (
                <label className="muted">
                  episode <input aria-label="Episode seed" type="number" min={0} value={seed} onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
                </label>
              )}
            </div>
            {custom && <p className="muted">Your own episode, made in the sandbox below: the network's answer is at the last step.</p>}
            {scene && <TaskView scene={scene} />}
            {!layer && <p className="muted">This run's graph has no plastic layer to show.</p>}
            {layer && decoded && effective && (
              <>
                <div className="muted">
                  Layer “{layer.node}”: {layer.rows}×{layer.cols} connections, η = {layer.eta.toPrecision(3)}; parameters after {recording.trainedEpisodes.toLocaleString()} training episodes;{' '}
                  {custom ? 'your own episode' : 'a held-out episode'}. Heatmaps: rows are presynaptic neurons, columns postsynaptic (activity: rows are steps); red positive, blue
                  negative.
                </div>
                <div className="inspector-maps">
                  <Heatmap values={decoded.traces[index]} rows={layer.rows} cols={layer.cols} scale={decoded.traceScale} label="Hebbian trace" testId="inspector-trace" />
                  <Heatmap values={effective.values} rows={layer.rows} cols={layer.cols} scale={effective.scale} label="w + α·Hebb" testId="inspector-effective" />
                  <Heatmap values={decoded.output} rows={recording.steps} cols={layer.cols} scale={decoded.outputScale} label="activity (steps × neurons)" testId="inspector-activity" cellName={(t, j) => `step ${t + 1}, neuron ${j}`} />
                  <Heatmap values={decoded.w} rows={layer.rows} cols={layer.cols} scale={decoded.wScale} label="w (fixed during the episode)" testId="inspector-w" />
                  <Heatmap values={decoded.alpha} rows={layer.rows} cols={layer.cols} scale={decoded.alphaScale} label="α (plasticity of each connection)" testId="inspector-alpha" />
                </div>
              </>
            )}
          </>
        )}
        {omniglot && <OmniglotSandbox busy={running} onRun={(outputs) => play({ outputs })} />}
        {patterns && <PatternSandbox key={`${seed}`} episode={patterns} busy={running} onRun={(outputs) => play({ outputs })} />}
        {maze && <MazeSandbox maze={maze} busy={running} onRun={(rewardCell) => play({ environment: { rewardCell } })} />}
      </div>
    </Modal>
  );
}
