// The sweeps' loop bodies, included twice by trace-sweeps.cc: once plain and once under an AVX2 target, each
// time inside its own namespace (so no include guard). Everything here is a template or inline, so each copy
// is compiled whole for its target; the vector type's operators are then 256-bit instructions in the AVX2 copy.
//
// Each loop body is written once for a "lane" type L: Vec (four doubles over j, GCC/Clang vector extensions)
// or double (the last n mod 4 columns). Per-row operands and sums are copied into local arrays of the
// compile-time row count R before a column loop, so they stay in registers instead of being re-read after
// every store.

typedef double Vec __attribute__((vector_size(32)));
typedef float VecF __attribute__((vector_size(16)));

template <class L> constexpr int width = 1;
template <> constexpr int width<Vec> = 4;

template <class L> inline L splat(double x) { return x; }
template <> inline Vec splat<Vec>(double x) { return Vec{x, x, x, x}; }

template <class L> inline L load(const double* p) { return *p; }
template <> inline Vec load<Vec>(const double* p) {
  Vec v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class L> inline L load(const float* p) { return *p; }
// float ↔ double: GCC 12 splits __builtin_convertvector into 128-bit halves through the stack, so the AVX2 copy
// says vcvtps2pd / vcvtpd2ps itself.
template <> inline Vec load<Vec>(const float* p) {
#ifdef PLASTICITY_BODY_AVX2
  return _mm256_cvtps_pd(_mm_loadu_ps(p));
#else
  VecF v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, Vec);
#endif
}

inline void store(double* p, double x) { *p = x; }
inline void store(float* p, double x) { *p = static_cast<float>(x); }
inline void store(double* p, Vec x) { std::memcpy(p, &x, sizeof x); }
inline void store(float* p, Vec x) {
#ifdef PLASTICITY_BODY_AVX2
  _mm_storeu_ps(p, _mm256_cvtpd_ps(x));
#else
  const VecF f = __builtin_convertvector(x, VecF);
  std::memcpy(p, &f, sizeof f);
#endif
}

inline double sum(double x) { return x; }
inline double sum(Vec x) { return (x[0] + x[1]) + (x[2] + x[3]); }

// Math.max(−c, Math.min(c, h)), NaN staying NaN (a comparison with NaN is false, so h is kept).
inline double clipTrace(double h, double c) {
  const double upper = h > c ? c : h;
  return upper < -c ? -c : upper;
}
// A comparison of two Vecs gives a mask vector (all bits set where true) of the compiler's 64-bit integer type.
template <class Mask>
inline Vec select(Mask m, Vec yes, Vec no) {
  return (Vec)(((Mask)yes & m) | ((Mask)no & ~m));
}
inline Vec clipTrace(Vec h, double c) {
  const Vec upper = select(h > splat<Vec>(c), splat<Vec>(c), h);
  return select(upper < splat<Vec>(-c), splat<Vec>(-c), upper);
}
// The clip's gradient mask: 0 where step t−1's raw trace fell outside [−c, c].
inline double insideClip(double raw, double c, double g) { return raw > c || raw < -c ? 0.0 : g; }
inline Vec insideClip(Vec raw, double c, Vec g) { return select((raw > splat<Vec>(c)) | (raw < splat<Vec>(-c)), splat<Vec>(0.0), g); }

// ---- forward -------------------------------------------------------------------------------------------------

// R rows (4 or 1, grouped as the JavaScript groups them) over columns [j, end): the pending update, then the row
// terms added left to right into acc, exactly as trace-sweeps.js writes the expression.
template <int R, bool Update, class L, class T>
inline int forwardColumns(int j, int end, T* const* rowsH, const T* const* rowsW, const T* const* rowsA, const double* rowsX, const double* rowsEp,
                          double* acc, const double* q, const double* d, double clip) {
  T* h[R];
  const T* w[R];
  const T* a[R];
  L x[R], ep[R];
  for (int r = 0; r < R; r++) {
    h[r] = rowsH[r], w[r] = rowsW[r], a[r] = rowsA[r];
    x[r] = splat<L>(rowsX[r]), ep[r] = splat<L>(rowsEp[r]);
  }
  for (; j + width<L> <= end; j += width<L>) {
    L terms[R];
    const L qv = Update ? load<L>(q + j) : splat<L>(0), dv = Update ? load<L>(d + j) : splat<L>(0);
    for (int r = 0; r < R; r++) {
      L u = load<L>(h[r] + j);
      if (Update) {
        u = clipTrace(dv * u + ep[r] * qv, clip);
        store(h[r] + j, u);
      }
      terms[r] = x[r] * (load<L>(w[r] + j) + load<L>(a[r] + j) * u);
    }
    L s = terms[0];
    for (int r = 1; r < R; r++) s = s + terms[r];
    store(acc + j, load<L>(acc + j) + s);
  }
  return j;
}

template <int R, bool Update, class T>
inline void forwardRows(const SweepRows& r, int i, int b, T* trace, const T* w, const T* alpha, const double* pre, double* acc, const double* prevPre,
                        const double* prevPost, const double* prevDecay, double eta, double clip) {
  const int n = r.n;
  T* h[R];
  const T* wr[R];
  const T* ar[R];
  double x[R], ep[R];
  for (int k = 0; k < R; k++) {
    h[k] = trace + ((size_t)b * r.m + i + k) * n;
    wr[k] = w + (size_t)(i + k) * n;
    ar[k] = alpha + (size_t)(i + k) * n;
    x[k] = pre[(size_t)b * r.m + i + k];
    ep[k] = Update ? eta * prevPre[(size_t)b * r.m + i + k] : 0;
  }
  double* accRow = acc + (size_t)b * n;
  const double* q = prevPost + (size_t)b * n;
  const double* d = prevDecay + (size_t)b * n;
  const int j = forwardColumns<R, Update, Vec>(0, n, h, wr, ar, x, ep, accRow, q, d, clip);
  forwardColumns<R, Update, double>(j, n, h, wr, ar, x, ep, accRow, q, d, clip);
}

template <class T>
inline void forwardBody(const SweepRows& r, T* trace, const T* w, const T* alpha, const double* pre, double* acc, bool update, const double* prevPre,
                        const double* prevPost, const double* prevDecay, double eta, double clip) {
  int i = r.i0;
  for (; i + 3 < r.i1; i += 4) {
    for (int b = 0; b < r.batch; b++) {
      if (update) {
        forwardRows<4, true>(r, i, b, trace, w, alpha, pre, acc, prevPre, prevPost, prevDecay, eta, clip);
      } else {
        const double* x = pre + (size_t)b * r.m + i;
        if (x[0] == 0 && x[1] == 0 && x[2] == 0 && x[3] == 0) continue;
        forwardRows<4, false>(r, i, b, trace, w, alpha, pre, acc, prevPre, prevPost, prevDecay, eta, clip);
      }
    }
  }
  for (; i < r.i1; i++) {
    for (int b = 0; b < r.batch; b++) {
      if (update) forwardRows<1, true>(r, i, b, trace, w, alpha, pre, acc, prevPre, prevPost, prevDecay, eta, clip);
      else if (pre[(size_t)b * r.m + i] != 0) forwardRows<1, false>(r, i, b, trace, w, alpha, pre, acc, prevPre, prevPost, prevDecay, eta, clip);
    }
  }
}

// ---- replay --------------------------------------------------------------------------------------------------

template <class L, class T>
inline int updateColumns(int j, int end, const T* from, T* to, double epScalar, const double* q, const double* d, double clip) {
  const L ep = splat<L>(epScalar);
  for (; j + width<L> <= end; j += width<L>) store(to + j, clipTrace(load<L>(d + j) * load<L>(from + j) + ep * load<L>(q + j), clip));
  return j;
}

template <class T>
inline void traceUpdateBody(const SweepRows& r, const T* from, T* to, const double* pre, const double* post, const double* decay, double eta, double clip) {
  for (int b = 0; b < r.batch; b++) {
    const double* q = post + (size_t)b * r.n;
    const double* d = decay + (size_t)b * r.n;
    for (int i = r.i0; i < r.i1; i++) {
      const size_t row = ((size_t)b * r.m + i) * r.n;
      const double ep = eta * pre[(size_t)b * r.m + i];
      const int j = updateColumns<Vec>(0, r.n, from + row, to + row, ep, q, d, clip);
      updateColumns<double>(j, r.n, from + row, to + row, ep, q, d, clip);
    }
  }
}

// ---- backward ------------------------------------------------------------------------------------------------

// One row's arrays and scalars in a backward step.
template <class T>
struct BackwardRow {
  const T* hPrev;
  const T* hPrev2;
  T* gTrace;
  const T* w;
  const T* alpha;
  T* gAlpha;
  double x, p, ep;
};

// R rows over columns [j, end) of backward step t ≥ 1 (see backwardSweep in trace-sweeps.js for each term),
// summing each row's (w + alpha·H)·g and G·q, and G·H_{t−2}·∂D/∂eta over all. ∂L/∂eta's other part,
// Σ_j G·pre_{t−1}[i]·q[j], is pre_{t−1}[i] times the row's G·q sum (one register fewer per row than the
// JavaScript's form). Full = false is the trace-only variant: gA is zero, so w, alpha, hPrev and gAlpha drop out.
template <bool Full, int R, class L, class T>
inline int backwardColumns(int j, int end, const BackwardRow<T>* rows, const double* g, const double* q, const double* dCur, const double* dPrev,
                           const double* byPost, const double* byEta, double* trPost, double clip, L* rowSumOut, L* preSumOut, L& etaOut) {
  const T* hPrev[R];
  const T* hPrev2[R];
  T* gTrace[R];
  const T* w[R];
  const T* alpha[R];
  T* gAlpha[R];
  L x[R], ep[R], rowSum[R], preSum[R];
  for (int k = 0; k < R; k++) {
    hPrev[k] = rows[k].hPrev, hPrev2[k] = rows[k].hPrev2, gTrace[k] = rows[k].gTrace;
    w[k] = rows[k].w, alpha[k] = rows[k].alpha, gAlpha[k] = rows[k].gAlpha;
    x[k] = splat<L>(rows[k].x), ep[k] = splat<L>(rows[k].ep);
    rowSum[k] = splat<L>(0), preSum[k] = splat<L>(0);
  }
  L eta = splat<L>(0);
  for (; j + width<L> <= end; j += width<L>) {
    const L gv = Full ? load<L>(g + j) : splat<L>(0), qv = load<L>(q + j), dc = load<L>(dCur + j), dp = load<L>(dPrev + j);
    const L bp = load<L>(byPost + j), be = load<L>(byEta + j);
    L column = splat<L>(0);
    for (int k = 0; k < R; k++) {
      const L u = load<L>(hPrev2[k] + j);
      L G = dc * load<L>(gTrace[k] + j);
      if (Full) {
        const L a = load<L>(alpha[k] + j), h = load<L>(hPrev[k] + j);
        rowSum[k] = rowSum[k] + (load<L>(w[k] + j) + a * h) * gv;
        const L xg = x[k] * gv;
        store(gAlpha[k] + j, load<L>(gAlpha[k] + j) + xg * h);
        G = G + a * xg;
      }
      G = insideClip(dp * u + ep[k] * qv, clip, G);
      store(gTrace[k] + j, G);
      column = column + G * (ep[k] + u * bp);
      preSum[k] = preSum[k] + G * qv;
      eta = eta + G * u * be;
    }
    store(trPost + j, load<L>(trPost + j) + column);
  }
  for (int k = 0; k < R; k++) rowSumOut[k] = rowSum[k], preSumOut[k] = preSum[k];
  etaOut = eta;
  return j;
}

template <bool Full, int R, class T>
inline double backwardRows(const SweepRows& r, int i, int b, const T* hPrev, const T* hPrev2, T* gTrace, const T* w, const T* alpha, T* gAlpha,
                           const BackwardVectors& v) {
  const int n = r.n;
  const size_t bn = (size_t)b * n, bm = (size_t)b * r.m;
  BackwardRow<T> rows[R];
  for (int k = 0; k < R; k++) {
    const size_t trace = (bm + i + k) * n, param = (size_t)(i + k) * n;
    const double p = v.prevPre[bm + i + k];
    rows[k] = {Full ? hPrev + trace : nullptr, hPrev2 + trace, gTrace + trace, Full ? w + param : nullptr, Full ? alpha + param : nullptr,
               Full ? gAlpha + param : nullptr, Full ? v.pre[bm + i + k] : 0, p, v.eta * p};
  }
  Vec rowSumWide[R], preSumWide[R], etaWide;
  double rowSumTail[R], preSumTail[R], etaTail;
  const double* g = Full ? v.gA + bn : nullptr;
  const int j = backwardColumns<Full, R>(0, n, rows, g, v.prevPost + bn, v.decay + bn, v.prevDecay + bn, v.prevDecayByPost + bn, v.prevDecayByEta + bn,
                                         v.trPostPrev + bn, v.clip, rowSumWide, preSumWide, etaWide);
  backwardColumns<Full, R>(j, n, rows, g, v.prevPost + bn, v.decay + bn, v.prevDecay + bn, v.prevDecayByPost + bn, v.prevDecayByEta + bn,
                           v.trPostPrev + bn, v.clip, rowSumTail, preSumTail, etaTail);
  double etaGrad = sum(etaWide) + etaTail;
  for (int k = 0; k < R; k++) {
    const size_t o = bm + i + k;
    const double preSum = sum(preSumWide[k]) + preSumTail[k];
    v.trPrePrev[o] = v.eta * preSum;
    etaGrad += rows[k].p * preSum;
    if (Full) v.gPre[o] = sum(rowSumWide[k]) + rowSumTail[k] + v.trPreCur[o];
  }
  return etaGrad;
}

// Step t = 0 has no earlier update: only ∂L/∂pre_0 and ∂L/∂alpha.
template <class L, class T>
inline int firstStepColumns(int j, int end, const T* h, const T* w, const T* a, T* gAlpha, const double* g, double xScalar, L& rowSumOut) {
  const L x = splat<L>(xScalar);
  L rowSum = splat<L>(0);
  for (; j + width<L> <= end; j += width<L>) {
    const L gv = load<L>(g + j), k = load<L>(h + j);
    rowSum = rowSum + (load<L>(w + j) + load<L>(a + j) * k) * gv;
    store(gAlpha + j, load<L>(gAlpha + j) + x * gv * k);
  }
  rowSumOut = rowSum;
  return j;
}

template <bool Full, class T>
inline double backwardBody(const SweepRows& r, const T* hPrev, const T* hPrev2, T* gTrace, const T* w, const T* alpha, T* gAlpha, const BackwardVectors& v) {
  const int n = r.n;
  if (!Full) {
    for (int b = 0; b < r.batch; b++) {
      for (int i = r.i0; i < r.i1; i++) v.gPre[(size_t)b * r.m + i] = v.trPreCur[(size_t)b * r.m + i];
    }
  }
  if (!v.hasPrevStep) {
    if (!Full) return 0;
    for (int i = r.i0; i < r.i1; i++) {
      for (int b = 0; b < r.batch; b++) {
        const size_t o = (size_t)b * r.m + i, trace = o * n, param = (size_t)i * n;
        Vec wide;
        double tail;
        const int j = firstStepColumns<Vec>(0, n, hPrev + trace, w + param, alpha + param, gAlpha + param, v.gA + (size_t)b * n, v.pre[o], wide);
        firstStepColumns<double>(j, n, hPrev + trace, w + param, alpha + param, gAlpha + param, v.gA + (size_t)b * n, v.pre[o], tail);
        v.gPre[o] = sum(wide) + tail + v.trPreCur[o];
      }
    }
    return 0;
  }
  // Two rows per column loop: the six per-column vectors are loaded once for both.
  double etaGrad = 0;
  int i = r.i0;
  for (; i + 1 < r.i1; i += 2) {
    for (int b = 0; b < r.batch; b++) etaGrad += backwardRows<Full, 2>(r, i, b, hPrev, hPrev2, gTrace, w, alpha, gAlpha, v);
  }
  for (; i < r.i1; i++) {
    for (int b = 0; b < r.batch; b++) etaGrad += backwardRows<Full, 1>(r, i, b, hPrev, hPrev2, gTrace, w, alpha, gAlpha, v);
  }
  return etaGrad;
}

// ---- ∂L/∂w ---------------------------------------------------------------------------------------------------

template <int R, class L>
inline int outerColumns(int j, int end, double* scratch, const double* const* rowsG, const double* rowsX) {
  const double* g[R];
  L x[R];
  for (int k = 0; k < R; k++) g[k] = rowsG[k], x[k] = splat<L>(rowsX[k]);
  for (; j + width<L> <= end; j += width<L>) {
    L s = x[0] * load<L>(g[0] + j);
    for (int k = 1; k < R; k++) s = s + x[k] * load<L>(g[k] + j);
    store(scratch + j, load<L>(scratch + j) + s);
  }
  return j;
}

template <class L, class T>
inline int addColumns(int j, int end, T* to, const double* from) {
  for (; j + width<L> <= end; j += width<L>) store(to + j, load<L>(to + j) + load<L>(from + j));
  return j;
}

template <class T>
inline void outerBody(int m, int n, int rows, int i0, int i1, const double* pre, const double* gA, T* gW, double* scratch) {
  for (int i = i0; i < i1; i++) {
    std::memset(scratch, 0, sizeof(double) * n);
    int t = 0;
    for (; t + 3 < rows; t += 4) {
      const double x[4] = {pre[(size_t)t * m + i], pre[(size_t)(t + 1) * m + i], pre[(size_t)(t + 2) * m + i], pre[(size_t)(t + 3) * m + i]};
      if (x[0] == 0 && x[1] == 0 && x[2] == 0 && x[3] == 0) continue;
      const double* g[4] = {gA + (size_t)t * n, gA + (size_t)(t + 1) * n, gA + (size_t)(t + 2) * n, gA + (size_t)(t + 3) * n};
      const int j = outerColumns<4, Vec>(0, n, scratch, g, x);
      outerColumns<4, double>(j, n, scratch, g, x);
    }
    for (; t < rows; t++) {
      const double x = pre[(size_t)t * m + i];
      const double* g = gA + (size_t)t * n;
      if (x == 0) continue;
      const int j = outerColumns<1, Vec>(0, n, scratch, &g, &x);
      outerColumns<1, double>(j, n, scratch, &g, &x);
    }
    T* row = gW + (size_t)i * n;
    const int j = addColumns<Vec>(0, n, row, scratch);
    addColumns<double>(j, n, row, scratch);
  }
}

// ---- non-plastic layers --------------------------------------------------------------------------------------

// acc[b][j] += Σ_i pre[b][i]·w[i][j], i ascending and silent inputs skipped, as plainForwardSweep.
template <class L, class T>
inline int plainForwardColumns(int j, int end, const T* w, double xScalar, double* acc) {
  const L x = splat<L>(xScalar);
  for (; j + width<L> <= end; j += width<L>) store(acc + j, load<L>(acc + j) + x * load<L>(w + j));
  return j;
}

template <class T>
inline void plainForwardBody(int m, int n, int batch, const T* w, const double* pre, double* acc) {
  for (int i = 0; i < m; i++) {
    for (int b = 0; b < batch; b++) {
      const double x = pre[(size_t)b * m + i];
      if (x == 0) continue;
      const int j = plainForwardColumns<Vec>(0, n, w + (size_t)i * n, x, acc + (size_t)b * n);
      plainForwardColumns<double>(j, n, w + (size_t)i * n, x, acc + (size_t)b * n);
    }
  }
}

template <class L, class T>
inline int plainBackwardColumns(int j, int end, const T* w, const double* g, L& sumOut) {
  L s = splat<L>(0);
  for (; j + width<L> <= end; j += width<L>) s = s + load<L>(w + j) * load<L>(g + j);
  sumOut = s;
  return j;
}

// gPre[b][i] = Σ_j w[i][j]·gA[b][j].
template <class T>
inline void plainBackwardBody(int m, int n, int batch, const T* w, const double* gA, double* gPre) {
  for (int i = 0; i < m; i++) {
    for (int b = 0; b < batch; b++) {
      Vec wide;
      double tail;
      const int j = plainBackwardColumns<Vec>(0, n, w + (size_t)i * n, gA + (size_t)b * n, wide);
      plainBackwardColumns<double>(j, n, w + (size_t)i * n, gA + (size_t)b * n, tail);
      gPre[(size_t)b * m + i] = sum(wide) + tail;
    }
  }
}
