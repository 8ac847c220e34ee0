// Runs one benchmark child process (ours or the PyTorch reference) and collects its JSON-line report.
// A fresh process per case and per round keeps each peak RSS to that case alone.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface EpisodeRecord {
  index: number;
  warmup: boolean;
  seconds: number;
  loss: number;
}

export interface ChildReport {
  episodes: EpisodeRecord[];
  /** Peak resident set size of the child, kB (getrusage ru_maxrss / process.resourceUsage().maxRSS). */
  peakRssKB: number;
  backend: string;
  threads: number;
  /** Anything else the child said in its `done` line (kernels, leaked tensors, …). */
  details: Record<string, unknown>;
}

export type ChildEvent = ({ event: 'episode' } & EpisodeRecord) | ({ event: 'done' } & Record<string, unknown>);

/** Parses one stdout line; null for lines that are not benchmark events (library banners, warnings). */
export function parseChildLine(line: string): ChildEvent | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  if (record.event === 'episode') {
    const { index, warmup, seconds, loss } = record;
    if (typeof index !== 'number' || typeof warmup !== 'boolean' || typeof seconds !== 'number') return null;
    // JSON has no NaN: Python writes NaN as a bare token (parse fails above), JS writes null.
    return { event: 'episode', index, warmup, seconds, loss: typeof loss === 'number' ? loss : Number.NaN };
  }
  if (record.event === 'done' && typeof record.peakRssKB === 'number') return { ...record, event: 'done' };
  return null;
}

/**
 * The last lines of a child's stderr, each clipped (minified library sources make single huge lines). When
 * the tail is only a stack trace, the last line naming an error is put in front of it.
 */
export function stderrTail(text: string, lines = 12, width = 300): string {
  const all = text.trimEnd().split('\n');
  const tail = all.slice(-lines);
  const mentionsError = (l: string) => /\b\w*Error\b|\bAborted\b/.test(l) && !/^\s+at /.test(l);
  if (!tail.some(mentionsError)) {
    const message = all.slice(0, -lines).filter(mentionsError).pop();
    if (message !== undefined) tail.unshift(message, '…');
  }
  return tail.map((l) => (l.length > width ? `${l.slice(0, width)}…` : l)).join('\n');
}

export function runChild(
  command: string,
  args: readonly string[],
  options: { cwd: string; onEpisode?: (episode: EpisodeRecord) => void },
): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const episodes: EpisodeRecord[] = [];
    let done: Record<string, unknown> | null = null;
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-200_000);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = parseChildLine(line);
      if (event?.event === 'episode') {
        const { event: _, ...episode } = event;
        episodes.push(episode);
        options.onEpisode?.(episode);
      } else if (event?.event === 'done') {
        done = event;
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0 || done === null) {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const tail = stderrTail(stderr);
        reject(new Error(`${command} ${args.join(' ')} ${how}${done ? '' : ' before reporting'}${tail ? `:\n${tail}` : ''}`));
        return;
      }
      const { event: _, peakRssKB, backend, threads, ...details } = done as Record<string, unknown>;
      resolve({
        episodes,
        peakRssKB: peakRssKB as number,
        backend: String(backend ?? 'unknown'),
        threads: typeof threads === 'number' ? threads : Number.NaN,
        details,
      });
    });
  });
}
