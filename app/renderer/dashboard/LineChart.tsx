// A live line chart drawn with uPlot: canvas-based and built for streaming time series, it redraws
// thousands of points per update without the cost of SVG/DOM charts. Several runs (with different episode
// counts) are aligned on the episode axis with uPlot.join so earlier runs can be overlaid.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  x: number[];
  y: (number | null)[];
  dashed?: boolean;
  /** Drawn thin and translucent: the raw values behind a smoothed line. */
  faint?: boolean;
  /** Computed from another series (a moving average), so not counted as data points. */
  derived?: boolean;
  /** Sparse values (held-out evaluations): drawn as dots joined by a line. */
  markers?: boolean;
  /** On the right-hand axis: a run of another task, whose values are on another scale. */
  rightAxis?: boolean;
}

/** `#rrggbb` with an alpha channel. */
function translucent(color: string, alpha: number): string {
  return /^#[0-9a-f]{6}$/i.test(color) ? color + Math.round(alpha * 255).toString(16).padStart(2, '0') : color;
}

/** Whole-number tick spacings for the episode axis. */
const EPISODE_TICK_STEPS = Array.from({ length: 8 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();

export function LineChart({ title, series, logScale, height = 220, testId }: { title: string; series: ChartSeries[]; logScale?: boolean; height?: number; testId?: string }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  /** The chart is rebuilt only when its series change (not when they grow). */
  const shapeKey = JSON.stringify([series.map((s) => [s.label, s.color, s.dashed, s.faint, s.markers, s.rightAxis]), logScale]);

  useEffect(() => {
    const el = container.current!;
    const right = series.some((s) => s.rightAxis);
    const yScale = logScale ? { distr: 3 as const } : { auto: true };
    const axisStyle = { stroke: '#9aa4b2', grid: { stroke: '#2a3140' }, ticks: { stroke: '#2a3140' }, size: 60 };
    const options: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: yScale, ...(right && { other: yScale }) },
      axes: [
        // Episodes are whole: ticks only at whole steps (1, 2, 5, 10, 20, 50, …), never at 2.5.
        { label: 'episode', stroke: '#9aa4b2', grid: { stroke: '#2a3140' }, ticks: { stroke: '#2a3140' }, incrs: EPISODE_TICK_STEPS },
        axisStyle,
        // Runs of another task get their own scale on the right instead of flattening this one's curves.
        ...(right ? [{ ...axisStyle, scale: 'other', side: 1 as const, grid: { show: false }, label: 'other task' }] : []),
      ],
      series: [
        { label: 'episode', value: (_u: uPlot, v: number | null) => (v === null ? '–' : Math.round(v).toLocaleString('en-US')) },
        ...series.map((s) => ({
          label: s.label,
          scale: s.rightAxis ? 'other' : 'y',
          stroke: s.faint ? translucent(s.color, 0.35) : s.color,
          width: s.faint ? 1 : s.derived ? 2 : 1.5,
          dash: s.dashed ? [6, 4] : undefined,
          spanGaps: true,
          points: s.markers ? { show: true, size: 7, fill: s.color } : { show: false },
        })),
      ],
    };
    plot.current = new uPlot(options, alignedData(series, logScale), el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shapeKey, height]);

  useEffect(() => {
    plot.current?.setData(alignedData(series, logScale));
  }, [series, logScale]);

  // Training points and held-out evaluations are counted apart: one per metrics.jsonl line, one per evaluation.
  const points = series.reduce((n, s) => n + (s.derived || s.markers ? 0 : s.x.length), 0);
  const heldOut = series.reduce((n, s) => n + (s.markers ? s.x.length : 0), 0);
  return (
    <figure className="chart" data-testid={testId} data-points={points} data-held-out={heldOut} data-series={series.length}>
      <figcaption>{title}</figcaption>
      <div ref={container} className="chart-area" />
      {points + heldOut === 0 && <p className="chart-empty muted">No data yet.</p>}
    </figure>
  );
}

function alignedData(series: ChartSeries[], logScale?: boolean): uPlot.AlignedData {
  // A log axis cannot show zero or negative values; they are left out rather than breaking the chart.
  const clean = (y: (number | null)[]) => (logScale ? y.map((v) => (v !== null && v > 0 ? v : null)) : y);
  if (series.length === 0) return [[]];
  if (series.length === 1) return [series[0].x, clean(series[0].y)] as uPlot.AlignedData;
  return uPlot.join(series.map((s) => [s.x, clean(s.y)] as uPlot.AlignedData));
}
