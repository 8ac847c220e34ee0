// The plastic kernel's sweeps in C++, vectorised over the postsynaptic index j: the same equations and loop
// structure as core/plasticity/trace-sweeps.js (its header comment has the derivation), which V8 runs as scalar
// code at about 1 GFLOP/s. The loop bodies are in trace-sweeps-body.h, compiled here twice: plain (SSE2 on
// x86-64, NEON on arm64) and, on x86-64, for AVX2, chosen at run time by what the CPU has.
//
// Rounding. Forward, replay and ∂L/∂w do every element's arithmetic in the same order as the JavaScript, in
// float64, rounded to the trace's precision where stored, with no fused multiply-add (the target is "avx2"
// without "fma", and binding.gyp passes -ffp-contract=off): their results are bitwise those of trace-sweeps.js,
// so the stepper's traces, the forward pass's and the backward's replay stay equal whichever path computed them.
// The backward's sums over j add four lanes at a time, so they differ from the JavaScript's at rounding level.
#include "trace-sweeps.h"

#include <atomic>
#include <cstddef>
#include <cstring>
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

namespace plain {
#include "trace-sweeps-body.h"
}  // namespace plain

#if defined(__x86_64__) || defined(_M_X64)
#define PLASTICITY_AVX2 1
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif
#define PLASTICITY_BODY_AVX2 1
namespace avx2 {
#include "trace-sweeps-body.h"
}  // namespace avx2
#undef PLASTICITY_BODY_AVX2
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

namespace {
// Tests turn the vectorised path off to check the plain one on the same machine.
std::atomic<bool> vectorisedAllowed{true};
#ifdef PLASTICITY_AVX2
bool hasAvx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes && vectorisedAllowed.load(std::memory_order_relaxed);
}
#define PLASTICITY_DISPATCH(call) return hasAvx2() ? avx2::call : plain::call
#else
bool hasAvx2() { return false; }
#define PLASTICITY_DISPATCH(call) return plain::call
#endif
}  // namespace

bool sweepsVectorised() { return hasAvx2(); }

void allowVectorisedSweeps(bool allow) { vectorisedAllowed.store(allow, std::memory_order_relaxed); }

template <typename T>
void forwardSweep(const SweepRows& r, T* trace, const T* w, const T* alpha, const double* pre, double* acc, bool update, const double* prevPre,
                  const double* prevPost, const double* prevDecay, double eta, double clip) {
  PLASTICITY_DISPATCH(forwardBody(r, trace, w, alpha, pre, acc, update, prevPre, prevPost, prevDecay, eta, clip));
}

template <typename T>
void traceUpdateSweep(const SweepRows& r, const T* from, T* to, const double* pre, const double* post, const double* decay, double eta, double clip) {
  PLASTICITY_DISPATCH(traceUpdateBody(r, from, to, pre, post, decay, eta, clip));
}

template <typename T>
double backwardSweep(const SweepRows& r, const T* hPrev, const T* hPrev2, T* gTrace, const T* w, const T* alpha, T* gAlpha, const BackwardVectors& v) {
  PLASTICITY_DISPATCH(backwardBody<true>(r, hPrev, hPrev2, gTrace, w, alpha, gAlpha, v));
}

template <typename T>
double backwardSweepTraceOnly(const SweepRows& r, const T* hPrev2, T* gTrace, const BackwardVectors& v) {
  const T* none = nullptr;
  T* noGradient = nullptr;
  PLASTICITY_DISPATCH(backwardBody<false>(r, none, hPrev2, gTrace, none, none, noGradient, v));
}

template <typename T>
void accumulateOuterProducts(int m, int n, int rows, int i0, int i1, const double* pre, const double* gA, T* gW, double* scratch) {
  PLASTICITY_DISPATCH(outerBody(m, n, rows, i0, i1, pre, gA, gW, scratch));
}

template <typename T>
void plainForwardSweep(int m, int n, int batch, const T* w, const double* pre, double* acc) {
  PLASTICITY_DISPATCH(plainForwardBody(m, n, batch, w, pre, acc));
}

template <typename T>
void plainBackwardSweep(int m, int n, int batch, const T* w, const double* gA, double* gPre) {
  PLASTICITY_DISPATCH(plainBackwardBody(m, n, batch, w, gA, gPre));
}

#define PLASTICITY_INSTANTIATE(T)                                                                                                              \
  template void forwardSweep<T>(const SweepRows&, T*, const T*, const T*, const double*, double*, bool, const double*, const double*,          \
                                const double*, double, double);                                                                                \
  template void traceUpdateSweep<T>(const SweepRows&, const T*, T*, const double*, const double*, const double*, double, double);              \
  template double backwardSweep<T>(const SweepRows&, const T*, const T*, T*, const T*, const T*, T*, const BackwardVectors&);                 \
  template double backwardSweepTraceOnly<T>(const SweepRows&, const T*, T*, const BackwardVectors&);                                         \
  template void accumulateOuterProducts<T>(int, int, int, int, int, const double*, const double*, T*, double*);                               \
  template void plainForwardSweep<T>(int, int, int, const T*, const double*, double*);                                                        \
  template void plainBackwardSweep<T>(int, int, int, const T*, const double*, double*);
PLASTICITY_INSTANTIATE(float)
PLASTICITY_INSTANTIATE(double)
