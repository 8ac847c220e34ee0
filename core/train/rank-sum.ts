// The Mann–Whitney U (Wilcoxon rank-sum) test between two groups of runs, two-sided, as the paper compares
// plastic and non-plastic networks over seeds (Miconi, Clune & Stanley 2018, Fig. 6). It follows the
// conventions of SciPy's mannwhitneyu (default method): U is the first group's statistic; the p-value is exact
// when both groups have fewer than 8 values and there are no ties, else from the normal approximation with
// the tie correction and a continuity correction of ½.
import erfc from '@stdlib/math-base-special-erfc';

export interface RankSumResult {
  /** U of the first group: the number of (x, y) pairs with x > y, ties counting ½. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  method: 'exact' | 'normal approximation';
}

/** Midranks (1-based) of the pooled values, and Σ(t³ − t) over groups of t tied values. */
function midranks(values: number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && order[end][0] === order[start][0]) end++;
    const t = end - start;
    for (let k = start; k < end; k++) ranks[order[k][1]] = (start + 1 + end) / 2;
    tieTerm += t ** 3 - t;
    start = end;
  }
  return { ranks, tieTerm };
}

/** Number of arrangements of m and n values (no ties) giving each U = 0 … m·n, by the usual recursion. */
function exactCounts(m: number, n: number): number[] {
  // counts[i][j][u]: arrangements of i values of the first group and j of the second with U = u.
  let previous: number[][] = Array.from({ length: n + 1 }, () => [1]);
  for (let i = 1; i <= m; i++) {
    const current: number[][] = [[1]];
    for (let j = 1; j <= n; j++) {
      // The largest value belongs to the first group (it beats all j others) or to the second.
      const withFirst = previous[j];
      const withSecond = current[j - 1];
      const row = new Array<number>(i * j + 1).fill(0);
      withFirst.forEach((c, u) => (row[u + j] += c));
      withSecond.forEach((c, u) => (row[u] += c));
      current.push(row);
    }
    previous = current;
  }
  return previous[n];
}

export function mannWhitneyU(x: readonly number[], y: readonly number[]): RankSumResult {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new Error(`mannWhitneyU: both groups need values (got ${m} and ${n})`);
  if ([...x, ...y].some((v) => !Number.isFinite(v))) throw new Error('mannWhitneyU: every value must be a finite number');
  const { ranks, tieTerm } = midranks([...x, ...y]);
  const rankSum = ranks.slice(0, m).reduce((a, b) => a + b, 0);
  const u = rankSum - (m * (m + 1)) / 2;
  const mean = (m * n) / 2;
  if (m < 8 && n < 8 && tieTerm === 0) {
    const counts = exactCounts(m, n);
    const total = counts.reduce((a, b) => a + b, 0);
    const atMost = (k: number) => counts.slice(0, Math.floor(k) + 1).reduce((a, b) => a + b, 0) / total;
    // The distribution is symmetric about m·n/2: the tail beyond the larger of U and m·n − U, doubled.
    const smaller = Math.min(u, m * n - u);
    return { u, p: Math.min(1, 2 * atMost(smaller)), method: 'exact' };
  }
  const size = m + n;
  const sd = Math.sqrt(((m * n) / 12) * (size + 1 - tieTerm / (size * (size - 1))));
  const z = (Math.max(u, m * n - u) - mean - 0.5) / sd;
  return { u, p: Math.min(1, erfc(z / Math.SQRT2)), method: 'normal approximation' };
}
