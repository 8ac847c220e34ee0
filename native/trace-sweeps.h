// The plastic kernel's sweeps and a non-plastic layer's step (trace-sweeps.cc), the same contract as core/plasticity/trace-sweeps.js: one pass
// over rows [i0, i1) of every batch element's M×N trace per call. Trace-sized arrays (T) are float or double,
// per-step vectors double. Pointers are already advanced to the JavaScript offsets; the binding (sweeps-binding.cc)
// checks every array is long enough.
#pragma once

struct SweepRows {
  int m, n, batch, i0, i1;
};

/** The pending trace update of step t−1 (when `update`), then acc[b][j] += Σ_i pre[b][i]·(w + alpha·H)[i][j]. */
template <typename T>
void forwardSweep(const SweepRows& r, T* trace, const T* w, const T* alpha, const double* pre, double* acc, bool update,
                  const double* prevPre, const double* prevPost, const double* prevDecay, double eta, double clip);

/** to = clip(decay ⊙ from + eta·pre ⊗ post); `to` may be `from`. */
template <typename T>
void traceUpdateSweep(const SweepRows& r, const T* from, T* to, const double* pre, const double* post, const double* decay, double eta, double clip);

/** The per-step vectors of one backward step (t) and of the update it passes gradient through (t−1). */
struct BackwardVectors {
  const double* pre;            // pre_t [B, M]
  const double* gA;             // ∂L/∂a_t [B, N]
  const double* decay;          // D_t [B, N]
  const double* trPreCur;       // ∂L/∂pre_t through step t's update [B, M]
  double* gPre;                 // out: ∂L/∂pre_t [B, M]
  bool hasPrevStep;             // t ≥ 1
  const double* prevPre;        // pre_{t−1} [B, M]
  const double* prevPost;       // post_{t−1} [B, N]
  const double* prevDecay;      // D_{t−1} [B, N]
  const double* prevDecayByPost;  // ∂D_{t−1}/∂post [B, N]
  const double* prevDecayByEta;   // ∂D_{t−1}/∂eta [B, N]
  double* trPostPrev;           // out (added to): ∂L/∂post_{t−1} through the update, this block's part [B, N]
  double* trPrePrev;            // out: ∂L/∂pre_{t−1} through the update [B, M]
  double eta, clip;
};

/** One backward step over the rows (see trace-sweeps.js); returns this block's part of ∂L/∂eta. */
template <typename T>
double backwardSweep(const SweepRows& r, const T* hPrev, const T* hPrev2, T* gTrace, const T* w, const T* alpha, T* gAlpha, const BackwardVectors& v);

/** backwardSweep for a step whose gA is zero everywhere (hPrev, w, alpha and gAlpha are not read). */
template <typename T>
double backwardSweepTraceOnly(const SweepRows& r, const T* hPrev2, T* gTrace, const BackwardVectors& v);

/** gW[i][j] += Σ_r pre[r][i]·gA[r][j] over `rows` rows (stride m and n), rows i of [i0, i1); scratch holds n doubles. */
template <typename T>
void accumulateOuterProducts(int m, int n, int rows, int i0, int i1, const double* pre, const double* gA, T* gW, double* scratch);

/** A non-plastic layer's step: acc[b][j] += Σ_i pre[b][i]·w[i][j] (w [M, N], pre [B, M], acc [B, N]). */
template <typename T>
void plainForwardSweep(int m, int n, int batch, const T* w, const double* pre, double* acc);

/** Its input gradient: gPre[b][i] = Σ_j w[i][j]·gA[b][j]. */
template <typename T>
void plainBackwardSweep(int m, int n, int batch, const T* w, const double* gA, double* gPre);

/** Whether the sweeps run vectorised (AVX2) on this CPU. */
bool sweepsVectorised();

/** Lets the sweeps use the vectorised path where the CPU has it (the default), or not (to test the plain path). */
void allowVectorisedSweeps(bool allow);
