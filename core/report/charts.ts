// Report charts as SVG files: Vega-Lite specifications rendered headless by Vega (no browser, no canvas),
// so a report is plain files a reader can open anywhere and a diff can show.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface Series {
  name: string;
  points: { x: number; y: number; low?: number | null; high?: number | null }[];
}

export interface LineChart {
  title: string;
  xTitle: string;
  yTitle: string;
  series: Series[];
  /** Draw a band between each point's low and high (confidence intervals). */
  band?: boolean;
  /** A horizontal reference line, e.g. the paper's result. */
  reference?: { y: number; label: string };
  yDomain?: [number, number];
}

export async function renderLineChart(chart: LineChart): Promise<string> {
  const values = chart.series.flatMap((s) => s.points.map((p) => ({ run: s.name, x: p.x, y: p.y, low: p.low ?? p.y, high: p.high ?? p.y })));
  const x = { field: 'x', type: 'quantitative' as const, title: chart.xTitle };
  const y = { field: 'y', type: 'quantitative' as const, title: chart.yTitle, scale: chart.yDomain ? { domain: chart.yDomain, zero: false } : { zero: false } };
  const color = { field: 'run', type: 'nominal' as const, title: null, legend: { orient: 'bottom', direction: 'vertical', labelLimit: 0 } };
  const layers: object[] = [];
  if (chart.band) layers.push({ mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color } });
  layers.push({ mark: { type: 'line', point: chart.band }, encoding: { x, y, color } });
  if (chart.reference) {
    layers.push({
      data: { values: [{ y: chart.reference.y, label: chart.reference.label }] },
      layer: [
        { mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        { mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: 'gray' }, encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' }, x: { value: 0 } } },
      ],
    });
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.title,
    width: 560,
    height: 260,
    data: { values },
    layer: layers,
  } as unknown as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
