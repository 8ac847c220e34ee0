// The hot loops: one pass over the M×N trace of every batch element per time step.
//
// Layout (all row-major, Float64): trace and its gradient are [B, M, N]; w, alpha and their gradients are
// [M, N]; per-step vectors (pre, post, drive, accumulators) are [B, width]. Loops run i (presynaptic row)
// outermost, then b, then j contiguous, so a row of w and alpha is reused by every batch element while it
// is still in L1.
//
// Both rules are written as one update form, so every loop is branch-free over j:
//   H̃[i][j] = D[j] · H[i][j] + (eta · pre[i]) · post[j]
//   hebb: D[j] = 1 − eta               (the decaying trace)
//   oja:  D[j] = 1 − eta · post[j]²     (H + eta·post·(pre − post·H), regrouped)
// followed by H = clip(H̃, ±c) (c = Infinity when there is no clipping). The forward pass, the stepper and
// the backward replay all update through `clipTrace(D·h + ep·q, c)` with the same operands, so the replayed
// traces are bitwise equal to the forward ones.
//
// V8 runs these loops as scalar code at roughly one simple operation per nanosecond, so they are compute-bound,
// not memory-bound: every operation removed from an inner loop counts. Hence the loop variants below for
// "no clipping" (the clip costs as much as the update) and for the Hebbian rule without clipping (where
// D is a constant and its derivatives are 0 and −1), selected once per row, outside the j loops.

/** Clip to [−c, c]; c = Infinity disables it. */
export function clipTrace(h: number, c: number): number {
  return Math.max(-c, Math.min(c, h));
}

/**
 * Forward sweep of step t. When `update` is set it first applies the pending trace update of step t−1
 * (from prevPre, prevPost, prevDecay), in place, then accumulates the pre-activation with the updated trace:
 *   acc[b][j] += Σ_i pre_t[b][i] · (w[i][j] + alpha[i][j] · H_{t−1}[b][i][j]).
 * Fusing the two halves means each step reads and writes the trace once.
 */
export function forwardSweep(
  m: number,
  n: number,
  batch: number,
  trace: Float64Array,
  w: Float64Array,
  alpha: Float64Array,
  pre: Float64Array,
  preOff: number,
  acc: Float64Array,
  update: boolean,
  prevPre: Float64Array,
  prevPreOff: number,
  prevPost: Float64Array,
  prevPostOff: number,
  prevDecay: Float64Array,
  eta: number,
  clip: number,
): void {
  const mn = m * n;
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let b = 0; b < batch; b++) {
      const h0 = b * mn + row;
      const v0 = b * n;
      const x = pre[preOff + b * m + i];
      if (update) {
        const ep = eta * prevPre[prevPreOff + b * m + i];
        const q0 = prevPostOff + v0;
        if (clip === Infinity) {
          for (let j = 0; j < n; j++) {
            const h = prevDecay[v0 + j] * trace[h0 + j] + ep * prevPost[q0 + j];
            trace[h0 + j] = h;
            acc[v0 + j] += x * (w[row + j] + alpha[row + j] * h);
          }
        } else {
          for (let j = 0; j < n; j++) {
            const h = clipTrace(prevDecay[v0 + j] * trace[h0 + j] + ep * prevPost[q0 + j], clip);
            trace[h0 + j] = h;
            acc[v0 + j] += x * (w[row + j] + alpha[row + j] * h);
          }
        }
      } else if (x !== 0) {
        for (let j = 0; j < n; j++) acc[v0 + j] += x * (w[row + j] + alpha[row + j] * trace[h0 + j]);
      }
    }
  }
}

/** to = clip(D ⊙ from + eta · pre ⊗ post): the trace update alone, used to replay a segment. */
export function traceUpdateSweep(
  m: number,
  n: number,
  batch: number,
  from: Float64Array,
  to: Float64Array,
  pre: Float64Array,
  preOff: number,
  post: Float64Array,
  postOff: number,
  decay: Float64Array,
  eta: number,
  clip: number,
): void {
  const mn = m * n;
  for (let b = 0; b < batch; b++) {
    const v0 = b * n;
    const q0 = postOff + v0;
    for (let i = 0; i < m; i++) {
      const h0 = b * mn + i * n;
      const ep = eta * pre[preOff + b * m + i];
      if (clip === Infinity) {
        for (let j = 0; j < n; j++) to[h0 + j] = decay[v0 + j] * from[h0 + j] + ep * post[q0 + j];
      } else {
        for (let j = 0; j < n; j++) to[h0 + j] = clipTrace(decay[v0 + j] * from[h0 + j] + ep * post[q0 + j], clip);
      }
    }
  }
}

/**
 * Backward sweep of step t, fused with the trace part of step t−1 (see README for the derivation).
 *
 * In:  gTrace = ∂L/∂H̃_t (already masked by step t's clip), gA = ∂L/∂a_t, trPreCur = ∂L/∂pre_t through
 *      step t's trace update (computed by the previous sweep).
 * Per element, with x = pre_t[i], g = gA[j], h1 = H_{t−1}[i][j]:
 *   ∂L/∂alpha[i][j] += x·g·h1
 *   ∂L/∂pre_t[i]    += Σ_j (w + alpha·h1)·g                     (written to gPre, plus trPreCur)
 *   ∂L/∂H_{t−1}      = D_t[j]·gTrace + alpha·x·g                 (the trace feeds step t twice)
 * then, if t ≥ 1, through step t−1's update H_{t−1} = clip(D'·h2 + eta·p'·q'), h2 = H_{t−2}[i][j]:
 *   ∂L/∂H̃_{t−1}    = ∂L/∂H_{t−1} where |H̃_{t−1}| ≤ c, else 0    (stored back into gTrace)
 *   ∂L/∂post_{t−1}[j] += G·(eta·p'[i] + h2·∂D'/∂post)          (trPostPrev, a column sum)
 *   ∂L/∂pre_{t−1}[i]  += eta·Σ_j G·q'[j]                        (trPrePrev, a row sum)
 *   ∂L/∂eta           += G·(p'[i]·q'[j] + h2·∂D'/∂eta)          (returned)
 * where G = ∂L/∂H̃_{t−1}. ∂L/∂w is not accumulated here (it is Σ_t pre_t ⊗ gA_t, done once at the end).
 */
export function backwardSweep(
  m: number,
  n: number,
  batch: number,
  hPrev: Float64Array,
  hPrev2: Float64Array,
  gTrace: Float64Array,
  w: Float64Array,
  alpha: Float64Array,
  gAlpha: Float64Array,
  pre: Float64Array,
  preOff: number,
  gA: Float64Array,
  gAOff: number,
  decay: Float64Array,
  trPreCur: Float64Array,
  gPre: Float64Array,
  hasPrevStep: boolean,
  prevPre: Float64Array,
  prevPreOff: number,
  prevPost: Float64Array,
  prevPostOff: number,
  prevDecay: Float64Array,
  prevDecayByPost: Float64Array,
  prevDecayByEta: Float64Array,
  trPostPrev: Float64Array,
  trPrePrev: Float64Array,
  rule: 'hebb' | 'oja',
  eta: number,
  clip: number,
): number {
  const mn = m * n;
  const fastHebb = rule === 'hebb' && clip === Infinity;
  const hebbDecay = 1 - eta;
  let etaGrad = 0;
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let b = 0; b < batch; b++) {
      const h0 = b * mn + row;
      const v0 = b * n;
      const g0 = gAOff + v0;
      const x = pre[preOff + b * m + i];
      let rowSum = 0;
      if (hasPrevStep && fastHebb) {
        // Same as the general loop below with D = 1 − eta, ∂D/∂post = 0, ∂D/∂eta = −1 and no clip mask.
        const p = prevPre[prevPreOff + b * m + i];
        const ep = eta * p;
        const q0 = prevPostOff + v0;
        let preSum = 0;
        let traceSum = 0;
        for (let j = 0; j < n; j++) {
          const h1 = hPrev[h0 + j];
          const g = gA[g0 + j];
          const al = alpha[row + j];
          rowSum += (w[row + j] + al * h1) * g;
          const xg = x * g;
          gAlpha[row + j] += xg * h1;
          const gNext = hebbDecay * gTrace[h0 + j] + al * xg;
          gTrace[h0 + j] = gNext;
          trPostPrev[v0 + j] += gNext * ep;
          preSum += gNext * prevPost[q0 + j];
          traceSum += gNext * hPrev2[h0 + j];
        }
        trPrePrev[b * m + i] = eta * preSum;
        etaGrad += p * preSum - traceSum;
      } else if (hasPrevStep) {
        const p = prevPre[prevPreOff + b * m + i];
        const ep = eta * p;
        const q0 = prevPostOff + v0;
        let preSum = 0;
        let etaSum = 0;
        for (let j = 0; j < n; j++) {
          const h1 = hPrev[h0 + j];
          const g = gA[g0 + j];
          const al = alpha[row + j];
          rowSum += (w[row + j] + al * h1) * g;
          const xg = x * g;
          gAlpha[row + j] += xg * h1;
          const h2 = hPrev2[h0 + j];
          const q = prevPost[q0 + j];
          const raw = prevDecay[v0 + j] * h2 + ep * q;
          const gNext = raw > clip || raw < -clip ? 0 : decay[v0 + j] * gTrace[h0 + j] + al * xg;
          gTrace[h0 + j] = gNext;
          trPostPrev[v0 + j] += gNext * (ep + h2 * prevDecayByPost[v0 + j]);
          preSum += gNext * q;
          etaSum += gNext * (p * q + h2 * prevDecayByEta[v0 + j]);
        }
        trPrePrev[b * m + i] = eta * preSum;
        etaGrad += etaSum;
      } else {
        for (let j = 0; j < n; j++) {
          const h1 = hPrev[h0 + j];
          const g = gA[g0 + j];
          rowSum += (w[row + j] + alpha[row + j] * h1) * g;
          gAlpha[row + j] += x * g * h1;
        }
      }
      gPre[b * m + i] = rowSum + trPreCur[b * m + i];
    }
  }
  return etaGrad;
}

/** Non-plastic forward: acc[b][j] += Σ_i pre[b][i] · w[i][j]. */
export function plainForwardSweep(
  m: number,
  n: number,
  batch: number,
  w: Float64Array,
  pre: Float64Array,
  preOff: number,
  acc: Float64Array,
): void {
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
export function plainBackwardSweep(
  m: number,
  n: number,
  batch: number,
  w: Float64Array,
  gA: Float64Array,
  gAOff: number,
  gPre: Float64Array,
): void {
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

/** gW[i][j] += Σ_r pre[r][i] · gA[r][j] over `rows` (time × batch) rows: ∂L/∂w for the whole episode at once. */
export function accumulateOuterProducts(
  m: number,
  n: number,
  rows: number,
  pre: Float64Array,
  preOff: number,
  gA: Float64Array,
  gAOff: number,
  gW: Float64Array,
): void {
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let r = 0; r < rows; r++) {
      const x = pre[preOff + r * m + i];
      if (x === 0) continue;
      const g0 = gAOff + r * n;
      for (let j = 0; j < n; j++) gW[row + j] += x * gA[g0 + j];
    }
  }
}
