// Pure summaries of benchmark samples and the printed table. No timing or I/O here, so it is unit-tested.

export interface Summary {
  count: number;
  min: number;
  median: number;
  max: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summary of no values');
  return { count: values.length, min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/** ours / reference, or null when either side is missing or the reference is not positive. */
export function ratio(ours: number | null | undefined, reference: number | null | undefined): number | null {
  if (ours == null || reference == null || !(reference > 0)) return null;
  return ours / reference;
}

/** |a − b| / max(|a|, |b|): 0 for equal values, scale-free otherwise. */
export function relativeDifference(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

/**
 * Largest relative difference between the two sides' losses at the same episode index (both start from the
 * same parameters and see the same inputs). NaN on either side counts as a total disagreement (Infinity).
 */
export function maxLossDisagreement(ours: readonly number[], reference: readonly number[]): number | null {
  const shared = Math.min(ours.length, reference.length);
  if (shared === 0) return null;
  let worst = 0;
  for (let i = 0; i < shared; i++) {
    const d = Number.isFinite(ours[i]) && Number.isFinite(reference[i]) ? relativeDifference(ours[i], reference[i]) : Infinity;
    worst = Math.max(worst, d);
  }
  return worst;
}

/** One row of the results table; null marks a side that did not run. */
export interface TableRow {
  caseId: string;
  ours: Summary | null;
  reference: Summary | null;
  oursPeakMiB: number | null;
  referencePeakMiB: number | null;
  lossDisagreement: number | null;
  note?: string;
}

const dash = '—';
const seconds = (v: number) => (v >= 10 ? v.toFixed(1) : v >= 0.1 ? v.toFixed(2) : v.toFixed(3));
const spread = (s: Summary | null) => (s ? `${seconds(s.min)} / ${seconds(s.median)} / ${seconds(s.max)}` : dash);
const times = (r: number | null) => (r == null ? dash : `${r.toFixed(2)}×`);
const megabytes = (v: number | null) => (v == null ? dash : v.toFixed(0));
const scientific = (v: number | null) => (v == null ? dash : v === Infinity ? 'NaN!' : v.toExponential(1));

/** A Markdown table (readable in a terminal, pasteable into bench/README.md). */
export function formatTable(rows: readonly TableRow[]): string {
  const header = [
    'case',
    'ours s/episode min / med / max',
    'PyTorch s/episode min / med / max',
    'time ours/PyTorch (median)',
    'ours peak MiB',
    'PyTorch peak MiB',
    'memory ours/PyTorch',
    'loss rel. diff',
  ];
  const body = rows.map((r) => [
    r.note ? `${r.caseId} (${r.note})` : r.caseId,
    spread(r.ours),
    spread(r.reference),
    times(ratio(r.ours?.median, r.reference?.median)),
    megabytes(r.oursPeakMiB),
    megabytes(r.referencePeakMiB),
    times(ratio(r.oursPeakMiB, r.referencePeakMiB)),
    scientific(r.lossDisagreement),
  ]);
  const widths = header.map((h, col) => Math.max(h.length, ...body.map((cells) => cells[col].length)));
  const line = (cells: string[]) => `| ${cells.map((c, col) => c.padEnd(widths[col])).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** The bar for cases (a) and (c): median time ≤ 1.0× PyTorch's and peak memory ≤ 0.1× PyTorch's. */
export const GOAL = { cases: ['a', 'c'], timeRatio: 1.0, memoryRatio: 0.1 } as const;

export interface GoalVerdict {
  caseId: string;
  timeRatio: number | null;
  memoryRatio: number | null;
  met: boolean;
}

/** Verdicts for the goal's cases among `rows`; a case without both sides' numbers is not met. */
export function goalVerdicts(rows: readonly TableRow[]): GoalVerdict[] {
  return rows
    .filter((r) => (GOAL.cases as readonly string[]).includes(r.caseId))
    .map((r) => {
      const timeRatio = ratio(r.ours?.median, r.reference?.median);
      const memoryRatio = ratio(r.oursPeakMiB, r.referencePeakMiB);
      const met = timeRatio != null && memoryRatio != null && timeRatio <= GOAL.timeRatio && memoryRatio <= GOAL.memoryRatio;
      return { caseId: r.caseId, timeRatio, memoryRatio, met };
    });
}
