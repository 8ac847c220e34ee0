// A persistent pool of worker threads for the sweeps: created once per process, synchronised per command
// with Atomics on a shared control block (no messages per step, no copies of the big arrays). The main
// thread takes part: it publishes a command, claims row blocks like any worker, then waits for the blocks
// the workers claimed. Blocks a busy or sleeping worker never claims are simply done by the others, so a
// loaded machine degrades to single-threaded speed instead of stalling.
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { nativeAddonFile } from '../native/kernels.ts';
import { CTRL, CTRL_LENGTH, runBlock, runClaimedBlocks, type WorkspaceLayout, type WorkspaceViews } from './sweep-commands.js';

/** A workspace the pool can share with its workers. */
export interface SharedWorkspace {
  id: number;
  buffer: ArrayBufferLike;
  layout: WorkspaceLayout;
  views: WorkspaceViews;
}

/** More threads than this do not pay on the machines we target (the sweeps become memory-bound). */
export const MAX_THREADS = 8;
/** Spins on the done counter before sleeping in Atomics.wait. */
const SPIN = 2000;

/**
 * Default thread count: the machine's parallelism, capped; `PLASTICITY_THREADS` overrides it (a sweep running
 * several trainings at once gives each its share of the cores).
 */
export function defaultThreadCount(): number {
  const fromEnv = Number(process.env.PLASTICITY_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return Math.min(MAX_THREADS, fromEnv);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(MAX_THREADS, cores));
}

export class SweepPool {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(CTRL_LENGTH * 4));
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly attached = new Set<number>();
  private generation = 0;
  private failed = false;

  /** Starts `threads − 1` workers (the caller's thread is the other one) from the worker module at `url`. */
  constructor(
    readonly threads: number,
    url: URL,
  ) {
    for (let k = 1; k < threads; k++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(url, {
        // The native addon's file, for commands that ask for the native sweeps (a worker that cannot load it leaves them to the others).
        workerData: { control: this.ctrl.buffer, port: port2, nativeAddon: nativeAddonFile() },
        transferList: [port2],
        // A worker only runs loops over shared arrays and allocates almost nothing: small heaps keep its
        // memory to a few MB (the defaults let an idle isolate grow young-generation space it never needs).
        resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 },
      });
      // Idle workers sleep in Atomics.wait; they must not keep the process alive.
      worker.unref();
      // A worker that fails to start never claims a block, so the others do its share; say why once.
      worker.on('error', (error) => {
        if (!this.failed) console.warn(`plastic kernel: a sweep worker thread stopped (${error.message}); continuing with fewer threads`);
        this.failed = true;
      });
      port1.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  /** Runs the workspace's current command (views.cmd) on all its row blocks, using every thread. */
  run(ws: SharedWorkspace): void {
    const { ctrl } = this;
    const blocks = ws.views.blocks;
    if (!this.attached.has(ws.id)) {
      const message = { type: 'attach', id: ws.id, buffer: ws.buffer, layout: ws.layout, dims: ws.views.dims };
      for (const port of this.ports) port.postMessage(message);
      this.attached.add(ws.id);
    }
    const gen = (this.generation = (this.generation + 1) | 0);
    Atomics.store(ctrl, CTRL.workspace, ws.id);
    Atomics.store(ctrl, CTRL.blocks, blocks);
    Atomics.store(ctrl, CTRL.done, 0);
    Atomics.store(ctrl, CTRL.claim, (gen & 0x7fff) << 16);
    Atomics.store(ctrl, CTRL.gen, gen);
    Atomics.notify(ctrl, CTRL.gen);
    runClaimedBlocks(ctrl, gen, ws.views);
    let done = Atomics.load(ctrl, CTRL.done);
    for (let spin = 0; done < blocks && spin < SPIN; spin++) done = Atomics.load(ctrl, CTRL.done);
    while (done < blocks) {
      Atomics.wait(ctrl, CTRL.done, done, 100);
      done = Atomics.load(ctrl, CTRL.done);
    }
    if (Atomics.load(ctrl, CTRL.failed)) throw new Error('plastic kernel: a sweep worker thread failed (see its error above)');
  }

  /** The workers forget a workspace (it is being dropped). */
  detach(id: number): void {
    if (!this.attached.delete(id)) return;
    for (const port of this.ports) port.postMessage({ type: 'detach', id });
  }

  /** Stops the workers (tests; the pool otherwise lives as long as the process). */
  async close(): Promise<void> {
    Atomics.store(this.ctrl, CTRL.stop, 1);
    Atomics.store(this.ctrl, CTRL.gen, (this.generation + 1) | 0);
    Atomics.notify(this.ctrl, CTRL.gen);
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    for (const port of this.ports) port.close();
  }
}

let shared: SweepPool | null = null;
let unavailable = false;

/**
 * The worker module next to this file: sweep-worker.js in the sources, sweep-worker.mjs where a bundler
 * emitted it as its own entry beside the bundle; null when neither is there (a bundle without it).
 */
function workerUrl(): URL | null {
  for (const name of ['./sweep-worker.js', './sweep-worker.mjs']) {
    const url = new URL(name, import.meta.url);
    if (url.protocol !== 'file:' || existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/**
 * The process-wide pool with at least `threads` threads, or null when one thread is asked for or worker
 * threads cannot be started here (then everything runs on the caller's thread).
 */
export function sweepPool(threads: number): SweepPool | null {
  if (threads <= 1 || unavailable) return null;
  if (shared && shared.threads >= threads) return shared;
  try {
    const url = workerUrl();
    if (!url) throw new Error('no sweep-worker module beside thread-pool');
    const previous = shared;
    shared = new SweepPool(Math.min(threads, MAX_THREADS), url);
    if (previous) void previous.close();
  } catch {
    unavailable = true;
    shared = null;
  }
  return shared;
}

/** Tells the workers (if any) to drop their views of a workspace that is being freed. */
export function forgetWorkspace(id: number): void {
  shared?.detach(id);
}

/** Runs the workspace's current command on every block, on the pool when given, else here. */
export function runCommand(ws: SharedWorkspace, pool: SweepPool | null): void {
  if (pool) {
    pool.run(ws);
    return;
  }
  for (let block = 0; block < ws.views.blocks; block++) runBlock(ws.views, block);
}
