// The benchmark cases: network shapes of the paper's tasks (Miconi et al. 2018, §4), each run by our engine
// (bench/ours.ts) and by the PyTorch reference (bench/reference/plastic_rnn.py) with the same arguments.
import type { PlasticityRule } from '../core/plasticity/spec.ts';

export interface BenchCase {
  id: string;
  title: string;
  /**
   * 'recurrent': drive = gain·input, loss on the last step; 'maze': Linear(17→N) → plastic → Linear(N→5), loss on
   * every step; 'omniglot': the Omniglot template's network (4 convolutions + plastic softmax head, 6 steps).
   */
  shape: 'recurrent' | 'maze' | 'omniglot';
  /** Omniglot: the reference runs its convolutions step by step on one step's images, as the authors' code does. */
  referenceConvPerStep?: boolean;
  /**
   * Omniglot: ours runs the laptop template as the trainer does (bench/trainer-episode.ts), each batch split
   * over this many threads, or over as many as the trainer picks by default ('trainer'); the reference keeps
   * PyTorch's own threads (one per core by default).
   */
  batchThreads?: number | 'trainer';
  /** Plastic neurons N. */
  size: number;
  steps: number;
  batch: number;
  rule: PlasticityRule;
  inputMode: 'add' | 'clamp';
  /** Input gain in 'add' mode (recurrent shape). */
  gain: number;
  /** Outputs compared with the target at the last step (recurrent shape). */
  patternSize: number;
  /** Maze input and head widths. */
  inFeatures: number;
  outFeatures: number;
  learningRate: number;
}

const binaryLike = {
  shape: 'recurrent',
  rule: 'hebb',
  inputMode: 'add',
  gain: 20,
  inFeatures: 0,
  outFeatures: 0,
  learningRate: 3e-4,
} as const;

const mazeLike = {
  shape: 'maze',
  size: 100,
  steps: 250,
  rule: 'oja',
  inputMode: 'add',
  gain: 1,
  patternSize: 0,
  inFeatures: 17,
  outFeatures: 5,
  learningRate: 1e-4,
} as const;

const omniglotLike = {
  shape: 'omniglot',
  size: 5,
  steps: 6,
  rule: 'oja',
  inputMode: 'add',
  gain: 1,
  patternSize: 0,
  inFeatures: 0,
  outFeatures: 0,
  learningRate: 3e-4,
} as const;

export const BENCH_CASES: readonly BenchCase[] = [
  { ...binaryLike, id: 'a', title: '1,000-bit binary template (N=1001, T=106, B=1)', size: 1001, steps: 106, batch: 1, patternSize: 1000 },
  {
    ...binaryLike,
    id: 'b',
    title: 'images task shape, clamped inputs (N=1025, T=201, B=1)',
    size: 1025,
    steps: 201,
    batch: 1,
    inputMode: 'clamp',
    gain: 1,
    patternSize: 1024,
    learningRate: 1e-4,
  },
  { ...binaryLike, id: 'c', title: 'batch 8 at 1,000 neurons (N=1000, T=106, B=8)', size: 1000, steps: 106, batch: 8, patternSize: 1000 },
  { ...mazeLike, id: 'd1', title: 'maze network, oja (17→100→5, T=250, B=1)', batch: 1 },
  { ...mazeLike, id: 'd30', title: 'maze network, oja (17→100→5, T=250, B=30)', batch: 30 },
  {
    ...omniglotLike,
    id: 'o1',
    title: "Omniglot template network, B=1, against the authors' structure (convolutions step by step)",
    batch: 1,
    referenceConvPerStep: true,
  },
  { ...omniglotLike, id: 'o8', title: 'Omniglot laptop recipe network, B=8, against PyTorch with all images in one call', batch: 8 },
  {
    ...omniglotLike,
    id: 'o8t',
    title: 'Omniglot laptop recipe as the trainer runs it (B=8, batch split as the trainer picks), against PyTorch with all images in one call',
    batch: 8,
    batchThreads: 'trainer',
  },
  {
    ...omniglotLike,
    id: 'o8s',
    title: 'Omniglot laptop recipe in the trainer with B=8 split over 2 threads (each thread’s convolutions on one core)',
    batch: 8,
    batchThreads: 2,
  },
  // Seconds-long checks of the harness and of loss agreement on every code path; not in the default set.
  { ...binaryLike, id: 'smoke1', title: 'smoke: binary shape, small (N=51, T=11, B=2)', size: 51, steps: 11, batch: 2, patternSize: 50 },
  {
    ...binaryLike,
    id: 'smoke2',
    title: 'smoke: clamped inputs, small (N=33, T=15, B=2)',
    size: 33,
    steps: 15,
    batch: 2,
    inputMode: 'clamp',
    gain: 1,
    patternSize: 32,
  },
  { ...mazeLike, id: 'smoke3', title: 'smoke: maze shape, small (17→20→5, T=30, B=3)', size: 20, steps: 30, batch: 3 },
  { ...omniglotLike, id: 'smoke4', title: 'smoke: Omniglot network (B=2)', batch: 2 },
];

/** The cases `npm run bench` runs when no --cases is given. */
export const DEFAULT_CASES = 'a,b,c,d,o';

/**
 * Cases named by a comma-separated list. A selector matches an id exactly, or a family: `d` selects d1 and d30, `o` o1, o8, o8t and o8s,
 * `smoke` the three smoke cases.
 * Throws on a selector that matches nothing, naming the valid ids.
 */
export function selectCases(selectors: string, cases: readonly BenchCase[] = BENCH_CASES): BenchCase[] {
  const wanted = selectors
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (wanted.length === 0) throw new Error('no cases given');
  const matches = (id: string, selector: string) =>
    id === selector || (id.startsWith(selector) && /^\d+[a-z]*$/.test(id.slice(selector.length)));
  for (const selector of wanted) {
    if (!cases.some((c) => matches(c.id, selector))) {
      throw new Error(`unknown case "${selector}"; valid: ${cases.map((c) => c.id).join(', ')}`);
    }
  }
  return cases.filter((c) => wanted.some((selector) => matches(c.id, selector)));
}

export function findCase(id: string, cases: readonly BenchCase[] = BENCH_CASES): BenchCase {
  const found = cases.find((c) => c.id === id);
  if (!found) throw new Error(`unknown case "${id}"; valid: ${cases.map((c) => c.id).join(', ')}`);
  return found;
}

/** Command-line arguments that make the PyTorch reference run the same computation as our engine. */
export function referenceArgs(c: BenchCase, run: { episodes: number; warmup: number; threads?: number }): string[] {
  const args = [
    `--shape=${c.shape}`,
    `--size=${c.size}`,
    `--steps=${c.steps}`,
    `--batch=${c.batch}`,
    `--rule=${c.rule}`,
    `--input-mode=${c.inputMode}`,
    `--gain=${c.gain}`,
    `--lr=${c.learningRate}`,
    `--episodes=${run.episodes}`,
    `--warmup=${run.warmup}`,
  ];
  if (c.shape === 'recurrent') args.push(`--pattern-size=${c.patternSize}`);
  else if (c.shape === 'maze') args.push(`--in-features=${c.inFeatures}`, `--out-features=${c.outFeatures}`);
  else if (c.referenceConvPerStep) args.push('--conv-per-step');
  if (run.threads) args.push(`--threads=${run.threads}`);
  return args;
}

/** The case with a different episode length (both sides), e.g. to fit the PyTorch reference in memory. */
export function withSteps(c: BenchCase, steps: number): BenchCase {
  return steps === c.steps ? c : { ...c, steps, title: `${c.title}, shortened to T=${steps}` };
}

/**
 * Rough peak RSS of the PyTorch reference, MiB. Autograd keeps about 6.2 float32 [B, N, N] tensors per step
 * (measured here with torch 1.13: N=1001 B=1 T=106 → 2.8 GB; N=1000 B=8 T=40 → 8.3 GB) on top of ~250 MB
 * for the interpreter and torch. Used to skip runs that would exhaust the machine's memory.
 */
export function estimateReferencePeakMiB(c: BenchCase): number {
  if (c.shape === 'omniglot') return 400; // measured ~250 MB at B=8
  const perStepBytes = 6.5 * 4 * c.batch * c.size * c.size;
  return 260 + (perStepBytes * c.steps) / 2 ** 20;
}
