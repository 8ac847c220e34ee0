// The hot loops: one pass over a block of rows of the M×N trace of every batch element per time step.
// Plain JavaScript (types in trace-sweeps.d.ts) so that worker threads load it without a TypeScript loader.
//
// Layout (row-major): the trace, its gradient, w, alpha and their gradients are Float32Array or Float64Array
// (the kernel's precision); per-step vectors (pre, post, decay, accumulators) are Float64Array [B, width].
// Every sweep handles presynaptic rows [i0, i1): rows are independent except for column sums (the
// pre-activation, ∂L/∂post), which go to the caller's per-block partial vector, so blocks of rows can run
// on different threads and still sum in a fixed order (results do not depend on the thread count).
//
// Both rules are written as one update form, so every loop is branch-free over j:
//   H̃[i][j] = D[j] · H[i][j] + (eta · pre[i]) · post[j]
//   hebb: D[j] = 1 − eta               (the decaying trace)
//   oja:  D[j] = 1 − eta · post[j]²     (H + eta·post·(pre − post·H), regrouped)
// followed by H = clip(H̃, ±c) (c = Infinity when there is no clipping). The forward pass, the stepper and
// the backward replay all compute `D·h + ep·q` in float64 from the same operands and round it the same way
// when storing, so the replayed traces are bitwise equal to the forward ones. In float32, a value a loop
// has just computed is used unrounded within that loop (the forward's pre-activation, the backward's sums
// of the new trace gradient) and rounded where it is stored: a difference at float32 rounding level, and
// cheaper than reading it back (V8 does not hoist a per-precision branch out of the loop).
//
// V8 runs these loops as scalar code, so they are compute-bound: every operation removed from an inner
// loop counts. Hence loop variants for "no clipping" and for the Hebbian rule without clipping (D constant),
// chosen outside the j loops, and several rows per j loop (four, or two where more live values would not
// fit in registers): the per-column operands (post, decay, gA) are loaded once for all of them, and their
// column sums are added together before touching the accumulator (four rows: ~20% faster than two, which
// were 25–40% faster than one).

/** Clip to [−c, c]; c = Infinity disables it. */
export function clipTrace(h, c) {
  return Math.max(-c, Math.min(c, h));
}

/**
 * Forward sweep of step t over rows [i0, i1). When `update` is set it first applies the pending trace update
 * of step t−1 (from prevPre, prevPost, prevDecay), in place, then accumulates the pre-activation with the
 * updated trace:  acc[accOff + b·n + j] += Σ_i pre_t[b][i] · (w[i][j] + alpha[i][j] · H_{t−1}[b][i][j]).
 * Fusing the two halves means each step reads and writes the trace once.
 */
export function forwardSweep(
  m, n, batch, i0, i1, trace, w, alpha, pre, preOff, acc, accOff,
  update, prevPre, prevPreOff, prevPost, prevPostOff, prevDecay, prevDecayOff, eta, clip,
) {
  const mn = m * n;
  let i = i0;
  for (; i + 3 < i1; i += 4) {
    const r0 = i * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    for (let b = 0; b < batch; b++) {
      const a0 = accOff + b * n;
      const h0 = b * mn + r0;
      const h1 = h0 + n;
      const h2 = h1 + n;
      const h3 = h2 + n;
      const p = preOff + b * m + i;
      const x0 = pre[p];
      const x1 = pre[p + 1];
      const x2 = pre[p + 2];
      const x3 = pre[p + 3];
      if (!update) {
        if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
        for (let j = 0; j < n; j++) {
          acc[a0 + j] +=
            x0 * (w[r0 + j] + alpha[r0 + j] * trace[h0 + j]) + x1 * (w[r1 + j] + alpha[r1 + j] * trace[h1 + j]) +
            x2 * (w[r2 + j] + alpha[r2 + j] * trace[h2 + j]) + x3 * (w[r3 + j] + alpha[r3 + j] * trace[h3 + j]);
        }
        continue;
      }
      const q0 = prevPostOff + b * n;
      const d0 = prevDecayOff + b * n;
      const pp = prevPreOff + b * m + i;
      const ep0 = eta * prevPre[pp];
      const ep1 = eta * prevPre[pp + 1];
      const ep2 = eta * prevPre[pp + 2];
      const ep3 = eta * prevPre[pp + 3];
      if (clip === Infinity) {
        for (let j = 0; j < n; j++) {
          const q = prevPost[q0 + j];
          const d = prevDecay[d0 + j];
          const u0 = d * trace[h0 + j] + ep0 * q;
          const u1 = d * trace[h1 + j] + ep1 * q;
          const u2 = d * trace[h2 + j] + ep2 * q;
          const u3 = d * trace[h3 + j] + ep3 * q;
          trace[h0 + j] = u0;
          trace[h1 + j] = u1;
          trace[h2 + j] = u2;
          trace[h3 + j] = u3;
          acc[a0 + j] +=
            x0 * (w[r0 + j] + alpha[r0 + j] * u0) + x1 * (w[r1 + j] + alpha[r1 + j] * u1) +
            x2 * (w[r2 + j] + alpha[r2 + j] * u2) + x3 * (w[r3 + j] + alpha[r3 + j] * u3);
        }
      } else {
        for (let j = 0; j < n; j++) {
          const q = prevPost[q0 + j];
          const d = prevDecay[d0 + j];
          const u0 = clipTrace(d * trace[h0 + j] + ep0 * q, clip);
          const u1 = clipTrace(d * trace[h1 + j] + ep1 * q, clip);
          const u2 = clipTrace(d * trace[h2 + j] + ep2 * q, clip);
          const u3 = clipTrace(d * trace[h3 + j] + ep3 * q, clip);
          trace[h0 + j] = u0;
          trace[h1 + j] = u1;
          trace[h2 + j] = u2;
          trace[h3 + j] = u3;
          acc[a0 + j] +=
            x0 * (w[r0 + j] + alpha[r0 + j] * u0) + x1 * (w[r1 + j] + alpha[r1 + j] * u1) +
            x2 * (w[r2 + j] + alpha[r2 + j] * u2) + x3 * (w[r3 + j] + alpha[r3 + j] * u3);
        }
      }
    }
  }
  // The last rows of a block whose size is not a multiple of four, one at a time.
  for (; i < i1; i++) {
    const r0 = i * n;
    for (let b = 0; b < batch; b++) {
      const a0 = accOff + b * n;
      const h0 = b * mn + r0;
      const x0 = pre[preOff + b * m + i];
      if (update) {
        const q0 = prevPostOff + b * n;
        const d0 = prevDecayOff + b * n;
        const ep0 = eta * prevPre[prevPreOff + b * m + i];
        for (let j = 0; j < n; j++) {
          const u = clipTrace(prevDecay[d0 + j] * trace[h0 + j] + ep0 * prevPost[q0 + j], clip);
          trace[h0 + j] = u;
          acc[a0 + j] += x0 * (w[r0 + j] + alpha[r0 + j] * u);
        }
      } else if (x0 !== 0) {
        for (let j = 0; j < n; j++) acc[a0 + j] += x0 * (w[r0 + j] + alpha[r0 + j] * trace[h0 + j]);
      }
    }
  }
}

/** to = clip(D ⊙ from + eta · pre ⊗ post) over rows [i0, i1): the trace update alone, used to replay a segment. */
export function traceUpdateSweep(m, n, batch, i0, i1, from, to, pre, preOff, post, postOff, decay, decayOff, eta, clip) {
  const mn = m * n;
  for (let b = 0; b < batch; b++) {
    const q0 = postOff + b * n;
    const d0 = decayOff + b * n;
    let i = i0;
    for (; i + 3 < i1; i += 4) {
      const h0 = b * mn + i * n;
      const h1 = h0 + n;
      const h2 = h1 + n;
      const h3 = h2 + n;
      const p = preOff + b * m + i;
      const ep0 = eta * pre[p];
      const ep1 = eta * pre[p + 1];
      const ep2 = eta * pre[p + 2];
      const ep3 = eta * pre[p + 3];
      if (clip === Infinity) {
        for (let j = 0; j < n; j++) {
          const q = post[q0 + j];
          const d = decay[d0 + j];
          to[h0 + j] = d * from[h0 + j] + ep0 * q;
          to[h1 + j] = d * from[h1 + j] + ep1 * q;
          to[h2 + j] = d * from[h2 + j] + ep2 * q;
          to[h3 + j] = d * from[h3 + j] + ep3 * q;
        }
      } else {
        for (let j = 0; j < n; j++) {
          const q = post[q0 + j];
          const d = decay[d0 + j];
          to[h0 + j] = clipTrace(d * from[h0 + j] + ep0 * q, clip);
          to[h1 + j] = clipTrace(d * from[h1 + j] + ep1 * q, clip);
          to[h2 + j] = clipTrace(d * from[h2 + j] + ep2 * q, clip);
          to[h3 + j] = clipTrace(d * from[h3 + j] + ep3 * q, clip);
        }
      }
    }
    for (; i < i1; i++) {
      const h0 = b * mn + i * n;
      const ep0 = eta * pre[preOff + b * m + i];
      for (let j = 0; j < n; j++) to[h0 + j] = clipTrace(decay[d0 + j] * from[h0 + j] + ep0 * post[q0 + j], clip);
    }
  }
}

/**
 * Backward sweep of step t over rows [i0, i1), fused with the trace part of step t−1 (derivation in README).
 *
 * In:  gTrace = ∂L/∂H̃_t (already masked by step t's clip), gA = ∂L/∂a_t, trPreCur = ∂L/∂pre_t through
 *      step t's trace update (computed by the previous sweep).
 * Per element, with x = pre_t[i], g = gA[j], h1 = H_{t−1}[i][j]:
 *   ∂L/∂alpha[i][j] += x·g·h1
 *   ∂L/∂pre_t[i]    += Σ_j (w + alpha·h1)·g                     (written to gPre, plus trPreCur)
 *   ∂L/∂H_{t−1}      = D_t[j]·gTrace + alpha·x·g                 (the trace feeds step t twice)
 * then, if t ≥ 1, through step t−1's update H_{t−1} = clip(D'·h2 + eta·p'·q'), h2 = H_{t−2}[i][j]:
 *   ∂L/∂H̃_{t−1}    = ∂L/∂H_{t−1} where |H̃_{t−1}| ≤ c, else 0    (stored back into gTrace)
 *   ∂L/∂post_{t−1}[j] += G·(eta·p'[i] + h2·∂D'/∂post)          (trPostPrev partial, a column sum)
 *   ∂L/∂pre_{t−1}[i]  += eta·Σ_j G·q'[j]                        (trPrePrev, a row sum)
 *   ∂L/∂eta           += G·(p'[i]·q'[j] + h2·∂D'/∂eta)          (returned)
 * where G = ∂L/∂H̃_{t−1}. ∂L/∂w is not accumulated here (it is Σ_t pre_t ⊗ gA_t, done once at the end).
 * decay and prevDecay are read at the given offsets; prevDecayByPost and prevDecayByEta are [B, N].
 */
export function backwardSweep(
  m, n, batch, i0, i1, hPrev, hPrev2, gTrace, w, alpha, gAlpha, pre, preOff, gA, gAOff, decay, decayOff,
  trPreCur, gPre, hasPrevStep, prevPre, prevPreOff, prevPost, prevPostOff, prevDecay, prevDecayOff,
  prevDecayByPost, prevDecayByEta, trPostPrev, trPostOff, trPrePrev, rule, eta, clip,
) {
  const mn = m * n;
  if (!hasPrevStep) {
    // t = 0: no earlier update to pass gradient through (runs once per episode, so one row at a time).
    for (let i = i0; i < i1; i++) {
      const row = i * n;
      for (let b = 0; b < batch; b++) {
        const h0 = b * mn + row;
        const g0 = gAOff + b * n;
        const x = pre[preOff + b * m + i];
        let rowSum = 0;
        for (let j = 0; j < n; j++) {
          const k = hPrev[h0 + j];
          const g = gA[g0 + j];
          rowSum += (w[row + j] + alpha[row + j] * k) * g;
          gAlpha[row + j] += x * g * k;
        }
        gPre[b * m + i] = rowSum + trPreCur[b * m + i];
      }
    }
    return 0;
  }
  const fastHebb = rule === 'hebb' && clip === Infinity;
  const hebbDecay = 1 - eta;
  let etaGrad = 0;
  let i = i0;
  if (fastHebb) {
    // The general loop below with D = 1 − eta, ∂D/∂post = 0, ∂D/∂eta = −1 and no clip mask; four rows.
    for (; i + 3 < i1; i += 4) {
      const r0 = i * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      for (let b = 0; b < batch; b++) {
        const v0 = b * n;
        const g0 = gAOff + v0;
        const q0 = prevPostOff + v0;
        const s0 = trPostOff + v0;
        const h0 = b * mn + r0;
        const h1 = h0 + n;
        const h2 = h1 + n;
        const h3 = h2 + n;
        const p = preOff + b * m + i;
        const x0 = pre[p];
        const x1 = pre[p + 1];
        const x2 = pre[p + 2];
        const x3 = pre[p + 3];
        const pp = prevPreOff + b * m + i;
        const ep0 = eta * prevPre[pp];
        const ep1 = eta * prevPre[pp + 1];
        const ep2 = eta * prevPre[pp + 2];
        const ep3 = eta * prevPre[pp + 3];
        let rowSum0 = 0;
        let rowSum1 = 0;
        let rowSum2 = 0;
        let rowSum3 = 0;
        let preSum0 = 0;
        let preSum1 = 0;
        let preSum2 = 0;
        let preSum3 = 0;
        let traceSum = 0;
        for (let j = 0; j < n; j++) {
          const g = gA[g0 + j];
          const a0 = alpha[r0 + j];
          const a1 = alpha[r1 + j];
          const a2 = alpha[r2 + j];
          const a3 = alpha[r3 + j];
          const k0 = hPrev[h0 + j];
          const k1 = hPrev[h1 + j];
          const k2 = hPrev[h2 + j];
          const k3 = hPrev[h3 + j];
          rowSum0 += (w[r0 + j] + a0 * k0) * g;
          rowSum1 += (w[r1 + j] + a1 * k1) * g;
          rowSum2 += (w[r2 + j] + a2 * k2) * g;
          rowSum3 += (w[r3 + j] + a3 * k3) * g;
          const xg0 = x0 * g;
          const xg1 = x1 * g;
          const xg2 = x2 * g;
          const xg3 = x3 * g;
          gAlpha[r0 + j] += xg0 * k0;
          gAlpha[r1 + j] += xg1 * k1;
          gAlpha[r2 + j] += xg2 * k2;
          gAlpha[r3 + j] += xg3 * k3;
          const G0 = hebbDecay * gTrace[h0 + j] + a0 * xg0;
          const G1 = hebbDecay * gTrace[h1 + j] + a1 * xg1;
          const G2 = hebbDecay * gTrace[h2 + j] + a2 * xg2;
          const G3 = hebbDecay * gTrace[h3 + j] + a3 * xg3;
          gTrace[h0 + j] = G0;
          gTrace[h1 + j] = G1;
          gTrace[h2 + j] = G2;
          gTrace[h3 + j] = G3;
          const q = prevPost[q0 + j];
          trPostPrev[s0 + j] += G0 * ep0 + G1 * ep1 + G2 * ep2 + G3 * ep3;
          preSum0 += G0 * q;
          preSum1 += G1 * q;
          preSum2 += G2 * q;
          preSum3 += G3 * q;
          traceSum += G0 * hPrev2[h0 + j] + G1 * hPrev2[h1 + j] + G2 * hPrev2[h2 + j] + G3 * hPrev2[h3 + j];
        }
        etaGrad += prevPre[pp] * preSum0 + prevPre[pp + 1] * preSum1 + prevPre[pp + 2] * preSum2 + prevPre[pp + 3] * preSum3 - traceSum;
        const o = b * m + i;
        trPrePrev[o] = eta * preSum0;
        trPrePrev[o + 1] = eta * preSum1;
        trPrePrev[o + 2] = eta * preSum2;
        trPrePrev[o + 3] = eta * preSum3;
        gPre[o] = rowSum0 + trPreCur[o];
        gPre[o + 1] = rowSum1 + trPreCur[o + 1];
        gPre[o + 2] = rowSum2 + trPreCur[o + 2];
        gPre[o + 3] = rowSum3 + trPreCur[o + 3];
      }
    }
  }
  // The general rule, two rows per j loop (its six per-column operands leave no registers for four).
  for (; !fastHebb && i + 1 < i1; i += 2) {
    const r0 = i * n;
    const r1 = r0 + n;
    for (let b = 0; b < batch; b++) {
      const v0 = b * n;
      const g0 = gAOff + v0;
      const q0 = prevPostOff + v0;
      const s0 = trPostOff + v0;
      const h0 = b * mn + r0;
      const h1 = h0 + n;
      const x0 = pre[preOff + b * m + i];
      const x1 = pre[preOff + b * m + i + 1];
      const p0 = prevPre[prevPreOff + b * m + i];
      const p1 = prevPre[prevPreOff + b * m + i + 1];
      const ep0 = eta * p0;
      const ep1 = eta * p1;
      let rowSum0 = 0;
      let rowSum1 = 0;
      let preSum0 = 0;
      let preSum1 = 0;
      const c0 = decayOff + v0;
      const d0 = prevDecayOff + v0;
      let etaSum = 0;
      for (let j = 0; j < n; j++) {
        const g = gA[g0 + j];
        const q = prevPost[q0 + j];
        const dCur = decay[c0 + j];
        const dPrev = prevDecay[d0 + j];
        const byPost = prevDecayByPost[v0 + j];
        const byEta = prevDecayByEta[v0 + j];
        const a0 = alpha[r0 + j];
        const a1 = alpha[r1 + j];
        const k0 = hPrev[h0 + j];
        const k1 = hPrev[h1 + j];
        rowSum0 += (w[r0 + j] + a0 * k0) * g;
        rowSum1 += (w[r1 + j] + a1 * k1) * g;
        const xg0 = x0 * g;
        const xg1 = x1 * g;
        gAlpha[r0 + j] += xg0 * k0;
        gAlpha[r1 + j] += xg1 * k1;
        const u0 = hPrev2[h0 + j];
        const u1 = hPrev2[h1 + j];
        const raw0 = dPrev * u0 + ep0 * q;
        const raw1 = dPrev * u1 + ep1 * q;
        const G0 = raw0 > clip || raw0 < -clip ? 0 : dCur * gTrace[h0 + j] + a0 * xg0;
        const G1 = raw1 > clip || raw1 < -clip ? 0 : dCur * gTrace[h1 + j] + a1 * xg1;
        gTrace[h0 + j] = G0;
        gTrace[h1 + j] = G1;
        trPostPrev[s0 + j] += G0 * (ep0 + u0 * byPost) + G1 * (ep1 + u1 * byPost);
        preSum0 += G0 * q;
        preSum1 += G1 * q;
        etaSum += G0 * (p0 * q + u0 * byEta) + G1 * (p1 * q + u1 * byEta);
      }
      etaGrad += etaSum;
      trPrePrev[b * m + i] = eta * preSum0;
      trPrePrev[b * m + i + 1] = eta * preSum1;
      gPre[b * m + i] = rowSum0 + trPreCur[b * m + i];
      gPre[b * m + i + 1] = rowSum1 + trPreCur[b * m + i + 1];
    }
  }
  for (; i < i1; i++) {
    // The last rows of a block, one at a time: the general loop (the Hebbian decay arrays hold
    // D = 1 − eta, ∂D/∂post = 0 and ∂D/∂eta = −1, so it covers that rule too).
    const row = i * n;
    for (let b = 0; b < batch; b++) {
      const v0 = b * n;
      const g0 = gAOff + v0;
      const c0 = decayOff + v0;
      const q0 = prevPostOff + v0;
      const d0 = prevDecayOff + v0;
      const s0 = trPostOff + v0;
      const h0 = b * mn + row;
      const x = pre[preOff + b * m + i];
      const p = prevPre[prevPreOff + b * m + i];
      const ep = eta * p;
      let rowSum = 0;
      let preSum = 0;
      let etaSum = 0;
      for (let j = 0; j < n; j++) {
        const k = hPrev[h0 + j];
        const g = gA[g0 + j];
        const al = alpha[row + j];
        rowSum += (w[row + j] + al * k) * g;
        const xg = x * g;
        gAlpha[row + j] += xg * k;
        const u = hPrev2[h0 + j];
        const q = prevPost[q0 + j];
        const raw = prevDecay[d0 + j] * u + ep * q;
        const G = raw > clip || raw < -clip ? 0 : decay[c0 + j] * gTrace[h0 + j] + al * xg;
        gTrace[h0 + j] = G;
        trPostPrev[s0 + j] += G * (ep + u * prevDecayByPost[v0 + j]);
        preSum += G * q;
        etaSum += G * (p * q + u * prevDecayByEta[v0 + j]);
      }
      trPrePrev[b * m + i] = eta * preSum;
      gPre[b * m + i] = rowSum + trPreCur[b * m + i];
      etaGrad += etaSum;
    }
  }
  return etaGrad;
}

/**
 * backwardSweep for a step t whose pre-activation gradient gA_t is zero in every batch element (every neuron
 * clamped, as while an image is shown): the terms with w and alpha vanish, so ∂L/∂pre_t is just the trace
 * part, ∂L/∂alpha gets nothing and ∂L/∂H_{t−1} = D_t·gTrace. The sweep then reads only the trace gradient and
 * H_{t−2}, a third of backwardSweep's memory traffic. The remaining terms are computed exactly as there, so
 * the results are the same bit for bit (up to the sign of zeros).
 */
export function backwardSweepTraceOnly(
  m, n, batch, i0, i1, hPrev2, gTrace, decay, decayOff, trPreCur, gPre, hasPrevStep, prevPre, prevPreOff,
  prevPost, prevPostOff, prevDecay, prevDecayOff, prevDecayByPost, prevDecayByEta, trPostPrev, trPostOff, trPrePrev,
  rule, eta, clip,
) {
  const mn = m * n;
  for (let b = 0; b < batch; b++) {
    for (let i = i0; i < i1; i++) gPre[b * m + i] = trPreCur[b * m + i];
  }
  if (!hasPrevStep) return 0;
  const fastHebb = rule === 'hebb' && clip === Infinity;
  const hebbDecay = 1 - eta;
  let etaGrad = 0;
  let i = i0;
  if (fastHebb) {
    for (; i + 3 < i1; i += 4) {
      for (let b = 0; b < batch; b++) {
        const q0 = prevPostOff + b * n;
        const s0 = trPostOff + b * n;
        const h0 = b * mn + i * n;
        const h1 = h0 + n;
        const h2 = h1 + n;
        const h3 = h2 + n;
        const pp = prevPreOff + b * m + i;
        const ep0 = eta * prevPre[pp];
        const ep1 = eta * prevPre[pp + 1];
        const ep2 = eta * prevPre[pp + 2];
        const ep3 = eta * prevPre[pp + 3];
        let preSum0 = 0;
        let preSum1 = 0;
        let preSum2 = 0;
        let preSum3 = 0;
        let traceSum = 0;
        for (let j = 0; j < n; j++) {
          const G0 = hebbDecay * gTrace[h0 + j];
          const G1 = hebbDecay * gTrace[h1 + j];
          const G2 = hebbDecay * gTrace[h2 + j];
          const G3 = hebbDecay * gTrace[h3 + j];
          gTrace[h0 + j] = G0;
          gTrace[h1 + j] = G1;
          gTrace[h2 + j] = G2;
          gTrace[h3 + j] = G3;
          const q = prevPost[q0 + j];
          trPostPrev[s0 + j] += G0 * ep0 + G1 * ep1 + G2 * ep2 + G3 * ep3;
          preSum0 += G0 * q;
          preSum1 += G1 * q;
          preSum2 += G2 * q;
          preSum3 += G3 * q;
          traceSum += G0 * hPrev2[h0 + j] + G1 * hPrev2[h1 + j] + G2 * hPrev2[h2 + j] + G3 * hPrev2[h3 + j];
        }
        etaGrad += prevPre[pp] * preSum0 + prevPre[pp + 1] * preSum1 + prevPre[pp + 2] * preSum2 + prevPre[pp + 3] * preSum3 - traceSum;
        const o = b * m + i;
        trPrePrev[o] = eta * preSum0;
        trPrePrev[o + 1] = eta * preSum1;
        trPrePrev[o + 2] = eta * preSum2;
        trPrePrev[o + 3] = eta * preSum3;
      }
    }
  }
  for (; !fastHebb && i + 1 < i1; i += 2) {
    for (let b = 0; b < batch; b++) {
      const v0 = b * n;
      const q0 = prevPostOff + v0;
      const s0 = trPostOff + v0;
      const c0 = decayOff + v0;
      const d0 = prevDecayOff + v0;
      const h0 = b * mn + i * n;
      const h1 = h0 + n;
      const p0 = prevPre[prevPreOff + b * m + i];
      const p1 = prevPre[prevPreOff + b * m + i + 1];
      const ep0 = eta * p0;
      const ep1 = eta * p1;
      let preSum0 = 0;
      let preSum1 = 0;
      let etaSum = 0;
      for (let j = 0; j < n; j++) {
        const q = prevPost[q0 + j];
        const dCur = decay[c0 + j];
        const dPrev = prevDecay[d0 + j];
        const byPost = prevDecayByPost[v0 + j];
        const byEta = prevDecayByEta[v0 + j];
        const u0 = hPrev2[h0 + j];
        const u1 = hPrev2[h1 + j];
        const raw0 = dPrev * u0 + ep0 * q;
        const raw1 = dPrev * u1 + ep1 * q;
        const G0 = raw0 > clip || raw0 < -clip ? 0 : dCur * gTrace[h0 + j];
        const G1 = raw1 > clip || raw1 < -clip ? 0 : dCur * gTrace[h1 + j];
        gTrace[h0 + j] = G0;
        gTrace[h1 + j] = G1;
        trPostPrev[s0 + j] += G0 * (ep0 + u0 * byPost) + G1 * (ep1 + u1 * byPost);
        preSum0 += G0 * q;
        preSum1 += G1 * q;
        etaSum += G0 * (p0 * q + u0 * byEta) + G1 * (p1 * q + u1 * byEta);
      }
      etaGrad += etaSum;
      trPrePrev[b * m + i] = eta * preSum0;
      trPrePrev[b * m + i + 1] = eta * preSum1;
    }
  }
  for (; i < i1; i++) {
    for (let b = 0; b < batch; b++) {
      const v0 = b * n;
      const q0 = prevPostOff + v0;
      const s0 = trPostOff + v0;
      const c0 = decayOff + v0;
      const d0 = prevDecayOff + v0;
      const h0 = b * mn + i * n;
      const p = prevPre[prevPreOff + b * m + i];
      const ep = eta * p;
      let preSum = 0;
      let etaSum = 0;
      for (let j = 0; j < n; j++) {
        const u = hPrev2[h0 + j];
        const q = prevPost[q0 + j];
        const raw = prevDecay[d0 + j] * u + ep * q;
        const G = raw > clip || raw < -clip ? 0 : decay[c0 + j] * gTrace[h0 + j];
        gTrace[h0 + j] = G;
        trPostPrev[s0 + j] += G * (ep + u * prevDecayByPost[v0 + j]);
        preSum += G * q;
        etaSum += G * (p * q + u * prevDecayByEta[v0 + j]);
      }
      trPrePrev[b * m + i] = eta * preSum;
      etaGrad += etaSum;
    }
  }
  return etaGrad;
}

/**
 * gW[i][j] += Σ_r pre[r][i] · gA[r][j] over `rows` (time × batch) rows, for i in [i0, i1): ∂L/∂w for the
 * whole episode at once. Each row of gW is summed in float64 in `scratch` ([n], Float64Array) first.
 */
export function accumulateOuterProducts(m, n, rows, i0, i1, pre, preOff, gA, gAOff, gW, scratch) {
  for (let i = i0; i < i1; i++) {
    const row = i * n;
    scratch.fill(0, 0, n);
    let r = 0;
    // Four time rows per j loop: gA[r … r+3] against the same scratch row.
    for (; r + 3 < rows; r += 4) {
      const p = preOff + r * m + i;
      const x0 = pre[p];
      const x1 = pre[p + m];
      const x2 = pre[p + 2 * m];
      const x3 = pre[p + 3 * m];
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
      const g0 = gAOff + r * n;
      const g1 = g0 + n;
      const g2 = g1 + n;
      const g3 = g2 + n;
      for (let j = 0; j < n; j++) scratch[j] += x0 * gA[g0 + j] + x1 * gA[g1 + j] + x2 * gA[g2 + j] + x3 * gA[g3 + j];
    }
    for (; r < rows; r++) {
      const x = pre[preOff + r * m + i];
      const g0 = gAOff + r * n;
      if (x !== 0) for (let j = 0; j < n; j++) scratch[j] += x * gA[g0 + j];
    }
    for (let j = 0; j < n; j++) gW[row + j] += scratch[j];
  }
}

/** Non-plastic forward: acc[b][j] += Σ_i pre[b][i] · w[i][j]. */
export function plainForwardSweep(m, n, batch, w, pre, preOff, acc) {
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let b = 0; b < batch; b++) {
      const x = pre[preOff + b * m + i];
      if (x === 0) continue;
      const v0 = b * n;
      for (let j = 0; j < n; j++) acc[v0 + j] += x * w[row + j];
    }
  }
}

/** Non-plastic backward to the input: gPre[b][i] = Σ_j w[i][j] · gA[b][j]. */
export function plainBackwardSweep(m, n, batch, w, gA, gAOff, gPre) {
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let b = 0; b < batch; b++) {
      const g0 = gAOff + b * n;
      let sum = 0;
      for (let j = 0; j < n; j++) sum += w[row + j] * gA[g0 + j];
      gPre[b * m + i] = sum;
    }
  }
}
