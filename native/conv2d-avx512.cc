// The convolution's loops for AVX-512 (32 vector registers of 16 floats): twice the AVX2 loops' width, and on
// CPUs with full-width units (AMD Zen 5, Intel server cores) twice their arithmetic per cycle.
//
// Many channels (Omniglot's layers 2-4): filters in the vector lanes, as the AVX2 loops. A block of six output
// positions (or six kernel rows, or six positions' input gradients) × 64 filters keeps 24 accumulators in
// registers; each step loads four kernel vectors and broadcasts six inputs for 24 fused multiply-adds.
// Few channels (layer 1: one): the input is first laid out as window columns (rows × positions, padded), and the
// positions go in the lanes: 4 filters × 64 positions a block, so the output is written as whole vectors with
// bias and activation applied in registers, and ∂kernel needs no transposition of ∂output.
//
// The whole file is compiled for AVX-512 and FMA; conv2d.cc calls it only after available() says the CPU has
// them. It uses no standard-library templates (see conv2d-geometry.h).
#include "conv2d-avx512.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,fma")
#endif

namespace avx512 {
namespace {

constexpr int POSITION_BLOCK = 64;  // positions per block of the position-vectorised loops (four vectors)
constexpr int FILTERS_PER_POSITION_BLOCK = 4;

inline int roundUp(int value, int multiple) { return (value + multiple - 1) / multiple * multiple; }
inline int clampTo(int value, int last) { return value > last ? last : value; }

// The rational tanh of conv2d.cc's fastTanh on 16 values: the same operations in the same order (no fused
// multiply-add), so the same results as the scalar and AVX2 versions.
inline __m512 fastTanh(__m512 x) {
  const __m512 v = _mm512_min_ps(_mm512_set1_ps(9.0f), _mm512_max_ps(_mm512_set1_ps(-9.0f), x));
  const __m512 s = _mm512_mul_ps(v, v);
  __m512 p = _mm512_set1_ps(1.3366140169745623e-8f);
  p = _mm512_add_ps(_mm512_set1_ps(2.0614585528019438e-5f), _mm512_mul_ps(s, p));
  p = _mm512_add_ps(_mm512_set1_ps(0.0034958113743624613f), _mm512_mul_ps(s, p));
  p = _mm512_add_ps(_mm512_set1_ps(0.13381181431054862f), _mm512_mul_ps(s, p));
  p = _mm512_add_ps(_mm512_set1_ps(0.9999999838525795f), _mm512_mul_ps(s, p));
  __m512 q = _mm512_set1_ps(7.780420003463033e-7f);
  q = _mm512_add_ps(_mm512_set1_ps(0.000328607586727368f), _mm512_mul_ps(s, q));
  q = _mm512_add_ps(_mm512_set1_ps(0.025877727788195744f), _mm512_mul_ps(s, q));
  q = _mm512_add_ps(_mm512_set1_ps(0.4671449731492772f), _mm512_mul_ps(s, q));
  q = _mm512_add_ps(_mm512_set1_ps(1.0f), _mm512_mul_ps(s, q));
  // min and max return their second operand when either is NaN, so a NaN input stays NaN, as in the scalar code.
  return _mm512_div_ps(_mm512_mul_ps(v, p), q);
}

inline __m512 activate(__m512 v, Activation activation) {
  if (activation == Activation::Tanh) return fastTanh(v);
  if (activation == Activation::Relu) return _mm512_max_ps(v, _mm512_setzero_ps());
  return v;
}

// Lanes [0, count) of a 16-lane vector, count clamped to [0, 16].
inline __mmask16 firstLanes(int count) {
  return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1);
}

}  // namespace

bool available() {
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
  return yes;
}

int paddedPositions(const ConvGeometry& g) { return roundUp(g.positions, POSITION_BLOCK); }

void windowColumns(const ConvGeometry& g, const float* input, int n, float* columns) {
  const float* image = input + (size_t)n * g.channels * g.plane;
  const int padded = paddedPositions(g);
  for (int r = 0; r < g.rows; r++) {
    const float* at = image + g.rowOffsets[r];
    float* column = columns + (size_t)r * padded;
    for (int p = 0; p < g.positions; p++) column[p] = at[g.origins[p]];
    for (int p = g.positions; p < padded; p++) column[p] = 0.0f;
  }
}

void forwardByFilters(const ConvGeometry& g, const float* input, const float* kernel, const float* bias, float* output, Activation activation,
                      int first, int end) {
  const int P = g.positions, F = g.filters, C = g.channels;
  const int taps = g.kernelSize * g.kernelSize;
  // Blocks run over the outputs (image, position) of the range as one sequence, so that small outputs (one
  // position an image, in Omniglot's last layer) still fill the six rows of a block.
  const int firstOutput = first * P, endOutput = end * P;
  for (int o = firstOutput; o < endOutput; o += ROW_BLOCK) {
    const float* x[ROW_BLOCK];
    float* to[ROW_BLOCK];
    for (int q = 0; q < ROW_BLOCK; q++) {
      const int at = clampTo(o + q, endOutput - 1), n = at / P, p = at % P;
      x[q] = input + (size_t)n * C * g.plane + g.origins[p];
      to[q] = output + (size_t)n * F * P + p;
    }
    const int count = endOutput - o < ROW_BLOCK ? endOutput - o : ROW_BLOCK;
    for (int h = 0; h < F; h += FILTER_BLOCK) {
      __m512 acc[ROW_BLOCK][4];
#pragma GCC unroll 24
      for (int q = 0; q < ROW_BLOCK * 4; q++) acc[q / 4][q % 4] = _mm512_setzero_ps();
      for (int tap = 0; tap < taps; tap++) {
        const float* row = kernel + (size_t)tap * C * F + h;
        for (int c = 0, pixel = g.tapOffset(tap); c < C; c++, pixel += g.plane, row += F) {
          const __m512 y0 = _mm512_loadu_ps(row), y1 = _mm512_loadu_ps(row + 16), y2 = _mm512_loadu_ps(row + 32), y3 = _mm512_loadu_ps(row + 48);
#pragma GCC unroll 6
          for (int q = 0; q < ROW_BLOCK; q++) {
            const __m512 b = _mm512_set1_ps(x[q][pixel]);
            acc[q][0] = _mm512_fmadd_ps(b, y0, acc[q][0]);
            acc[q][1] = _mm512_fmadd_ps(b, y1, acc[q][1]);
            acc[q][2] = _mm512_fmadd_ps(b, y2, acc[q][2]);
            acc[q][3] = _mm512_fmadd_ps(b, y3, acc[q][3]);
          }
        }
      }
      // Bias and activation in registers, then each output's 64 values to their channels-first places.
      alignas(64) float block[ROW_BLOCK][FILTER_BLOCK];
      for (int v = 0; v < 4; v++) {
        const __m512 b = bias ? _mm512_loadu_ps(bias + h + 16 * v) : _mm512_setzero_ps();
        for (int q = 0; q < ROW_BLOCK; q++) _mm512_store_ps(block[q] + 16 * v, activate(_mm512_add_ps(acc[q][v], b), activation));
      }
      for (int q = 0; q < count; q++)
        for (int t = 0; t < FILTER_BLOCK; t++) to[q][(size_t)(h + t) * P] = block[q][t];
    }
  }
}

void forwardByPositions(const ConvGeometry& g, const float* input, const float* kernel, const float* bias, float* output, Activation activation,
                        int first, int end, float* columns) {
  const int P = g.positions, F = g.filters, padded = paddedPositions(g);
  for (int n = first; n < end; n++) {
    windowColumns(g, input, n, columns);
    float* out = output + (size_t)n * F * P;
    for (int f = 0; f < F; f += FILTERS_PER_POSITION_BLOCK) {
      int filter[FILTERS_PER_POSITION_BLOCK];
      for (int i = 0; i < FILTERS_PER_POSITION_BLOCK; i++) filter[i] = clampTo(f + i, F - 1);
      for (int p = 0; p < padded; p += POSITION_BLOCK) {
        __m512 acc[FILTERS_PER_POSITION_BLOCK][4];
#pragma GCC unroll 16
        for (int i = 0; i < FILTERS_PER_POSITION_BLOCK * 4; i++) acc[i / 4][i % 4] = _mm512_setzero_ps();
        for (int r = 0; r < g.rows; r++) {
          const float* column = columns + (size_t)r * padded + p;
          const __m512 x0 = _mm512_loadu_ps(column), x1 = _mm512_loadu_ps(column + 16), x2 = _mm512_loadu_ps(column + 32), x3 = _mm512_loadu_ps(column + 48);
          const float* weights = kernel + (size_t)r * F;
#pragma GCC unroll 4
          for (int i = 0; i < FILTERS_PER_POSITION_BLOCK; i++) {
            const __m512 w = _mm512_set1_ps(weights[filter[i]]);
            acc[i][0] = _mm512_fmadd_ps(w, x0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(w, x1, acc[i][1]);
            acc[i][2] = _mm512_fmadd_ps(w, x2, acc[i][2]);
            acc[i][3] = _mm512_fmadd_ps(w, x3, acc[i][3]);
          }
        }
        for (int i = 0; i < FILTERS_PER_POSITION_BLOCK && f + i < F; i++) {
          const __m512 b = _mm512_set1_ps(bias ? bias[f + i] : 0.0f);
          float* to = out + (size_t)(f + i) * P + p;
          for (int v = 0; v < 4; v++) {
            const __m512 value = activate(_mm512_add_ps(acc[i][v], b), activation);
            // Masked stores are slow on some CPUs (AMD's): only the last vector of a row takes one.
            if (p + 16 * v + 16 <= P) _mm512_storeu_ps(to + 16 * v, value);
            else _mm512_mask_storeu_ps(to + 16 * v, firstLanes(P - p - 16 * v), value);
          }
        }
      }
    }
  }
}

int kernelRowBlocks(const ConvGeometry& g) { return (g.rows + ROW_BLOCK - 1) / ROW_BLOCK; }

void kernelGradientByFilters(const ConvGeometry& g, const float* input, const float* dzRows, float* dKernel, int first, int end) {
  const int P = g.positions, F = g.filters;
  for (int block = first; block < end; block++) {
    const int r = block * ROW_BLOCK;
    int offset[ROW_BLOCK];
    for (int q = 0; q < ROW_BLOCK; q++) offset[q] = g.rowOffsets[clampTo(r + q, g.rows - 1)];
    for (int h = 0; h < F; h += FILTER_BLOCK) {
      __m512 acc[ROW_BLOCK][4];
#pragma GCC unroll 24
      for (int q = 0; q < ROW_BLOCK * 4; q++) acc[q / 4][q % 4] = _mm512_setzero_ps();
      for (int n = 0; n < g.images; n++) {
        const float* image = input + (size_t)n * g.channels * g.plane;
        const float* dz = dzRows + (size_t)n * P * F + h;
        for (int p = 0; p < P; p++, dz += F) {
          const __m512 y0 = _mm512_loadu_ps(dz), y1 = _mm512_loadu_ps(dz + 16), y2 = _mm512_loadu_ps(dz + 32), y3 = _mm512_loadu_ps(dz + 48);
          const float* window = image + g.origins[p];
#pragma GCC unroll 6
          for (int q = 0; q < ROW_BLOCK; q++) {
            const __m512 b = _mm512_set1_ps(window[offset[q]]);
            acc[q][0] = _mm512_fmadd_ps(b, y0, acc[q][0]);
            acc[q][1] = _mm512_fmadd_ps(b, y1, acc[q][1]);
            acc[q][2] = _mm512_fmadd_ps(b, y2, acc[q][2]);
            acc[q][3] = _mm512_fmadd_ps(b, y3, acc[q][3]);
          }
        }
      }
      for (int q = 0; q < ROW_BLOCK && r + q < g.rows; q++)
        for (int v = 0; v < 4; v++) _mm512_storeu_ps(dKernel + (size_t)(r + q) * F + h + 16 * v, acc[q][v]);
    }
  }
}

int kernelPositionBlocks(const ConvGeometry& g) {
  return ((g.rows + 3) / 4) * ((g.filters + FILTERS_PER_POSITION_BLOCK - 1) / FILTERS_PER_POSITION_BLOCK);
}

void kernelGradientByPositions(const ConvGeometry& g, const float* columns, const float* dzImages, float* dKernel, int first, int end) {
  const int P = g.positions, F = g.filters, padded = paddedPositions(g);
  const int filterBlocks = (F + FILTERS_PER_POSITION_BLOCK - 1) / FILTERS_PER_POSITION_BLOCK;
  for (int block = first; block < end; block++) {
    const int r = (block / filterBlocks) * 4, f = (block % filterBlocks) * FILTERS_PER_POSITION_BLOCK;
    int row[4], filter[FILTERS_PER_POSITION_BLOCK];
    for (int i = 0; i < 4; i++) row[i] = clampTo(r + i, g.rows - 1);
    for (int j = 0; j < FILTERS_PER_POSITION_BLOCK; j++) filter[j] = clampTo(f + j, F - 1);
    __m512 acc[4][FILTERS_PER_POSITION_BLOCK];
#pragma GCC unroll 16
    for (int i = 0; i < 16; i++) acc[i / 4][i % 4] = _mm512_setzero_ps();
    for (int n = 0; n < g.images; n++) {
      const float* image = columns + (size_t)n * g.rows * padded;
      const float* dz = dzImages + (size_t)n * F * P;
      // Past the last position the columns are 0 and the lanes of ∂Z are not loaded (masked): they add nothing.
      for (int p = 0; p < P; p += 16) {
        const __mmask16 lanes = firstLanes(P - p);
        __m512 x[4], y[FILTERS_PER_POSITION_BLOCK];
        for (int i = 0; i < 4; i++) x[i] = _mm512_loadu_ps(image + (size_t)row[i] * padded + p);
        for (int j = 0; j < FILTERS_PER_POSITION_BLOCK; j++) y[j] = _mm512_maskz_loadu_ps(lanes, dz + (size_t)filter[j] * P + p);
#pragma GCC unroll 16
        for (int k = 0; k < 16; k++) acc[k / 4][k % 4] = _mm512_fmadd_ps(x[k / 4], y[k % 4], acc[k / 4][k % 4]);
      }
    }
    for (int i = 0; i < 4 && r + i < g.rows; i++)
      for (int j = 0; j < FILTERS_PER_POSITION_BLOCK && f + j < F; j++) dKernel[(size_t)(r + i) * F + f + j] = _mm512_reduce_add_ps(acc[i][j]);
  }
}

void inputGradient(const ConvGeometry& g, const float* kernelT, const float* dzRows, float* dInput, int first, int end, float* pixelRows) {
  const int P = g.positions, F = g.filters, C = g.channels;
  const size_t imageSize = (size_t)g.plane * C;
  for (size_t i = 0; i < (size_t)(end - first) * imageSize; i++) pixelRows[i] = 0.0f;
  // As in the forward pass, blocks run over the outputs of the range as one sequence.
  const int firstOutput = first * P, endOutput = end * P;
  for (int o = firstOutput; o < endOutput; o += ROW_BLOCK) {
    const float* dz[ROW_BLOCK];
    float* image[ROW_BLOCK];
    for (int q = 0; q < ROW_BLOCK; q++) {
      const int at = clampTo(o + q, endOutput - 1);
      dz[q] = dzRows + (size_t)at * F;
      image[q] = pixelRows + (size_t)(at / P - first) * imageSize + (size_t)g.origins[at % P] * C;
    }
    const int count = endOutput - o < ROW_BLOCK ? endOutput - o : ROW_BLOCK;
    // Each block of 64 kernel rows is one tap and 64 channels: it adds to 64 contiguous values of the
    // channels-last gradient of the pixel under that tap.
    for (int col = 0; col < g.rows; col += FILTER_BLOCK) {
      __m512 acc[ROW_BLOCK][4];
#pragma GCC unroll 24
      for (int q = 0; q < ROW_BLOCK * 4; q++) acc[q / 4][q % 4] = _mm512_setzero_ps();
      const float* row = kernelT + col;
      for (int f = 0; f < F; f++, row += g.rows) {
        const __m512 y0 = _mm512_loadu_ps(row), y1 = _mm512_loadu_ps(row + 16), y2 = _mm512_loadu_ps(row + 32), y3 = _mm512_loadu_ps(row + 48);
#pragma GCC unroll 6
        for (int q = 0; q < ROW_BLOCK; q++) {
          const __m512 b = _mm512_set1_ps(dz[q][f]);
          acc[q][0] = _mm512_fmadd_ps(b, y0, acc[q][0]);
          acc[q][1] = _mm512_fmadd_ps(b, y1, acc[q][1]);
          acc[q][2] = _mm512_fmadd_ps(b, y2, acc[q][2]);
          acc[q][3] = _mm512_fmadd_ps(b, y3, acc[q][3]);
        }
      }
      const int offset = g.tapOffset(col / C) * C + col % C;
      for (int q = 0; q < count; q++) {
        float* to = image[q] + offset;
        for (int v = 0; v < 4; v++) _mm512_storeu_ps(to + 16 * v, _mm512_add_ps(_mm512_loadu_ps(to + 16 * v), acc[q][v]));
      }
    }
  }
  for (int n = first; n < end; n++) {
    const float* rows = pixelRows + (size_t)(n - first) * imageSize;
    float* to = dInput + (size_t)n * imageSize;
    for (int pixel = 0; pixel < g.plane; pixel++)
      for (int c = 0; c < C; c++) to[(size_t)c * g.plane + pixel] = rows[(size_t)pixel * C + c];
  }
}

}  // namespace avx512

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#else  // not x86-64: the AVX-512 loops do not exist, and available() says so.

namespace avx512 {
bool available() { return false; }
int paddedPositions(const ConvGeometry&) { return 0; }
void windowColumns(const ConvGeometry&, const float*, int, float*) {}
void forwardByFilters(const ConvGeometry&, const float*, const float*, const float*, float*, Activation, int, int) {}
void forwardByPositions(const ConvGeometry&, const float*, const float*, const float*, float*, Activation, int, int, float*) {}
int kernelRowBlocks(const ConvGeometry&) { return 0; }
void kernelGradientByFilters(const ConvGeometry&, const float*, const float*, float*, int, int) {}
int kernelPositionBlocks(const ConvGeometry&) { return 0; }
void kernelGradientByPositions(const ConvGeometry&, const float*, const float*, float*, int, int) {}
void inputGradient(const ConvGeometry&, const float*, const float*, float*, int, int, float*) {}
}  // namespace avx512

#endif
