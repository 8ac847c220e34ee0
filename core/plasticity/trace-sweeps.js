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
// chosen outside the j loops, and two rows per j loop: the per-column operands (post, decay, gA) are loaded
// once for both rows, and the two rows' column sums are added together (measured 25–40% faster).

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
  for (; i + 1 < i1; i += 2) {
    const r0 = i * n;
    const r1 = r0 + n;
    for (let b = 0; b < batch; b++) {
      const a0 = accOff + b * n;
      const h0 = b * mn + r0;
      const h1 = h0 + n;
      const x0 = pre[preOff + b * m + i];
      const x1 = pre[preOff + b * m + i + 1];
      if (!update) {
        if (x0 === 0 && x1 === 0) continue;
        for (let j = 0; j < n; j++) {
          acc[a0 + j] += x0 * (w[r0 + j] + alpha[r0 + j] * trace[h0 + j]) + x1 * (w[r1 + j] + alpha[r1 + j] * trace[h1 + j]);
        }
        continue;
      }
      const q0 = prevPostOff + b * n;
      const d0 = prevDecayOff + b * n;
      const ep0 = eta * prevPre[prevPreOff + b * m + i];
      const ep1 = eta * prevPre[prevPreOff + b * m + i + 1];
      if (clip === Infinity) {
        for (let j = 0; j < n; j++) {
          const q = prevPost[q0 + j];
          const d = prevDecay[d0 + j];
          const u0 = d * trace[h0 + j] + ep0 * q;
          const u1 = d * trace[h1 + j] + ep1 * q;
          trace[h0 + j] = u0;
          trace[h1 + j] = u1;
          acc[a0 + j] += x0 * (w[r0 + j] + alpha[r0 + j] * u0) + x1 * (w[r1 + j] + alpha[r1 + j] * u1);
        }
      } else {
        for (let j = 0; j < n; j++) {
          const q = prevPost[q0 + j];
          const d = prevDecay[d0 + j];
          const u0 = clipTrace(d * trace[h0 + j] + ep0 * q, clip);
          const u1 = clipTrace(d * trace[h1 + j] + ep1 * q, clip);
          trace[h0 + j] = u0;
          trace[h1 + j] = u1;
          acc[a0 + j] += x0 * (w[r0 + j] + alpha[r0 + j] * u0) + x1 * (w[r1 + j] + alpha[r1 + j] * u1);
        }
      }
    }
  }
  if (i < i1) {
    // The last row of an odd-sized block.
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
    for (; i + 1 < i1; i += 2) {
      const h0 = b * mn + i * n;
      const h1 = h0 + n;
      const ep0 = eta * pre[preOff + b * m + i];
      const ep1 = eta * pre[preOff + b * m + i + 1];
      if (clip === Infinity) {
        for (let j = 0; j < n; j++) {
          const q = post[q0 + j];
          const d = decay[d0 + j];
          to[h0 + j] = d * from[h0 + j] + ep0 * q;
          to[h1 + j] = d * from[h1 + j] + ep1 * q;
        }
      } else {
        for (let j = 0; j < n; j++) {
          const q = post[q0 + j];
          const d = decay[d0 + j];
          to[h0 + j] = clipTrace(d * from[h0 + j] + ep0 * q, clip);
          to[h1 + j] = clipTrace(d * from[h1 + j] + ep1 * q, clip);
        }
      }
    }
    if (i < i1) {
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
  for (; i + 1 < i1; i += 2) {
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
      if (fastHebb) {
        // The general loop below with D = 1 − eta, ∂D/∂post = 0, ∂D/∂eta = −1 and no clip mask.
        let traceSum = 0;
        for (let j = 0; j < n; j++) {
          const g = gA[g0 + j];
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
          const G0 = hebbDecay * gTrace[h0 + j] + a0 * xg0;
          const G1 = hebbDecay * gTrace[h1 + j] + a1 * xg1;
          gTrace[h0 + j] = G0;
          gTrace[h1 + j] = G1;
          const q = prevPost[q0 + j];
          trPostPrev[s0 + j] += G0 * ep0 + G1 * ep1;
          preSum0 += G0 * q;
          preSum1 += G1 * q;
          traceSum += G0 * hPrev2[h0 + j] + G1 * hPrev2[h1 + j];
        }
        etaGrad += p0 * preSum0 + p1 * preSum1 - traceSum;
      } else {
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
      }
      trPrePrev[b * m + i] = eta * preSum0;
      trPrePrev[b * m + i + 1] = eta * preSum1;
      gPre[b * m + i] = rowSum0 + trPreCur[b * m + i];
      gPre[b * m + i + 1] = rowSum1 + trPreCur[b * m + i + 1];
    }
  }
  if (i < i1) {
    // The last row of an odd-sized block: the general loop, one row (the Hebbian decay arrays hold
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
 * gW[i][j] += Σ_r pre[r][i] · gA[r][j] over `rows` (time × batch) rows, for i in [i0, i1): ∂L/∂w for the
 * whole episode at once. Each row of gW is summed in float64 in `scratch` ([n], Float64Array) first.
 */
export function accumulateOuterProducts(m, n, rows, i0, i1, pre, preOff, gA, gAOff, gW, scratch) {
  for (let i = i0; i < i1; i++) {
    const row = i * n;
    scratch.fill(0, 0, n);
    let r = 0;
    // Two time rows per j loop: gA[r] and gA[r+1] against the same scratch row.
    for (; r + 1 < rows; r += 2) {
      const x0 = pre[preOff + r * m + i];
      const x1 = pre[preOff + (r + 1) * m + i];
      if (x0 === 0 && x1 === 0) continue;
      const g0 = gAOff + r * n;
      const g1 = g0 + n;
      for (let j = 0; j < n; j++) scratch[j] += x0 * gA[g0 + j] + x1 * gA[g1 + j];
    }
    if (r < rows) {
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
