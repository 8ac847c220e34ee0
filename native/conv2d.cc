// Native 2-D convolution for the Conv2d node ("valid" padding), forward and backward, on float32 arrays the
// caller owns (tfjs tensor memory): the product is ours where it is the hot path, as the plastic kernels are.
// Layouts: input [N, C, H, W], kernel [k, k, C, F] (TensorFlow's), output [N, F, OH, OW] (channels first).
// The convolution is computed directly, without laying windows out as rows ("im2col"), and written channels
// first, so no layout change follows; the activation is one vectorised pass over the output. On x86-64 with
// AVX2 and FMA, blocks of three output positions (or channels) × 32 filters keep twelve 8-float accumulators in
// registers: 50-70 GFLOP/s on one core here, about twice the wasm backend's matrix product. Other shapes and
// other CPUs take plain loops.
#include "conv2d.h"

#include <cstring>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define PLASTICITY_X86 1
#endif

namespace {

struct Dims {
  int n, c, h, w, f, k, s, oh, ow;
  // Offset in one input channel of each output position's window (its top-left pixel): no division in the loops.
  std::vector<int> origins;

  explicit Dims(const ConvShape& shape)
      : n(shape.images), c(shape.channels), h(shape.height), w(shape.width), f(shape.filters), k(shape.kernelSize), s(shape.stride),
        oh(shape.outHeight), ow(shape.outWidth), origins(oh * ow) {
    for (int p = 0; p < oh * ow; p++) origins[p] = s * (p / ow) * w + s * (p % ow);
  }
  int positions() const { return oh * ow; }
  int origin(int p) const { return origins[p]; }
  // Offset of kernel tap t (row-major over the k × k window) from the window's origin.
  int tapOffset(int t) const { return (t / k) * w + t % k; }
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

// dZ = dOut ⊙ act′ (act′ written with the output y = act(v)), moved from [N, F, P] to [N, P, F] so that each
// position's filters are contiguous for the vectorised loops.
template <typename Slope>
void gradientRows(const float* dOutput, const float* output, int images, int filters, int positions, float* rows, Slope slope) {
  for (int n = 0; n < images; n++) {
    const size_t image = (size_t)n * filters * positions;
    for (int f = 0; f < filters; f++)
      for (int p = 0; p < positions; p++) {
        const size_t at = image + (size_t)f * positions + p;
        rows[image + (size_t)p * filters + f] = dOutput[at] * slope(output[at]);
      }
  }
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
thread_local std::vector<float> gradientRowsBuffer;
thread_local std::vector<float> kernelTBuffer;
thread_local std::vector<float> pixelRowsBuffer;

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
#endif

}  // namespace

bool conv2dFastPath(const ConvShape& shape) {
#ifdef PLASTICITY_X86
  return hasAvx2Fma() && shape.filters % 32 == 0;
#else
  (void)shape;
  return false;
#endif
}

void conv2dForward(const ConvShape& shape, const float* input, const float* kernel, const float* bias, float* output, Activation activation) {
  const Dims d(shape);
  const int P = d.positions();
  const int plane = d.h * d.w;
  const bool fast = conv2dFastPath(shape);
  for (int n = 0; n < d.n; n++) {
    const float* image = input + (size_t)n * d.c * plane;
    float* out = output + (size_t)n * d.f * P;
#ifdef PLASTICITY_X86
    if (fast) {
      float block[3][32];
      for (int p = 0; p < P; p += 3) {
        for (int h = 0; h < d.f; h += 32) {
          forwardBlock(d, image, kernel, p, h, block);
          for (int q = 0; q < 3 && p + q < P; q++)
            for (int t = 0; t < 32; t++) out[(size_t)(h + t) * P + p + q] = block[q][t] + (bias ? bias[h + t] : 0.0f);
        }
      }
      continue;
    }
#endif
    std::vector<float> acc(d.f);
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
  activateAll(output, (size_t)d.n * d.f * P, activation);
}

void conv2dBackward(const ConvShape& shape, const float* input, const float* kernel, const float* output, const float* dOutput,
                    float* dInput, float* dKernel, float* dBias, Activation activation) {
  const Dims d(shape);
  const int P = d.positions();
  const int plane = d.h * d.w;
  const int taps = d.k * d.k;
  const int width = taps * d.c;
  // dZ = dOut ⊙ act′, laid out as [N, P, F] so that each position's filters are contiguous.
  const float* dzRows = scratch(gradientRowsBuffer, (size_t)d.n * d.f * P);
  float* rows = const_cast<float*>(dzRows);
  if (activation == Activation::Tanh) gradientRows(dOutput, output, d.n, d.f, P, rows, [](float y) { return 1.0f - y * y; });
  else if (activation == Activation::Relu) gradientRows(dOutput, output, d.n, d.f, P, rows, [](float y) { return y > 0 ? 1.0f : 0.0f; });
  else gradientRows(dOutput, output, d.n, d.f, P, rows, [](float) { return 1.0f; });
  if (dBias) {
    for (int f = 0; f < d.f; f++) dBias[f] = 0;
    for (size_t r = 0; r < (size_t)d.n * P; r++)
      for (int f = 0; f < d.f; f++) dBias[f] += dzRows[r * d.f + f];
  }
  std::memset(dKernel, 0, sizeof(float) * width * d.f);
  if (dInput) std::memset(dInput, 0, sizeof(float) * d.n * d.c * plane);
#ifdef PLASTICITY_X86
  if (conv2dFastPath(shape)) {
    for (int tap = 0; tap < taps; tap++)
      for (int c = 0; c < d.c; c += 3)
        for (int h = 0; h < d.f; h += 32) kernelGradientBlock(d, input, dzRows, tap, c, h, dKernel);
    if (dInput && d.c % 32 == 0) {
      // Each block of 32 window columns is one tap and 32 channels: it adds to 32 contiguous values of a
      // channels-last copy of the image's gradient, which is moved to channels-first at the end.
      float* kernelT = scratch(kernelTBuffer, (size_t)d.f * width);
      for (int col = 0; col < width; col++)
        for (int f = 0; f < d.f; f++) kernelT[(size_t)f * width + col] = kernel[(size_t)col * d.f + f];
      float* pixelRows = scratch(pixelRowsBuffer, (size_t)plane * d.c + 32);
      float* discard = pixelRows + (size_t)plane * d.c;
      for (int n = 0; n < d.n; n++) {
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
      return;
    }
  } else
#endif
  {
    forEachTap(d, [&](int n, int p, size_t pixel, size_t row) {
      const float x = input[(size_t)n * d.c * plane + pixel];
      const float* dz = dzRows + ((size_t)n * P + p) * d.f;
      float* to = dKernel + row * d.f;
      for (int f = 0; f < d.f; f++) to[f] += x * dz[f];
    });
  }
  if (!dInput) return;
#ifdef PLASTICITY_X86
  const bool vectorDots = hasAvx2Fma() && d.f % 8 == 0;
#endif
  forEachTap(d, [&](int n, int p, size_t pixel, size_t row) {
    const float* weights = kernel + row * d.f;
    const float* dz = dzRows + ((size_t)n * P + p) * d.f;
    float sum = 0;
#ifdef PLASTICITY_X86
    if (vectorDots) sum = dot8(weights, dz, d.f);
    else
#endif
      for (int f = 0; f < d.f; f++) sum += weights[f] * dz[f];
    dInput[(size_t)n * d.c * plane + pixel] += sum;
  });
}
