// `plasticity sweep report`: a sweep's aggregate as files a reader can check — report.md (jobs, final values with
// rank-sum tests, per-point tables), report.json (every number, one value per run kept) and SVG curves of the
// median with its inter-quartile band per variant.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderLineChart, type Series } from '../report/charts.ts';
import { formatPValue, formatSpread, formatValue } from '../report/metric-format.ts';
import { readGraphFile } from '../cli/load-graph.ts';
import { readEvaluations, readMetrics, readRunInfo } from '../train/run-folder.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { finalValues, heldOutCurve, heldOutValue, trainingCurve, type AggregatePoint, type FinalValues, type RunData } from './aggregate.ts';
import { describeSweepSize } from './sweep-document.ts';
import { jobGraphFile, jobStatuses, readSweepFolder, type JobStatus } from './sweep-folder.ts';

export interface SweepReport {
  readme: string;
  json: string;
  charts: string[];
}

const TRAINING_BINS = 50;
/** Rows of the per-point training table in report.md (every point is in report.json). */
const TRAINING_TABLE_ROWS = 10;


/** Metric names every run of the sweep records in training, the loss first. */
function trainingMetricNames(runs: RunData[]): string[] {
  const names = runs.map((r) => new Set(r.training.flatMap((m) => Object.keys(m).filter((k) => typeof m[k] === 'number'))));
  const common = [...(names[0] ?? [])].filter((n) => !['episode', 'seconds'].includes(n) && names.every((s) => s.has(n)));
  return [...common.filter((n) => n !== 'loss'), ...common.filter((n) => n === 'loss')];
}

function heldOutMetricNames(runs: RunData[]): string[] {
  const names = new Set(runs.flatMap((r) => r.evaluations.flatMap((e) => Object.keys(e.metrics))));
  return runs.some((r) => r.evaluations.length > 0) ? [...names, 'loss'] : [];
}

function pointTable(points: AggregatePoint[], groups: string[], metric: string): string[] {
  const pairs = [...new Set(points.flatMap((p) => p.comparisons.map((c) => `${c.a} vs ${c.b}`)))];
  const lines = [
    `| episodes | ${groups.map((g) => `${g}: median [IQR] (runs)`).join(' | ')} |${pairs.map((p) => ` p: ${p} |`).join('')}`,
    `| --- |${groups.map(() => ' --- |').join('')}${pairs.map(() => ' --- |').join('')}`,
  ];
  for (const point of points) {
    const ps = pairs.map((pair) => point.comparisons.find((c) => `${c.a} vs ${c.b}` === pair));
    lines.push(
      `| ${point.episodes.toLocaleString('en-US')} | ${groups.map((g) => formatSpread(metric, point.groups[g])).join(' | ')} |${ps.map((c) => ` ${c ? formatPValue(c.p) : '—'} |`).join('')}`,
    );
  }
  return lines;
}

function finalTable(finals: FinalValues[], groups: string[]): string[] {
  const lines = [
    `| measure | ${groups.map((g) => `${g}: median [IQR] (runs)`).join(' | ')} | compared | U | p (two-sided) |`,
    `| --- |${groups.map(() => ' --- |').join('')} --- | --- | --- |`,
  ];
  for (const f of finals) {
    const values = groups.map((g) => formatSpread(f.metric, f.groups[g])).join(' | ');
    if (f.comparisons.length === 0) lines.push(`| ${f.measure} | ${values} | — | — | — |`);
    for (const c of f.comparisons) lines.push(`| ${f.measure} | ${values} | ${c.a} vs ${c.b} | ${c.u} | ${formatPValue(c.p)} (${c.method}) |`);
  }
  return lines;
}

function jobTable(statuses: JobStatus[], runs: Map<string, RunData>, metric: string | undefined): string[] {
  const lines = [
    `| job | variant | seed | state | episodes | minutes (start to end) | final held-out ${metric ?? ''} |`.replace('  |', ' |'),
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const s of statuses) {
    const last = runs.get(s.id)?.evaluations.at(-1);
    const heldOut = last && metric ? heldOutValue(last, metric) : undefined;
    const batch = runs.get(s.id)?.batchSize ?? 1;
    const info = s.state === 'pending' ? undefined : readRunInfo(s.runDir);
    const elapsed = info?.finishedAt ? (Date.parse(info.finishedAt) - Date.parse(info.startedAt)) / 60_000 : undefined;
    const minutes = elapsed === undefined ? '—' : elapsed < 1 ? elapsed.toPrecision(1) : elapsed.toFixed(1);
    lines.push(
      `| \`${s.id}\` | ${s.group} | ${s.seed} | ${s.state}${s.error ? `: ${s.error}` : ''} | ${(s.episodesDone * batch).toLocaleString('en-US')} | ${minutes} | ${heldOut === undefined || !metric ? '—' : formatValue(metric, heldOut)} |`,
    );
  }
  return lines;
}

function bandSeries(points: AggregatePoint[], groups: string[]): Series[] {
  return groups.map((g) => ({
    name: g,
    points: points.filter((p) => p.groups[g]).map((p) => ({ x: p.episodes, y: p.groups[g].median, low: p.groups[g].q1, high: p.groups[g].q3 })),
  }));
}

function pValueSeries(points: AggregatePoint[]): Series[] {
  const pairs = [...new Set(points.flatMap((p) => p.comparisons.map((c) => `${c.a} vs ${c.b}`)))];
  return pairs.map((pair) => ({
    name: pair,
    points: points.flatMap((p) => p.comparisons.filter((c) => `${c.a} vs ${c.b}` === pair).map((c) => ({ x: p.episodes, y: c.p }))),
  }));
}

/** The runs of the sweep that have started, read from their folders. */
function readRuns(statuses: JobStatus[]): Map<string, RunData> {
  const runs = new Map<string, RunData>();
  for (const s of statuses) {
    if (s.state === 'pending') continue;
    const info = readRunInfo(s.runDir);
    runs.set(s.id, { id: s.id, group: s.group, seed: s.seed, batchSize: info.batchSize, training: readMetrics(s.runDir), evaluations: readEvaluations(s.runDir) });
  }
  return runs;
}

export async function writeSweepReport(sweepDir: string, options: { out?: string; command?: string } = {}): Promise<SweepReport> {
  const out = options.out ?? path.join(sweepDir, 'report');
  const { sweep, jobs } = readSweepFolder(sweepDir);
  const statuses = jobStatuses(sweepDir, jobs);
  const runs = readRuns(statuses);
  const runList = [...runs.values()];
  const groups = [...new Set(jobs.map((j) => j.group))];
  const trainingMetrics = trainingMetricNames(runList);
  const heldOutMetrics = heldOutMetricNames(runList);

  // A template's stated result (the paper's claim, or what was measured) is drawn beside the curves.
  const expected = jobs
    .map((j) => readGraphFile(jobGraphFile(sweepDir, j.id)).meta.expected)
    .find((e) => e !== undefined && (e.above !== undefined || e.below !== undefined));
  const referenceFor = (metric: string) => {
    const target = expected?.metric === metric ? (expected.above ?? expected.below) : undefined;
    return target === undefined ? {} : { reference: { y: target, label: `stated in the template: ${formatValue(metric, target)}` } };
  };

  fs.mkdirSync(out, { recursive: true });
  const charts: string[] = [];
  const chart = async (file: string, spec: Parameters<typeof renderLineChart>[0]) => {
    fs.writeFileSync(path.join(out, file), await renderLineChart(spec));
    charts.push(file);
  };
  const training = Object.fromEntries(trainingMetrics.map((m) => [m, trainingCurve(runList, m, TRAINING_BINS)]));
  const heldOut = Object.fromEntries(heldOutMetrics.map((m) => [m, heldOutCurve(runList, m)]));
  // The report leads with a held-out measure every variant was evaluated on (accuracy first), else a training one.
  const everyGroupHas = (points: AggregatePoint[]) => groups.every((g) => points.some((p) => p.groups[g]));
  const comparableHeldOut = ['accuracy', ...heldOutMetrics].find((m) => heldOut[m] && everyGroupHas(heldOut[m]));
  const headline = comparableHeldOut ?? trainingMetrics[0];
  const finals = [...new Set([headline, ...trainingMetrics])].filter(Boolean).flatMap((m) => finalValues(runList, m));

  for (const [metric, points] of Object.entries(heldOut)) {
    await chart(`heldout-${metric}.svg`, {
      title: `Held-out ${metric}: median and inter-quartile range over seeds`,
      xTitle: 'episodes trained',
      yTitle: metric,
      band: true,
      series: bandSeries(points, groups),
      ...referenceFor(metric),
    });
  }
  for (const [metric, points] of Object.entries(training)) {
    const span = points.length > 1 ? points[1].episodes - points[0].episodes : (points[0]?.episodes ?? 1);
    await chart(`training-${metric}.svg`, {
      title: `Training ${metric}: median and inter-quartile range over seeds`,
      xTitle: `episodes trained (each point: the mean over ${span.toLocaleString('en-US')} episode${span === 1 ? '' : 's'})`,
      yTitle: metric,
      band: true,
      series: bandSeries(points, groups),
      ...referenceFor(metric),
    });
  }
  const pSource = comparableHeldOut ? { label: 'held-out', points: heldOut[headline] } : training[headline] ? { label: 'training', points: training[headline] } : undefined;
  if (pSource && pSource.points.some((p) => p.comparisons.length > 0)) {
    await chart('p-values.svg', {
      title: `Rank-sum test per point: ${pSource.label} ${headline}`,
      xTitle: 'episodes trained',
      yTitle: 'p (Mann–Whitney U, two-sided)',
      yDomain: [0, 1],
      series: pValueSeries(pSource.points),
      reference: { y: 0.05, label: 'p = 0.05' },
    });
  }

  const counts = statuses.reduce<Record<string, number>>((c, s) => ({ ...c, [s.state]: (c[s.state] ?? 0) + 1 }), {});
  const commits = [...new Set(statuses.filter((s) => s.state !== 'pending').map((s) => readRunInfo(s.runDir).versions.commit ?? 'unknown'))];
  const cpus = os.cpus();
  const trainingRows = (points: AggregatePoint[]) => points.filter((_, i) => (i + 1) % Math.max(1, Math.round(points.length / TRAINING_TABLE_ROWS)) === 0 || i === points.length - 1);
  const lines = [
    `# ${sweep.name}`,
    '',
    ...(sweep.description ? [sweep.description, ''] : []),
    `${describeSweepSize(sweep)}: ${Object.entries(counts).map(([state, n]) => `${n} ${state}`).join(', ')}. Each point gives the median over a variant's runs with its inter-quartile range [25%, 75%] and the number of runs; p is a two-sided Mann–Whitney U (rank-sum) test between two variants' runs at that point, as in Miconi, Clune & Stanley 2018, Fig. 6.`,
    '',
    `Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB. Runs made at commit ${commits.join(', ') || '—'}. Report written ${new Date().toISOString()}${options.command ? ` by \`${options.command}\`` : ''}.`,
    '',
    '## Final values',
    '',
    ...finalTable(finals, groups),
    '',
    ...charts.filter((c) => c.endsWith('.svg')).flatMap((c) => [`![${c.replace(/\.svg$/, '').replace(/-/g, ' ')}](${c})`, '']),
    ...Object.entries(heldOut).filter(([m]) => m === headline).flatMap(([metric, points]) => [`## Held-out ${metric} per evaluation`, '', ...pointTable(points, groups, metric), '']),
    ...Object.entries(training).filter(([m]) => m === headline).flatMap(([metric, points]) => [`## Training ${metric} (every point is in report.json)`, '', ...pointTable(trainingRows(points), groups, metric), '']),
    '## Jobs',
    '',
    ...jobTable(statuses, runs, heldOutMetrics.length ? headline : undefined),
    '',
    `Each job is an ordinary run folder under \`${path.join(path.basename(sweepDir), 'runs')}/\`; \`plasticity report\` on one of them gives its own report.`,
    '',
  ];
  const readme = path.join(out, 'report.md');
  writeFileAtomic(readme, lines.join('\n'));
  const json = path.join(out, 'report.json');
  writeFileAtomic(
    json,
    JSON.stringify({ sweep: { name: sweep.name, size: describeSweepSize(sweep) }, groups, headline, headlineFrom: comparableHeldOut ? 'held-out' : 'training', jobs: statuses.map(({ graphFile: _g, runDir: _r, ...s }) => s), final: finals, heldOut, training }, null, 1) + '\n',
  );
  return { readme, json, charts };
}
