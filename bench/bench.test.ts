// The harness's pure parts: statistics, table, goal verdicts, option parsing, case selection, child output
// parsing and the signal hash shared with the PyTorch reference. No timings here (speed is
// measured by `npm run bench`, never by tests).
import { describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { BENCH_CASES, estimateReferencePeakMiB, findCase, referenceArgs, selectCases, withSteps } from './cases.ts';
import { parseChildLine, stderrTail } from './child.ts';
import { buildCommand, parseRunOptions } from './options.ts';
import { hash32, signs, ternary } from './signal.ts';
import { formatTable, goalVerdicts, maxLossDisagreement, median, ratio, relativeDifference, summarize, type TableRow } from './stats.ts';

describe('statistics', () => {
  it('median takes the middle value, or the mean of the two middle values, without reordering the input', () => {
    const odd = [5, 1, 3];
    expect(median(odd)).toBe(3);
    expect(odd).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 2])).toBe(6); // numeric sort, not string sort ("10" < "2")
    expect(() => median([])).toThrow();
  });

  it('summarize reports count, min, median and max', () => {
    expect(summarize([0.3, 0.1, 0.2, 0.9])).toEqual({ count: 4, min: 0.1, median: 0.25, max: 0.9 });
  });

  it('ratio is ours over the reference, and null when a side is missing or the reference is zero', () => {
    expect(ratio(1.5, 3)).toBe(0.5);
    expect(ratio(null, 3)).toBeNull();
    expect(ratio(1, undefined)).toBeNull();
    expect(ratio(1, 0)).toBeNull();
  });

  it('loss disagreement is the worst relative difference at matching episodes; NaN is total disagreement', () => {
    expect(relativeDifference(100, 99)).toBeCloseTo(0.01, 12);
    expect(relativeDifference(0, 0)).toBe(0);
    expect(maxLossDisagreement([100, 50, 7], [100, 49.5])).toBeCloseTo(0.01, 12);
    expect(maxLossDisagreement([1, Number.NaN], [1, 1])).toBe(Infinity);
    expect(maxLossDisagreement([], [1])).toBeNull();
  });
});

describe('results table and goal', () => {
  const rows: TableRow[] = [
    {
      caseId: 'a',
      ours: { count: 3, min: 0.5, median: 0.6, max: 0.7 },
      reference: { count: 3, min: 1.0, median: 1.2, max: 1.5 },
      oursPeakMiB: 200,
      referencePeakMiB: 2800,
      lossDisagreement: 2.5e-7,
    },
    {
      caseId: 'c',
      ours: { count: 3, min: 3, median: 4, max: 5 },
      reference: null,
      oursPeakMiB: 300,
      referencePeakMiB: null,
      lossDisagreement: null,
      note: 'PyTorch failed',
    },
  ];

  it('prints one aligned Markdown row per case with spreads, ratios, memory and loss agreement', () => {
    const lines = formatTable(rows).split('\n');
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    const cellsOf = (line: string) => line.split('|').slice(1, -1).map((c) => c.trim());
    expect(cellsOf(lines[2])).toEqual(['a', '0.50 / 0.60 / 0.70', '1.00 / 1.20 / 1.50', '0.50×', '200', '2800', '0.07×', '2.5e-7']);
    expect(cellsOf(lines[3])).toEqual(['c (PyTorch failed)', '3.00 / 4.00 / 5.00', '—', '—', '300', '—', '—', '—']);
  });

  it('the goal needs both ratios within bounds, and only concerns cases a and c', () => {
    const verdicts = goalVerdicts([...rows, { ...rows[0], caseId: 'b' }]);
    expect(verdicts.map((v) => v.caseId)).toEqual(['a', 'c']);
    expect(verdicts[0]).toMatchObject({ met: true, timeRatio: 0.5 });
    expect(verdicts[1].met).toBe(false);
    const tooBig = goalVerdicts([{ ...rows[0], oursPeakMiB: 300 }]);
    expect(tooBig[0].met).toBe(false);
    const tooSlow = goalVerdicts([{ ...rows[0], ours: { count: 1, min: 1.3, median: 1.3, max: 1.3 } }]);
    expect(tooSlow[0].met).toBe(false);
  });
});

describe('cases and options', () => {
  it('the issue cases have the paper tasks shapes', () => {
    expect(findCase('a')).toMatchObject({ size: 1001, steps: 106, batch: 1, patternSize: 1000 });
    expect(findCase('b')).toMatchObject({ size: 1025, steps: 201, batch: 1, inputMode: 'clamp' });
    expect(findCase('c')).toMatchObject({ size: 1000, batch: 8 });
    expect(findCase('d1')).toMatchObject({ shape: 'maze', size: 100, steps: 250, batch: 1, rule: 'oja' });
    expect(findCase('d30').batch).toBe(30);
    expect(new Set(BENCH_CASES.map((c) => c.id)).size).toBe(BENCH_CASES.length);
  });

  it('selects cases by id or family, in catalogue order, and rejects unknown ones', () => {
    expect(selectCases('c, a').map((c) => c.id)).toEqual(['a', 'c']);
    expect(selectCases('d').map((c) => c.id)).toEqual(['d1', 'd30']);
    expect(selectCases('d30').map((c) => c.id)).toEqual(['d30']);
    expect(() => selectCases('e')).toThrow(/unknown case "e"/);
    expect(() => selectCases(' , ')).toThrow(/no cases/);
  });

  it('defaults to every issue case, 3 rounds, 1 warm-up and 3 timed episodes, PyTorch default threads', () => {
    const o = parseRunOptions([]);
    expect(o.cases.map((c) => c.id)).toEqual(['a', 'b', 'c', 'd1', 'd30', 'o1', 'o8', 'o8t', 'o8s']);
    expect(o).toMatchObject({ rounds: 3, warmup: 1, episodes: 3, torchThreads: null, oursThreads: null, oursOnly: false, backend: 'wasm' });
  });

  it('parses --cases, --rounds, --episodes, --torch-threads and --ours-only', () => {
    const o = parseRunOptions(['--cases', 'a,c', '--rounds', '5', '--episodes=2', '--warmup', '0', '--torch-threads', '2', '--ours-threads', '1', '--ours-only']);
    expect(o.cases.map((c) => c.id)).toEqual(['a', 'c']);
    expect(o).toMatchObject({ rounds: 5, episodes: 2, warmup: 0, torchThreads: 2, oursThreads: 1, oursOnly: true });
  });

  it('--steps shortens every selected case on both sides', () => {
    const o = parseRunOptions(['--cases', 'a,c', '--steps', '40']);
    expect(o.steps).toBe(40);
    expect(o.cases.map((c) => c.steps)).toEqual([40, 40]);
    expect(o.cases[0].title).toMatch(/T=40/);
    expect(referenceArgs(o.cases[1], { episodes: 1, warmup: 0 })).toContain('--steps=40');
    expect(withSteps(findCase('a'), 106)).toBe(findCase('a'));
  });

  it("estimates the PyTorch reference's peak memory near the peaks measured on this machine", () => {
    // Measured with torch 1.13: case a peaked at 2.8 GB; N=1000, B=8, T=40 at 8.3 GB.
    expect(estimateReferencePeakMiB(findCase('a')) / 1024).toBeGreaterThan(2.6);
    expect(estimateReferencePeakMiB(findCase('a')) / 1024).toBeLessThan(3.3);
    const c40 = estimateReferencePeakMiB(withSteps(findCase('c'), 40)) / 1024;
    expect(c40).toBeGreaterThan(7.5);
    expect(c40).toBeLessThan(9.5);
  });

  it('rejects bad numbers and unknown cases', () => {
    const quiet = () => buildCommand().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    expect(() => parseRunOptions(['--rounds', '0'], quiet())).toThrow(CommanderError);
    expect(() => parseRunOptions(['--episodes', '1.5'], quiet())).toThrow(CommanderError);
    expect(() => parseRunOptions(['--cases', 'z'], quiet())).toThrow(/unknown case "z"/);
  });

  it('hands the PyTorch reference the same shape, rule, input mode and schedule', () => {
    const args = referenceArgs(findCase('b'), { episodes: 4, warmup: 2 });
    expect(args).toEqual(
      expect.arrayContaining(['--size=1025', '--steps=201', '--batch=1', '--rule=hebb', '--input-mode=clamp', '--pattern-size=1024', '--episodes=4', '--warmup=2', '--lr=0.0001']),
    );
    expect(args.some((a) => a.startsWith('--threads'))).toBe(false);
    const maze = referenceArgs(findCase('d30'), { episodes: 1, warmup: 0, threads: 2 });
    expect(maze).toEqual(expect.arrayContaining(['--shape=maze', '--batch=30', '--rule=oja', '--in-features=17', '--out-features=5', '--threads=2']));
    // Omniglot at batch 1 is measured against the authors' structure (convolutions step by step), at batch 8 against all images at once.
    expect(referenceArgs(findCase('o1'), { episodes: 1, warmup: 0 })).toEqual(expect.arrayContaining(['--shape=omniglot', '--batch=1', '--conv-per-step']));
    expect(referenceArgs(findCase('o8'), { episodes: 1, warmup: 0 })).not.toContain('--conv-per-step');
  });
});

describe('child output', () => {
  it('parses episode and done lines and ignores anything else', () => {
    expect(parseChildLine('{"event": "episode", "index": 2, "warmup": false, "seconds": 1.5, "loss": 3}')).toEqual({
      event: 'episode',
      index: 2,
      warmup: false,
      seconds: 1.5,
      loss: 3,
    });
    expect(parseChildLine('{"event":"episode","index":0,"warmup":true,"seconds":2,"loss":null}')).toMatchObject({ loss: NaN });
    expect(parseChildLine('{"event":"done","peakRssKB":1024,"backend":"x"}')).toMatchObject({ event: 'done', peakRssKB: 1024 });
    expect(parseChildLine('Hi there. Looks like you are running TensorFlow.js in Node.js')).toBeNull();
    expect(parseChildLine('{"event":"done"}')).toBeNull();
    expect(parseChildLine('{broken')).toBeNull();
  });

  it('keeps the last lines of stderr and clips very long ones', () => {
    const text = ['one', 'two', 'x'.repeat(500), 'four', ''].join('\n');
    const tail = stderrTail(text, 2, 10);
    expect(tail).toBe(`${'x'.repeat(10)}…\nfour`);
  });

  it('puts the error message in front of a tail that is only a stack trace', () => {
    const text = ['noise', 'Error: trace went NaN at step 7', ...Array.from({ length: 20 }, (_, i) => `    at frame${i} (kernel.ts:${i})`)].join('\n');
    const lines = stderrTail(text, 3).split('\n');
    expect(lines[0]).toBe('Error: trace went NaN at step 7');
    expect(lines.slice(2)).toEqual(['    at frame17 (kernel.ts:17)', '    at frame18 (kernel.ts:18)', '    at frame19 (kernel.ts:19)']);
  });
});

describe('signals shared with the PyTorch reference', () => {
  it('matches values printed by bench/reference/plastic_rnn.py (numpy uint64 arithmetic)', () => {
    // From: python3 -c "from plastic_rnn import *; print(list(hash32(1, 5)), list(hash32(65539, 4)))"
    expect([0, 1, 2, 3, 4].map((i) => hash32(1, i))).toEqual([3298878556, 39170614, 1056058362, 2670740862, 2711730819]);
    expect([0, 1, 2, 3].map((i) => hash32(65539, i))).toEqual([426241066, 1709992874, 1660959328, 2913851324]);
    expect(Array.from(ternary(65536, 8))).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(signs(131072, 8))).toEqual([1, -1, -1, 1, 1, 1, -1, 1]);
  });

  it('ternary inputs are about half zeros, and the rest balanced', () => {
    const values = ternary(7, 20_000);
    const zeros = values.filter((v) => v === 0).length / values.length;
    const plus = values.filter((v) => v === 1).length / values.length;
    expect(zeros).toBeGreaterThan(0.48);
    expect(zeros).toBeLessThan(0.52);
    expect(plus).toBeGreaterThan(0.23);
    expect(plus).toBeLessThan(0.27);
  });
});
