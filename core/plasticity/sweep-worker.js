// A worker thread of the sweep pool (thread-pool.ts): waits for a command generation on the shared control
// block, claims row blocks of it and runs them on the shared workspace. Workspaces arrive as messages
// ({ type: 'attach', id, buffer, layout, dims } / { type: 'detach', id }) that are read synchronously
// before each command, so the loop never returns to the event loop.
import { createRequire } from 'node:module';
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { CTRL, runClaimedBlocks, useNativeSweeps, workspaceViews } from './sweep-commands.js';

if (workerData.nativeAddon) {
  try {
    useNativeSweeps(createRequire(import.meta.url)(workerData.nativeAddon));
  } catch {
    // The main thread loaded it; should this thread fail to, it leaves native commands to the others.
  }
}

const ctrl = new Int32Array(workerData.control);
const port = workerData.port;
const workspaces = new Map();
// Spin this many polls before sleeping: the main thread's work between two steps is short, and waking a
// sleeping thread costs more than that.
const SPIN = 2000;

function readMessages() {
  for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
    const m = message.message;
    if (m.type === 'attach') workspaces.set(m.id, workspaceViews(m.buffer, m.layout, m.dims));
    else if (m.type === 'detach') workspaces.delete(m.id);
  }
}

let seen = 0;
for (;;) {
  let gen = Atomics.load(ctrl, CTRL.gen);
  for (let spin = 0; gen === seen && spin < SPIN; spin++) gen = Atomics.load(ctrl, CTRL.gen);
  if (gen === seen) {
    Atomics.wait(ctrl, CTRL.gen, seen);
    continue;
  }
  seen = gen;
  if (Atomics.load(ctrl, CTRL.stop)) break;
  readMessages();
  // A workspace whose attach message has not arrived yet is left to the other threads.
  const ws = workspaces.get(Atomics.load(ctrl, CTRL.workspace));
  if (ws) runClaimedBlocks(ctrl, gen, ws);
}
