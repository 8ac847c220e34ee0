// Native 2-D convolution for the Conv2d node ("valid" padding), forward and backward, on float32 arrays the
// caller owns (tfjs tensor memory): the product is ours where it is the hot path, as the plastic kernels are.
// Layouts: input [N, C, H, W], kernel [k, k, C, F] (TensorFlow's), output [N, F, OH, OW] (channels first).
// The convolution is computed directly, without laying windows out as rows ("im2col") except for layers with
// few channels, and written channels first, so no layout change follows.
//
// Three paths, the widest this CPU has and the shape fits (conv2dPath): AVX-512 (conv2d-avx512.cc: 64 filters
// a block, or positions in the lanes for few channels), AVX2 + FMA (below: blocks of three output positions or
// channels × 32 filters keep twelve 8-float accumulators in registers) and plain loops. The vectorised paths
// split their images, or blocks of kernel rows, over the threads of parallel.cc; each item is computed the same
// way on any thread, so results do not depend on the thread count.
#include "conv2d.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <vector>

#include "conv2d-avx512.h"
#include "conv2d-geometry.h"
#include "parallel.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define PLASTICITY_X86 1
#endif

namespace {

struct Dims {
  int n, c, h, w, f, k, s, oh, ow;
  // Offset in one input channel of each output position's window (its top-left pixel): no division in the loops.
  std::vector<int> origins;
  // Offset of kernel row [tap, c]'s pixel from a window's origin in an image.
  std::vector<int> rowOffsets;

  explicit Dims(const ConvShape& shape)
      : n(shape.images), c(shape.channels), h(shape.height), w(shape.width), f(shape.filters), k(shape.kernelSize), s(shape.stride),
        oh(shape.outHeight), ow(shape.outWidth), origins(oh * ow), rowOffsets(k * k * c) {
    for (int p = 0; p < oh * ow; p++) origins[p] = s * (p / ow) * w + s * (p % ow);
    for (int r = 0; r < k * k * c; r++) rowOffsets[r] = (r % c) * h * w + tapOffset(r / c);
  }
  int positions() const { return oh * ow; }
  int origin(int p) const { return origins[p]; }
  // Offset of kernel tap t (row-major over the k × k window) from the window's origin.
  int tapOffset(int t) const { return (t / k) * w + t % k; }
  ConvGeometry geometry() const { return {n, c, h, w, f, k, s, oh, ow, h * w, oh * ow, k * k * c, origins.data(), rowOffsets.data()}; }
};

// tanh to float32 precision with a rational function, as core/util/fast-tanh.ts (the coefficients are fitted
// there): libm's tanh costs ~10 ns a value, more than the convolution of the first layer.
inline float fastTanh(float x) {
  const float v = x > 9.0f ? 9.0f : (x < -9.0f ? -9.0f : x);
  const float s = v * v;
  const float p = 0.9999999838525795f + s * (0.13381181431054862f + s * (0.0034958113743624613f + s * (2.0614585528019438e-5f + s * 1.3366140169745623e-8f)));
  const float q = 1.0f + s * (0.4671449731492772f + s * (0.025877727788195744f + s * (0.000328607586727368f + s * 7.780420003463033e-7f)));
  return v * p / q;
}

#ifdef PLASTICITY_X86
bool hasAvx2Fma();

// fastTanh on eight values at a time (the same arithmetic in the same order, so the same results).
__attribute__((target("avx2,fma"))) size_t tanhVectors(float* values, size_t count) {
  const __m256 hi = _mm256_set1_ps(9.0f), lo = _mm256_set1_ps(-9.0f);
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    // max and min return their second operand when either is NaN: a NaN stays NaN, as in fastTanh.
    const __m256 v = _mm256_min_ps(hi, _mm256_max_ps(lo, _mm256_loadu_ps(values + i)));
    const __m256 s = _mm256_mul_ps(v, v);
    __m256 p = _mm256_set1_ps(1.3366140169745623e-8f);
    p = _mm256_add_ps(_mm256_set1_ps(2.0614585528019438e-5f), _mm256_mul_ps(s, p));
    p = _mm256_add_ps(_mm256_set1_ps(0.0034958113743624613f), _mm256_mul_ps(s, p));
    p = _mm256_add_ps(_mm256_set1_ps(0.13381181431054862f), _mm256_mul_ps(s, p));
    p = _mm256_add_ps(_mm256_set1_ps(0.9999999838525795f), _mm256_mul_ps(s, p));
    __m256 q = _mm256_set1_ps(7.780420003463033e-7f);
    q = _mm256_add_ps(_mm256_set1_ps(0.000328607586727368f), _mm256_mul_ps(s, q));
    q = _mm256_add_ps(_mm256_set1_ps(0.025877727788195744f), _mm256_mul_ps(s, q));
    q = _mm256_add_ps(_mm256_set1_ps(0.4671449731492772f), _mm256_mul_ps(s, q));
    q = _mm256_add_ps(_mm256_set1_ps(1.0f), _mm256_mul_ps(s, q));
    _mm256_storeu_ps(values + i, _mm256_div_ps(_mm256_mul_ps(v, p), q));
  }
  return i;
}
#endif

// One pass over the whole output, the activation chosen outside the loop.
void activateAll(float* values, size_t count, Activation a) {
  if (a == Activation::Tanh) {
    size_t i = 0;
#ifdef PLASTICITY_X86
    if (hasAvx2Fma()) i = tanhVectors(values, count);
#endif
    for (; i < count; i++) values[i] = fastTanh(values[i]);
  } else if (a == Activation::Relu) {
    for (size_t i = 0; i < count; i++) values[i] = values[i] > 0 ? values[i] : 0.0f;
  }
}

// dZ = dOut ⊙ act′ of images [first, end) (act′ written with the output y = act(v)), as [N, P, F] (each
// position's filters contiguous, for the filter-vectorised loops) or as the output's [N, F, P]; and each
// image's sums of dZ over its positions, biasParts [N, F], from which ∂L/∂bias is summed in a fixed order.
template <typename Slope>
void slopeTimesGradient(const float* dOutput, const float* output, int filters, int positions, bool filtersLast, float* dz, float* biasParts,
                        int first, int end, Slope slope) {
  const size_t imageSize = (size_t)filters * positions;
  for (int n = first; n < end; n++) {
    const float* dOut = dOutput + n * imageSize;
    const float* y = output + n * imageSize;
    float* to = dz + n * imageSize;
    float* sums = biasParts + (size_t)n * filters;
    if (filtersLast) {
      for (int f = 0; f < filters; f++)
        for (int p = 0; p < positions; p++) to[(size_t)p * filters + f] = dOut[(size_t)f * positions + p] * slope(y[(size_t)f * positions + p]);
      for (int f = 0; f < filters; f++) sums[f] = 0;
      for (int p = 0; p < positions; p++)
        for (int f = 0; f < filters; f++) sums[f] += to[(size_t)p * filters + f];
    } else {
      for (size_t i = 0; i < imageSize; i++) to[i] = dOut[i] * slope(y[i]);
      // Eight interleaved partial sums: one running sum along the positions would be a chain of dependent additions.
      for (int f = 0; f < filters; f++) {
        const float* row = to + (size_t)f * positions;
        float part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        int p = 0;
        for (; p + 8 <= positions; p += 8)
          for (int lane = 0; lane < 8; lane++) part[lane] += row[p + lane];
        for (; p < positions; p++) part[p % 8] += row[p];
        sums[f] = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
      }
    }
  }
}

void outputGradient(const Dims& d, const float* dOutput, const float* output, Activation a, bool filtersLast, float* dz, float* biasParts, int first, int end) {
  const int F = d.f, P = d.positions();
  if (a == Activation::Tanh) slopeTimesGradient(dOutput, output, F, P, filtersLast, dz, biasParts, first, end, [](float y) { return 1.0f - y * y; });
  else if (a == Activation::Relu) slopeTimesGradient(dOutput, output, F, P, filtersLast, dz, biasParts, first, end, [](float y) { return y > 0 ? 1.0f : 0.0f; });
  else slopeTimesGradient(dOutput, output, F, P, filtersLast, dz, biasParts, first, end, [](float) { return 1.0f; });
}

// Calls visit(n, p, pixel, row) for every image n, output position p, kernel tap and input channel c: `pixel`
// indexes the input value under the tap in image n, `row` the kernel row [tap, c] (its F filters). A template,
// so the plain paths' loops inline.
template <typename Visit>
void forEachTap(const Dims& d, Visit visit) {
  const size_t plane = (size_t)d.h * d.w;
  for (int n = 0; n < d.n; n++)
    for (int p = 0; p < d.positions(); p++)
      for (int tap = 0; tap < d.k * d.k; tap++) {
        const int at = d.origin(p) + d.tapOffset(tap);
        for (int c = 0; c < d.c; c++) visit(n, p, c * plane + at, (size_t)tap * d.c + c);
      }
}

// Scratch memory kept by each thread between calls: a fresh multi-megabyte allocation per call costs page
// faults and zeroing that took longer than the arithmetic.
float* scratch(std::vector<float>& buffer, size_t count) {
  if (buffer.size() < count) buffer.resize(count);
  return buffer.data();
}
thread_local std::vector<float> gradientBuffer;
thread_local std::vector<float> biasPartsBuffer;
thread_local std::vector<float> gradientRowsBuffer;
thread_local std::vector<float> kernelTBuffer;
thread_local std::vector<float> pixelRowsBuffer;
thread_local std::vector<float> imageColumnsBuffer;
thread_local std::vector<float> allColumnsBuffer;

#ifdef PLASTICITY_X86
bool hasAvx2Fma() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
}

// Twelve accumulators, three rows (positions or channels) × four 8-float vectors (32 filters or columns), as
// named variables: kept in an array, GCC stored them to the stack on every iteration.
#define PLASTICITY_ACCUMULATORS \
  __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00
// acc[r][v] += x_r · y_v for the three broadcast values x0..x2 and the four vectors y0..y3.
#define PLASTICITY_FMA12(x0, x1, x2, y0, y1, y2, y3) \
  a00 = _mm256_fmadd_ps(x0, y0, a00); a01 = _mm256_fmadd_ps(x0, y1, a01); a02 = _mm256_fmadd_ps(x0, y2, a02); a03 = _mm256_fmadd_ps(x0, y3, a03); \
  a10 = _mm256_fmadd_ps(x1, y0, a10); a11 = _mm256_fmadd_ps(x1, y1, a11); a12 = _mm256_fmadd_ps(x1, y2, a12); a13 = _mm256_fmadd_ps(x1, y3, a13); \
  a20 = _mm256_fmadd_ps(x2, y0, a20); a21 = _mm256_fmadd_ps(x2, y1, a21); a22 = _mm256_fmadd_ps(x2, y2, a22); a23 = _mm256_fmadd_ps(x2, y3, a23)
#define PLASTICITY_STORE12(result) \
  _mm256_storeu_ps(result[0], a00); _mm256_storeu_ps(result[0] + 8, a01); _mm256_storeu_ps(result[0] + 16, a02); _mm256_storeu_ps(result[0] + 24, a03); \
  _mm256_storeu_ps(result[1], a10); _mm256_storeu_ps(result[1] + 8, a11); _mm256_storeu_ps(result[1] + 16, a12); _mm256_storeu_ps(result[1] + 24, a13); \
  _mm256_storeu_ps(result[2], a20); _mm256_storeu_ps(result[2] + 8, a21); _mm256_storeu_ps(result[2] + 16, a22); _mm256_storeu_ps(result[2] + 24, a23)

// Output positions p … p+2 (clamped to the last one) and filters [h, h+32) of one image, without the bias.
__attribute__((target("avx2,fma"))) void forwardBlock(const Dims& d, const float* image, const float* kernel, int p, int h, float (&result)[3][32]) {
  const int plane = d.h * d.w;
  const int last = d.positions() - 1;
  const int channels = d.c, filters = d.f;
  const float* x0 = image + d.origin(p);
  const float* x1 = image + d.origin(p + 1 > last ? last : p + 1);
  const float* x2 = image + d.origin(p + 2 > last ? last : p + 2);
  PLASTICITY_ACCUMULATORS;
  for (int tap = 0; tap < d.k * d.k; tap++) {
    const float* row = kernel + (size_t)tap * channels * filters + h;
    const int at = d.tapOffset(tap);
    for (int c = 0, pixel = at; c < channels; c++, pixel += plane, row += filters) {
      const __m256 y0 = _mm256_loadu_ps(row), y1 = _mm256_loadu_ps(row + 8), y2 = _mm256_loadu_ps(row + 16), y3 = _mm256_loadu_ps(row + 24);
      const __m256 b0 = _mm256_broadcast_ss(x0 + pixel), b1 = _mm256_broadcast_ss(x1 + pixel), b2 = _mm256_broadcast_ss(x2 + pixel);
      PLASTICITY_FMA12(b0, b1, b2, y0, y1, y2, y3);
    }
  }
  PLASTICITY_STORE12(result);
}

// dKernel[tap, c … c+2, h … h+31] += Σ over images and positions of input pixel × dZ, with dZ as [N, P, F].
__attribute__((target("avx2,fma"))) void kernelGradientBlock(const Dims& d, const float* input, const float* dzRows, int tap, int c, int h,
                                                             float* dKernel) {
  const int plane = d.h * d.w;
  const int at = d.tapOffset(tap);
  const int c1 = c + 1 < d.c ? c + 1 : c, c2 = c + 2 < d.c ? c + 2 : c;
  const int P = d.positions(), filters = d.f;
  const int* origins = d.origins.data();
  PLASTICITY_ACCUMULATORS;
  for (int n = 0; n < d.n; n++) {
    const float* image = input + (size_t)n * d.c * plane + at;
    const float* p0 = image + (size_t)c * plane;
    const float* p1 = image + (size_t)c1 * plane;
    const float* p2 = image + (size_t)c2 * plane;
    const float* dz = dzRows + (size_t)n * P * filters + h;
    for (int p = 0; p < P; p++, dz += filters) {
      const __m256 y0 = _mm256_loadu_ps(dz), y1 = _mm256_loadu_ps(dz + 8), y2 = _mm256_loadu_ps(dz + 16), y3 = _mm256_loadu_ps(dz + 24);
      const int o = origins[p];
      const __m256 b0 = _mm256_broadcast_ss(p0 + o), b1 = _mm256_broadcast_ss(p1 + o), b2 = _mm256_broadcast_ss(p2 + o);
      PLASTICITY_FMA12(b0, b1, b2, y0, y1, y2, y3);
    }
  }
  float result[3][32];
  PLASTICITY_STORE12(result);
  const int count = d.c - c < 3 ? d.c - c : 3;
  for (int q = 0; q < count; q++) {
    float* row = dKernel + ((size_t)tap * d.c + c + q) * d.f + h;
    for (int t = 0; t < 32; t++) row[t] += result[q][t];
  }
}

// Window columns [col, col+32) (tap-major, channel-minor, as the kernel's rows) of positions p … p+2 of image n,
// Σ_f dZ[n, p, f] · kernel[col, f] with the kernel transposed to [F, k·k·C], added to the 32 floats at
// to0 … to2 (a position past the last one passes a scratch destination).
__attribute__((target("avx2,fma"))) void inputGradientBlock(const Dims& d, const float* kernelT, const float* dzRows, int n, int p, int col,
                                                            float* to0, float* to1, float* to2) {
  const int P = d.positions();
  const int width = d.k * d.k * d.c, filters = d.f;
  const int last = P - 1;
  const float* r0 = dzRows + ((size_t)n * P + p) * filters;
  const float* r1 = dzRows + ((size_t)n * P + (p + 1 > last ? last : p + 1)) * filters;
  const float* r2 = dzRows + ((size_t)n * P + (p + 2 > last ? last : p + 2)) * filters;
  const float* row = kernelT + col;
  PLASTICITY_ACCUMULATORS;
  for (int f = 0; f < filters; f++, row += width) {
    const __m256 y0 = _mm256_loadu_ps(row), y1 = _mm256_loadu_ps(row + 8), y2 = _mm256_loadu_ps(row + 16), y3 = _mm256_loadu_ps(row + 24);
    const __m256 b0 = _mm256_broadcast_ss(r0 + f), b1 = _mm256_broadcast_ss(r1 + f), b2 = _mm256_broadcast_ss(r2 + f);
    PLASTICITY_FMA12(b0, b1, b2, y0, y1, y2, y3);
  }
  float* to[3] = {to0, to1, to2};
  const __m256 sums[3][4] = {{a00, a01, a02, a03}, {a10, a11, a12, a13}, {a20, a21, a22, a23}};
  for (int q = 0; q < 3; q++)
    for (int v = 0; v < 4; v++) _mm256_storeu_ps(to[q] + 8 * v, _mm256_add_ps(_mm256_loadu_ps(to[q] + 8 * v), sums[q][v]));
}

// Σ_i a[i] · b[i] over a multiple of 8 values.
__attribute__((target("avx2,fma"))) float dot8(const float* a, const float* b, int length) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0;
  int i = 0;
  for (; i + 16 <= length; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
  }
  if (i < length) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
  const __m256 s = _mm256_add_ps(s0, s1);
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
  return _mm_cvtss_f32(h);
}
// Output images [first, end) on the AVX2 path, without the activation.
void avx2Forward(const Dims& d, const float* input, const float* kernel, const float* bias, float* output, int first, int end) {
  const int P = d.positions();
  const int plane = d.h * d.w;
  float block[3][32];
  for (int n = first; n < end; n++) {
    const float* image = input + (size_t)n * d.c * plane;
    float* out = output + (size_t)n * d.f * P;
    for (int p = 0; p < P; p += 3)
      for (int h = 0; h < d.f; h += 32) {
        forwardBlock(d, image, kernel, p, h, block);
        for (int q = 0; q < 3 && p + q < P; q++)
          for (int t = 0; t < 32; t++) out[(size_t)(h + t) * P + p + q] = block[q][t] + (bias ? bias[h + t] : 0.0f);
      }
  }
}

// ∂L/∂input of images [first, end) on the AVX2 path (channels a multiple of 32), overwritten. Each block of 32
// kernel rows is one tap and 32 channels: it adds to 32 contiguous values of a channels-last copy of the image's
// gradient, which is moved to channels-first at the end.
void avx2InputGradient(const Dims& d, const float* kernelT, const float* dzRows, float* dInput, int first, int end) {
  const int P = d.positions();
  const int plane = d.h * d.w;
  const int width = d.k * d.k * d.c;
  float* pixelRows = scratch(pixelRowsBuffer, (size_t)plane * d.c + 32);
  float* discard = pixelRows + (size_t)plane * d.c;
  for (int n = first; n < end; n++) {
    std::memset(pixelRows, 0, sizeof(float) * plane * d.c);
    for (int p = 0; p < P; p += 3)
      for (int col = 0; col < width; col += 32) {
        const int offset = d.tapOffset(col / d.c), c = col % d.c;
        float* to[3];
        for (int q = 0; q < 3; q++) to[q] = p + q < P ? pixelRows + (size_t)(d.origin(p + q) + offset) * d.c + c : discard;
        inputGradientBlock(d, kernelT, dzRows, n, p, col, to[0], to[1], to[2]);
      }
    float* image = dInput + (size_t)n * d.c * plane;
    for (int pixel = 0; pixel < plane; pixel++)
      for (int c = 0; c < d.c; c++) image[(size_t)c * plane + pixel] = pixelRows[(size_t)pixel * d.c + c];
  }
}
#endif

// Output images [first, end) in plain loops, without the activation.
void plainForward(const Dims& d, const float* input, const float* kernel, const float* bias, float* output, int first, int end) {
  const int P = d.positions();
  const int plane = d.h * d.w;
  std::vector<float> acc(d.f);
  for (int n = first; n < end; n++) {
    const float* image = input + (size_t)n * d.c * plane;
    float* out = output + (size_t)n * d.f * P;
    for (int p = 0; p < P; p++) {
      for (int f = 0; f < d.f; f++) acc[f] = bias ? bias[f] : 0;
      const int o = d.origin(p);
      for (int tap = 0; tap < d.k * d.k; tap++) {
        const int at = o + d.tapOffset(tap);
        for (int c = 0; c < d.c; c++) {
          const float x = image[(size_t)c * plane + at];
          const float* row = kernel + ((size_t)tap * d.c + c) * d.f;
          for (int f = 0; f < d.f; f++) acc[f] += x * row[f];
        }
      }
      for (int f = 0; f < d.f; f++) out[(size_t)f * P + p] = acc[f];
    }
  }
}

// The widest path tests allow (ConvPath as an int).
std::atomic<int> widestAllowed{static_cast<int>(ConvPath::Avx512)};

// Few kernel rows (one or a few input channels): the AVX-512 path puts positions in the lanes.
bool fewRows(const ConvShape& s) { return s.kernelSize * s.kernelSize * s.channels < avx512::FILTER_BLOCK; }

// Calls work(first, end) on groups of `group` images (the last may be smaller), split over the threads.
void forEachImageGroup(int images, int group, const std::function<void(int, int)>& work) {
  parallelFor((images + group - 1) / group, [&](int first, int end) {
    for (int i = first; i < end; i++) work(i * group, std::min(images, (i + 1) * group));
  });
}

// Images a group for the AVX-512 loops that run over a range's outputs as one sequence: enough outputs to fill
// several blocks, and a number fixed by the shape (not by the threads), so that the input gradient's sums come
// out the same on any number of threads.
int outputGroup(const Dims& d) {
  const int wanted = 4 * avx512::ROW_BLOCK;
  return std::max(1, std::min(d.n, (wanted + d.positions() - 1) / d.positions()));
}

// The kernel transposed to [F, rows], for the input gradients' loops.
float* transposedKernel(const Dims& d, const float* kernel) {
  const int width = d.k * d.k * d.c;
  float* kernelT = scratch(kernelTBuffer, (size_t)d.f * width);
  for (int col = 0; col < width; col++)
    for (int f = 0; f < d.f; f++) kernelT[(size_t)f * width + col] = kernel[(size_t)col * d.f + f];
  return kernelT;
}

}  // namespace

ConvPath conv2dPath(const ConvShape& shape) {
  const int widest = widestAllowed.load();
  if (widest >= static_cast<int>(ConvPath::Avx512) && avx512::available() && (fewRows(shape) || shape.filters % avx512::FILTER_BLOCK == 0))
    return ConvPath::Avx512;
#ifdef PLASTICITY_X86
  if (widest >= static_cast<int>(ConvPath::Avx2) && hasAvx2Fma() && shape.filters % 32 == 0) return ConvPath::Avx2;
#endif
  return ConvPath::Plain;
}

void allowConvPaths(ConvPath widest) { widestAllowed.store(static_cast<int>(widest)); }

void conv2dForward(const ConvShape& shape, const float* input, const float* kernel, const float* bias, float* output, Activation activation) {
  const Dims d(shape);
  const ConvGeometry g = d.geometry();
  const size_t imageSize = (size_t)d.f * d.positions();
  switch (conv2dPath(shape)) {
    case ConvPath::Avx512:
      // The activation is applied in registers.
      if (fewRows(shape))
        parallelFor(d.n, [&](int first, int end) {
          float* columns = scratch(imageColumnsBuffer, (size_t)g.rows * avx512::paddedPositions(g));
          avx512::forwardByPositions(g, input, kernel, bias, output, activation, first, end, columns);
        });
      else forEachImageGroup(d.n, outputGroup(d), [&](int first, int end) { avx512::forwardByFilters(g, input, kernel, bias, output, activation, first, end); });
      return;
#ifdef PLASTICITY_X86
    case ConvPath::Avx2:
      parallelFor(d.n, [&](int first, int end) {
        avx2Forward(d, input, kernel, bias, output, first, end);
        activateAll(output + first * imageSize, (end - first) * imageSize, activation);
      });
      return;
#endif
    default:
      plainForward(d, input, kernel, bias, output, 0, d.n);
      activateAll(output, d.n * imageSize, activation);
  }
}

void conv2dBackward(const ConvShape& shape, const float* input, const float* kernel, const float* output, const float* dOutput,
                    float* dInput, float* dKernel, float* dBias, Activation activation) {
  const Dims d(shape);
  const ConvGeometry g = d.geometry();
  const int P = d.positions();
  const int plane = d.h * d.w;
  const ConvPath path = conv2dPath(shape);
  // dZ = dOut ⊙ act′: [N, F, P] where positions are in the lanes, otherwise [N, P, F] (dzRows).
  const bool positionsInLanes = path == ConvPath::Avx512 && fewRows(shape);
  float* dz = scratch(positionsInLanes ? gradientBuffer : gradientRowsBuffer, (size_t)d.n * d.f * P);
  float* biasParts = scratch(biasPartsBuffer, (size_t)d.n * d.f);
  parallelFor(d.n, [&](int first, int end) { outputGradient(d, dOutput, output, activation, !positionsInLanes, dz, biasParts, first, end); });
  if (dBias) {
    for (int f = 0; f < d.f; f++) dBias[f] = 0;
    for (int n = 0; n < d.n; n++)
      for (int f = 0; f < d.f; f++) dBias[f] += biasParts[(size_t)n * d.f + f];
  }

  if (positionsInLanes) {
    float* columns = scratch(allColumnsBuffer, (size_t)d.n * g.rows * avx512::paddedPositions(g));
    parallelFor(d.n, [&](int first, int end) {
      for (int n = first; n < end; n++) avx512::windowColumns(g, input, n, columns + (size_t)n * g.rows * avx512::paddedPositions(g));
    });
    parallelFor(avx512::kernelPositionBlocks(g), [&](int first, int end) { avx512::kernelGradientByPositions(g, columns, dz, dKernel, first, end); });
  } else if (path == ConvPath::Avx512) {
    parallelFor(avx512::kernelRowBlocks(g), [&](int first, int end) { avx512::kernelGradientByFilters(g, input, dz, dKernel, first, end); });
#ifdef PLASTICITY_X86
  } else if (path == ConvPath::Avx2) {
    std::memset(dKernel, 0, sizeof(float) * g.rows * d.f);
    const int channelBlocks = (d.c + 2) / 3;
    parallelFor(d.k * d.k * channelBlocks, [&](int first, int end) {
      for (int item = first; item < end; item++)
        for (int h = 0; h < d.f; h += 32) kernelGradientBlock(d, input, dz, item / channelBlocks, 3 * (item % channelBlocks), h, dKernel);
    });
#endif
  } else {
    std::memset(dKernel, 0, sizeof(float) * g.rows * d.f);
    forEachTap(d, [&](int n, int p, size_t pixel, size_t row) {
      const float x = input[(size_t)n * d.c * plane + pixel];
      const float* dzRow = dz + ((size_t)n * P + p) * d.f;
      float* to = dKernel + row * d.f;
      for (int f = 0; f < d.f; f++) to[f] += x * dzRow[f];
    });
  }
  if (!dInput) return;

  if (path == ConvPath::Avx512 && d.c % avx512::FILTER_BLOCK == 0) {
    const float* kernelT = transposedKernel(d, kernel);
    const int group = outputGroup(d);
    forEachImageGroup(d.n, group, [&](int first, int end) {
      avx512::inputGradient(g, kernelT, dz, dInput, first, end, scratch(pixelRowsBuffer, (size_t)group * plane * d.c));
    });
    return;
  }
#ifdef PLASTICITY_X86
  if (path == ConvPath::Avx2 && d.c % 32 == 0) {
    const float* kernelT = transposedKernel(d, kernel);
    parallelFor(d.n, [&](int first, int end) { avx2InputGradient(d, kernelT, dz, dInput, first, end); });
    return;
  }
#endif
  // Plain sums over the filters, from dZ as [N, P, F].
  const float* dzRows = dz;
  if (positionsInLanes) {
    float* rows = scratch(gradientRowsBuffer, (size_t)d.n * d.f * P);
    outputGradient(d, dOutput, output, activation, true, rows, biasParts, 0, d.n);
    dzRows = rows;
  }
  std::memset(dInput, 0, sizeof(float) * d.n * d.c * plane);
#ifdef PLASTICITY_X86
  const bool vectorDots = path != ConvPath::Plain && d.f % 8 == 0;
#endif
  forEachTap(d, [&](int n, int p, size_t pixel, size_t row) {
    const float* weights = kernel + row * d.f;
    const float* dzRow = dzRows + ((size_t)n * P + p) * d.f;
    float sum = 0;
#ifdef PLASTICITY_X86
    if (vectorDots) sum = dot8(weights, dzRow, d.f);
    else
#endif
      for (int f = 0; f < d.f; f++) sum += weights[f] * dzRow[f];
    dInput[(size_t)n * d.c * plane + pixel] += sum;
  });
}
