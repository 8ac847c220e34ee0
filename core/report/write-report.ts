// A results report: one folder with README.md (settings, numbers, commands, machine) and SVG curves,
// written from real run folders by `plasticity report`, so every number in it can be traced to a run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderLineChart } from './charts.ts';
import { formatValue } from './metric-format.ts';
import { summarizeRun, type RunSummary } from './run-summary.ts';
import type { Interval } from '../train/statistics.ts';
import { mannWhitneyU } from '../train/rank-sum.ts';

export interface ReportOptions {
  out: string;
  title: string;
  /** Paragraphs placed under the title (what was compared and why). */
  notes?: string[];
  /** The command that wrote the report, shown in it. */
  command?: string;
}

const formatInterval = (metric: string, i: Interval) =>
  `${formatValue(metric, i.mean)}${i.low === null || i.high === null ? '' : ` [${formatValue(metric, i.low)}, ${formatValue(metric, i.high)}]`}`;
const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;
const runName = (run: RunSummary) => `${run.graph.meta.name}, seed ${run.info.seed} (${path.basename(run.dir)})`;

/** The metric a report leads with: the held-out one the runs were evaluated on (accuracy first; the loss when it is the only one). */
function headlineMetric(runs: RunSummary[]): string | undefined {
  const names = new Set(runs.flatMap((r) => r.evaluations.flatMap((e) => Object.keys(e.metrics))));
  if (names.has('accuracy')) return 'accuracy';
  return [...names][0] ?? (runs.some((r) => r.evaluations.length > 0) ? 'loss' : undefined);
}

/** An evaluation's interval for a metric, the loss included. */
const heldOut = (e: RunSummary['evaluations'][number], metric: string): Interval | undefined => (metric === 'loss' ? e.loss : e.metrics[metric]);

/**
 * Runs grouped by graph (the variants compared), and per pair of groups a two-sided Mann–Whitney U test on the
 * runs' final held-out values and on their last-10% training values (one value per run, as the paper compares seeds).
 */
function comparisonTable(runs: RunSummary[], metric: string): string[] {
  const groups = new Map<string, RunSummary[]>();
  for (const run of runs) groups.set(run.graph.meta.name, [...(groups.get(run.graph.meta.name) ?? []), run]);
  if (groups.size < 2) return [];
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const finalHeldOut = (r: RunSummary) => {
    const last = r.evaluations.at(-1);
    return last ? heldOut(last, metric)?.mean : undefined;
  };
  const lastTenth = (r: RunSummary) => r.finalTenth[metric]?.mean;
  const lines = [
    `| measure | ${[...groups.keys()].map((g) => `median: ${g}`).join(' | ')} | groups compared | U | p (two-sided) |`,
    `| --- | ${[...groups.keys()].map(() => '---').join(' | ')} | --- | --- | --- |`,
  ];
  const names = [...groups.keys()];
  for (const [label, value] of [[`final held-out ${metric}`, finalHeldOut], [`training ${metric}, last 10%`, lastTenth]] as const) {
    const values = names.map((g) => groups.get(g)!.map(value).filter((v): v is number => v !== undefined));
    if (values.some((v) => v.length === 0)) continue;
    for (let a = 0; a < names.length; a++) {
      for (let b = a + 1; b < names.length; b++) {
        const test = mannWhitneyU(values[a], values[b]);
        lines.push(
          `| ${label} | ${values.map((v) => `${formatValue(metric, median(v))} (${v.length} runs)`).join(' | ')} | ${names[a]} vs ${names[b]} | ${test.u} | ${test.p.toPrecision(2)} (${test.method}) |`,
        );
      }
    }
  }
  return [...lines, '', `One value per run; with n runs per group the smallest two-sided p an exact test can give is 2/C(2n, n) (${[2, 3, 4, 5].map((n) => `n = ${n}: ${(2 / binomial(2 * n, n)).toPrecision(2)}`).join(', ')}).`];
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

function runTable(runs: RunSummary[], metric: string | undefined): string[] {
  const lines = [
    `| run | seed | steps × batch | episodes seen | training time | start to end | training ${metric ?? 'metric'}, last 10% of steps (95% CI) | final held-out ${metric ?? 'metric'} (95% CI) | evaluated on | status |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const run of runs) {
    const last = run.evaluations[run.evaluations.length - 1];
    const interval = last && metric ? heldOut(last, metric) : undefined;
    const result = interval && metric ? formatInterval(metric, interval) : '—';
    const where = last ? `${last.episodes.toLocaleString('en-US')} ${last.split} episodes` : '—';
    const elapsed = run.info.finishedAt ? minutes((Date.parse(run.info.finishedAt) - Date.parse(run.info.startedAt)) / 1000) : '—';
    const tail = metric && run.finalTenth[metric] ? formatInterval(metric, run.finalTenth[metric]) : '—';
    lines.push(
      `| \`${path.basename(run.dir)}\` | ${run.info.seed} | ${run.steps.toLocaleString('en-US')} × ${run.info.batchSize} | ${run.episodesSeen.toLocaleString('en-US')} | ${minutes(run.wallSeconds)} | ${elapsed} | ${tail} | ${result} | ${where} | ${run.info.status} |`,
    );
  }
  return lines;
}

function evaluationTable(run: RunSummary, metric: string): string[] {
  const withLoss = metric !== 'loss';
  const lines = [`| step | episodes seen | minutes | ${metric} (95% CI) |${withLoss ? ' loss |' : ''}`, `| --- | --- | --- | --- |${withLoss ? ' --- |' : ''}`];
  for (const e of run.evaluations) {
    const m = heldOut(e, metric);
    lines.push(
      `| ${e.episode.toLocaleString('en-US')} | ${(e.episode * run.info.batchSize).toLocaleString('en-US')} | ${e.minutes.toFixed(1)} | ${m ? formatInterval(metric, m) : '—'} |${withLoss ? ` ${formatInterval('loss', e.loss)} |` : ''}`,
    );
  }
  return lines;
}

function provenance(run: RunSummary): string[] {
  const v = run.info.versions;
  return [
    `- \`${path.basename(run.dir)}\`: ${run.graph.meta.name}; commit ${v.commit ?? 'unknown'}; backend ${run.info.backend}; Plasticity Studio ${v.plasticityStudio}, tfjs ${v.tfjs}, Node ${v.node}${v.nativeKernels ? `, native kernels ${v.nativeKernels}` : ''}; started ${run.info.startedAt}${run.info.finishedAt ? `, ended ${run.info.finishedAt}` : ''}`,
    ...(run.info.commands ?? []).map((c) => `  - \`${c}\``),
  ];
}

export async function writeReport(runDirs: string[], options: ReportOptions): Promise<{ readme: string; charts: string[] }> {
  const runs = runDirs.map((dir) => summarizeRun(dir));
  const metric = headlineMetric(runs);
  fs.mkdirSync(options.out, { recursive: true });
  const charts: string[] = [];
  const writeChart = (file: string, svg: string) => {
    fs.writeFileSync(path.join(options.out, file), svg);
    charts.push(file);
  };
  if (metric) {
    const expected = runs.map((r) => r.graph.meta.expected).find((e) => e?.metric === metric);
    const target = expected?.above ?? expected?.below;
    writeChart(
      `heldout-${metric}.svg`,
      await renderLineChart({
        title: `Held-out ${metric} (95% CI) against training time`,
        xTitle: 'minutes of training',
        yTitle: metric,
        band: true,
        series: runs.map((r) => ({
          name: runName(r),
          points: r.evaluations
            .map((e) => ({ e, m: heldOut(e, metric) }))
            .filter((p): p is { e: typeof p.e; m: Interval } => p.m !== undefined)
            .map(({ e, m }) => ({ x: e.minutes, y: m.mean, low: m.low, high: m.high })),
        })),
        ...(target !== undefined && { reference: { y: target, label: `target ${formatValue(metric, target)}` } }),
      }),
    );
  }
  if (metric && runs.some((r) => r.trainingMetrics[metric]?.length)) {
    // Two axes on the same curve: episodes (the paper's figures) and wall time (what a laptop can afford).
    for (const [axis, xTitle, x] of [
      ['episodes', 'episodes trained', (r: RunSummary, p: { step: number }) => p.step * r.info.batchSize],
      ['minutes', 'minutes of training', (_r: RunSummary, p: { minutes: number }) => p.minutes],
    ] as const) {
      writeChart(
        `training-${metric}-by-${axis}.svg`,
        await renderLineChart({
          title: `Training ${metric} on training episodes (mean over bins of steps) against ${xTitle}`,
          xTitle,
          yTitle: metric,
          series: runs.map((r) => ({ name: runName(r), points: (r.trainingMetrics[metric] ?? []).map((p) => ({ x: x(r, p), y: p.value })) })),
        }),
      );
    }
  }
  writeChart(
    'training-loss.svg',
    await renderLineChart({
      title: 'Training loss (mean over bins of steps)',
      xTitle: 'training steps',
      yTitle: 'loss',
      series: runs.map((r) => ({ name: runName(r), points: r.loss.map((p) => ({ x: p.step, y: p.value })) })),
    }),
  );

  const cpus = os.cpus();
  const lines = [
    `# ${options.title}`,
    '',
    ...(options.notes ?? []).flatMap((n) => [n, '']),
    `Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}. Report written ${new Date().toISOString()}${options.command ? ` by \`${options.command}\`` : ''}.`,
    '',
    '## Runs',
    '',
    ...runTable(runs, metric),
    '',
    ...(metric ? [`![held-out ${metric}](heldout-${metric}.svg)`, ''] : []),
    ...charts.filter((c) => c.startsWith('training-') && c !== 'training-loss.svg').flatMap((c) => [`![${c.replace(/\.svg$/, '').replace(/-/g, ' ')}](${c})`, '']),
    '![training loss](training-loss.svg)',
    '',
    '"Training time" sums the steps\' and the evaluations\' own durations; "start to end" is the clock from the run\'s start (data loading included) to its end, across resumes. "Step" is one optimizer step on a batch of episodes.',
    '',
  ];
  const comparison = metric ? comparisonTable(runs, metric) : [];
  if (comparison.length > 0) lines.push('## Variants compared (Mann–Whitney U)', '', ...comparison, '');
  if (metric) {
    for (const run of runs) {
      if (run.evaluations.length === 0) continue;
      lines.push(`## Held-out evaluations: ${runName(run)}`, '', ...evaluationTable(run, metric), '');
    }
  }
  lines.push('## How these runs were made', '', ...runs.flatMap(provenance), '');
  const readme = path.join(options.out, 'README.md');
  fs.writeFileSync(readme, lines.join('\n'));
  return { readme, charts };
}
