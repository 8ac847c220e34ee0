// One episode's working memory (the "workspace") and the sweep commands that run on blocks of its rows.
// Plain JavaScript (types in sweep-commands.d.ts): the main thread and the worker threads (sweep-worker.js)
// run the same code on the same SharedArrayBuffer, each on the row blocks it claims.
//
// Rows i of every M×N sweep are cut into fixed blocks that depend only on the shape, never on the thread
// count. Column sums (pre-activations, ∂L/∂post, ∂L/∂eta) go to one partial vector per block, which the
// main thread adds up in block order, so results are bitwise the same with 1, 2 or more threads.
import * as scriptSweeps from './trace-sweeps.js';

export const OP = { forward: 1, replay: 2, backward: 3, outer: 4 };

/** Slots of the workspace's integer command block. */
export const ARG = { op: 0, t: 1, buffer: 2, hPrev: 3, hPrev2: 4, trPreSwap: 5, start: 6, count: 7, oja: 8, zeroFirst: 9, traceOnly: 10, native: 11 };
/** Slots of the workspace's float command block. */
export const FARG = { eta: 0, clip: 1 };

/** About this many trace elements per block: enough work to pay for a claim, few blocks to sum. */
const ELEMENTS_PER_BLOCK = 1 << 16;
const MAX_BLOCKS = 32;

/** Rows per block (a multiple of four, so the multi-row loops stay full) and the number of blocks for an M×N×B sweep. */
export function planBlocks(m, n, batch) {
  const wanted = Math.max(1, Math.min(MAX_BLOCKS, Math.floor((m * n * batch) / ELEMENTS_PER_BLOCK)));
  let rows = Math.ceil(m / wanted);
  rows += (4 - (rows % 4)) % 4;
  return { blockRows: rows, blocks: Math.ceil(m / rows) };
}

/**
 * Byte layout of a workspace: every region 64-byte aligned in one buffer.
 * dims: { m, n, batch, steps, recurrent, clamp, plastic, precision: 'float32'|'float64', bufferCount, maxSegment }
 */
export function workspaceLayout(dims) {
  const { m, n, batch, steps, recurrent, clamp, plastic, precision, bufferCount, maxSegment } = dims;
  const { blocks } = planBlocks(m, n, batch);
  const bn = batch * n;
  const bm = batch * m;
  const trace = precision === 'float32' ? 'f32' : 'f64';
  const traceLength = plastic ? bm * n : 0;
  const regions = [];
  const add = (name, kind, length) => regions.push({ name, kind, length });
  for (let k = 0; k < (plastic ? bufferCount : 0); k++) add(`trace${k}`, trace, traceLength);
  add('gTrace', trace, traceLength);
  add('w', trace, m * n);
  add('alpha', trace, plastic ? m * n : 0);
  // ∂L/∂w is summed after the last backward step, when every trace buffer is free: it reuses the first.
  if (!plastic || bufferCount < 1) add('gW', trace, m * n);
  add('gAlpha', trace, plastic ? m * n : 0);
  add('drive', 'f64', steps * bn);
  add('post', 'f64', steps * bn);
  add('act', 'f64', clamp ? steps * bn : 0);
  add('pre', 'f64', recurrent ? 0 : steps * bm);
  add('zeros', 'f64', bm);
  add('decay', 'f64', plastic ? steps * bn : 0);
  add('gA', 'f64', steps * bn);
  add('decayByPost', 'f64', bn);
  add('decayByEta', 'f64', bn);
  add('trPreA', 'f64', bm);
  add('trPreB', 'f64', bm);
  add('gPre', 'f64', bm);
  add('accPart', 'f64', blocks * bn);
  add('trPostPart', 'f64', blocks * bn);
  add('etaPart', 'f64', blocks);
  add('cmdF', 'f64', 2);
  add('cmd', 'i32', 16);
  add('replayIds', 'i32', maxSegment + 1);
  let offset = 0;
  for (const region of regions) {
    region.offset = offset;
    const bytes = region.length * (region.kind === 'i32' ? 4 : region.kind === 'f32' ? 4 : 8);
    offset += Math.ceil(bytes / 64) * 64;
  }
  if (plastic && bufferCount >= 1) regions.push({ name: 'gW', kind: trace, length: m * n, offset: regions[0].offset });
  return { regions, bytes: offset };
}

/** Typed-array views of a workspace buffer, plus its dims and block plan. */
export function workspaceViews(buffer, layout, dims) {
  const views = { dims, ...planBlocks(dims.m, dims.n, dims.batch), traces: [] };
  for (const { name, kind, offset, length } of layout.regions) {
    const Type = kind === 'f32' ? Float32Array : kind === 'f64' ? Float64Array : Int32Array;
    const view = new Type(buffer, offset, length);
    if (name.startsWith('trace')) views.traces.push(view);
    else views[name] = view;
  }
  if (!dims.clamp) views.act = views.post;
  return views;
}

let scratch = new Float64Array(0);

// The native addon's sweeps (native/trace-sweeps.cc: the same functions and arguments), once this thread has
// loaded them. A workspace's commands say which to use (ARG.native), so every block of one episode runs on the
// same code whichever thread claims it.
let nativeSweeps = null;

/** Makes the native sweeps available on this thread (the main thread, or a worker that loaded the addon). */
export function useNativeSweeps(kernels) {
  nativeSweeps = kernels;
}

/** Whether this thread can run the workspace's current command (a worker without the addon leaves native ones to others). */
export function canRun(ws) {
  return !ws.cmd[ARG.native] || nativeSweeps !== null;
}

/** The sweeps the workspace's episode runs on: the native ones or trace-sweeps.js. */
export function sweepsFor(ws) {
  if (!canRun(ws)) throw new Error('plastic kernel: this thread has not loaded the native sweeps its command asks for');
  return ws.cmd[ARG.native] ? nativeSweeps : scriptSweeps;
}

/** Zeroes rows [i0, i1) of every batch element's M×N matrix. */
function zeroRows(array, m, n, batch, i0, i1) {
  for (let b = 0; b < batch; b++) array.fill(0, b * m * n + i0 * n, b * m * n + i1 * n);
}

/**
 * Runs the workspace's current command on one block of rows. For every step t the presynaptic input
 * pre_t is post_{t−1} in recurrent mode (zeros at t = 0), else the feedforward input.
 */
export function runBlock(ws, block) {
  const { m, n, batch, steps, recurrent } = ws.dims;
  const bn = batch * n;
  const bm = batch * m;
  const i0 = block * ws.blockRows;
  const i1 = Math.min(m, i0 + ws.blockRows);
  const cmd = ws.cmd;
  const eta = ws.cmdF[FARG.eta];
  const clip = ws.cmdF[FARG.clip];
  const preArray = (t) => (recurrent ? (t === 0 ? ws.zeros : ws.post) : ws.pre);
  const preOffset = (t) => (recurrent ? (t === 0 ? 0 : (t - 1) * bm) : t * bm);
  const { accumulateOuterProducts, backwardSweep, backwardSweepTraceOnly, forwardSweep, traceUpdateSweep } = sweepsFor(ws);
  switch (cmd[ARG.op]) {
    case OP.forward: {
      const t = cmd[ARG.t];
      const accOff = block * bn;
      ws.accPart.fill(0, accOff, accOff + bn);
      const update = t >= 1;
      const prev = update ? t - 1 : 0;
      if (cmd[ARG.traceOnly]) {
        // Every neuron of step t is clamped, so its pre-activation is not needed: only the pending update.
        const trace = ws.traces[cmd[ARG.buffer]];
        if (update) traceUpdateSweep(m, n, batch, i0, i1, trace, trace, preArray(prev), preOffset(prev), ws.post, prev * bn, ws.decay, prev * bn, eta, clip);
        return;
      }
      forwardSweep(
        m, n, batch, i0, i1, ws.traces[cmd[ARG.buffer]], ws.w, ws.alpha, preArray(t), preOffset(t), ws.accPart, accOff,
        update, preArray(prev), preOffset(prev), ws.post, prev * bn, ws.decay, prev * bn, eta, clip,
      );
      return;
    }
    case OP.replay: {
      // replay[r] = H_{start−2+r}, r = 0 … count, into the buffers listed in replayIds.
      const start = cmd[ARG.start];
      const ids = ws.replayIds;
      if (cmd[ARG.zeroFirst]) zeroRows(ws.traces[ids[0]], m, n, batch, i0, i1);
      for (let r = 1; r <= cmd[ARG.count]; r++) {
        const tau = start - 2 + r;
        const to = ws.traces[ids[r]];
        if (tau < 0) zeroRows(to, m, n, batch, i0, i1);
        else traceUpdateSweep(m, n, batch, i0, i1, ws.traces[ids[r - 1]], to, preArray(tau), preOffset(tau), ws.post, tau * bn, ws.decay, tau * bn, eta, clip);
      }
      return;
    }
    case OP.backward: {
      const t = cmd[ARG.t];
      const trOff = block * bn;
      ws.trPostPart.fill(0, trOff, trOff + bn);
      const swap = cmd[ARG.trPreSwap] !== 0;
      const hasPrevStep = t >= 1;
      const prev = hasPrevStep ? t - 1 : 0;
      if (cmd[ARG.traceOnly]) {
        ws.etaPart[block] = backwardSweepTraceOnly(
          m, n, batch, i0, i1, ws.traces[cmd[ARG.hPrev2]], ws.gTrace, ws.decay, t * bn, swap ? ws.trPreB : ws.trPreA, ws.gPre,
          hasPrevStep, preArray(prev), preOffset(prev), ws.post, prev * bn, ws.decay, prev * bn, ws.decayByPost, ws.decayByEta,
          ws.trPostPart, trOff, swap ? ws.trPreA : ws.trPreB, cmd[ARG.oja] ? 'oja' : 'hebb', eta, clip,
        );
        return;
      }
      ws.etaPart[block] = backwardSweep(
        m, n, batch, i0, i1, ws.traces[cmd[ARG.hPrev]], ws.traces[cmd[ARG.hPrev2]], ws.gTrace, ws.w, ws.alpha, ws.gAlpha,
        preArray(t), preOffset(t), ws.gA, t * bn, ws.decay, t * bn, swap ? ws.trPreB : ws.trPreA, ws.gPre,
        hasPrevStep, preArray(prev), preOffset(prev), ws.post, prev * bn, ws.decay, prev * bn, ws.decayByPost, ws.decayByEta,
        ws.trPostPart, trOff, swap ? ws.trPreA : ws.trPreB, cmd[ARG.oja] ? 'oja' : 'hebb', eta, clip,
      );
      return;
    }
    case OP.outer: {
      // ∂L/∂w = Σ_t pre_t ⊗ gA_t; in recurrent mode pre_0 = 0, so start at t = 1 with pre_t = post_{t−1}.
      if (scratch.length < n) scratch = new Float64Array(n);
      if (recurrent) accumulateOuterProducts(m, n, (steps - 1) * batch, i0, i1, ws.post, 0, ws.gA, bn, ws.gW, scratch);
      else accumulateOuterProducts(m, n, steps * batch, i0, i1, ws.pre, 0, ws.gA, 0, ws.gW, scratch);
      return;
    }
    default:
      throw new Error(`plastic kernel: unknown sweep command ${cmd[ARG.op]}`);
  }
}

/** Slots of the thread pool's control block (an Int32Array on a SharedArrayBuffer). */
export const CTRL = { gen: 0, claim: 1, done: 2, workspace: 3, blocks: 4, stop: 5, failed: 6 };
export const CTRL_LENGTH = 8;

/**
 * Claims blocks of command generation `gen` one at a time and runs them, until none are left. The claim word
 * holds the generation's low 15 bits above the next block index, so a thread that wakes late cannot claim a
 * block of a newer command with an older command's reading of the arguments.
 */
export function runClaimedBlocks(ctrl, gen, ws) {
  const tag = (gen & 0x7fff) << 16;
  const blocks = Atomics.load(ctrl, CTRL.blocks);
  if (!canRun(ws)) return;
  for (;;) {
    const v = Atomics.load(ctrl, CTRL.claim);
    if ((v & 0x7fff0000) !== tag || (v & 0xffff) >= blocks) return;
    if (Atomics.compareExchange(ctrl, CTRL.claim, v, v + 1) !== v) continue;
    try {
      runBlock(ws, v & 0xffff);
    } catch (error) {
      Atomics.store(ctrl, CTRL.failed, 1);
      throw error;
    } finally {
      if (Atomics.add(ctrl, CTRL.done, 1) + 1 === blocks) Atomics.notify(ctrl, CTRL.done);
    }
  }
}
