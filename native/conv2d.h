// The native convolution's contract (conv2d.cc); the N-API binding is in addon.cc.
#pragma once

enum class Activation { Linear = 0, Tanh = 1, Relu = 2 };

struct ConvShape {
  int images, channels, height, width, filters, kernelSize, stride, outHeight, outWidth;
};

/** The loops a convolution runs on: plain, AVX2 with FMA (filters a multiple of 32), or AVX-512 (filters a
 * multiple of 64, or few input channels). */
enum class ConvPath { Plain = 0, Avx2 = 1, Avx512 = 2 };

/** The widest path this CPU has and the shape fits, up to the widest allowed. */
ConvPath conv2dPath(const ConvShape& shape);

/** Caps the paths conv2dPath picks from: tests of the narrower ones on a CPU with wider vectors. */
void allowConvPaths(ConvPath widest);

/** output [N, F, OH, OW] = act(kernel ∗ input + bias); bias may be null. */
void conv2dForward(const ConvShape& shape, const float* input, const float* kernel, const float* bias, float* output, Activation activation);

/**
 * From ∂L/∂output and the output itself (act′ is written in terms of it): ∂L/∂kernel and, when not null,
 * ∂L/∂bias and ∂L/∂input. Every gradient array is overwritten.
 */
void conv2dBackward(const ConvShape& shape, const float* input, const float* kernel, const float* output, const float* dOutput,
                    float* dInput, float* dKernel, float* dBias, Activation activation);
