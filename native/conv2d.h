// The native convolution's contract (conv2d.cc); the N-API binding is in addon.cc.
#pragma once

enum class Activation { Linear = 0, Tanh = 1, Relu = 2 };

struct ConvShape {
  int images, channels, height, width, filters, kernelSize, stride, outHeight, outWidth;
};

/** Whether this CPU and shape take the vectorised path (AVX2 + FMA, filters a multiple of 32). */
bool conv2dFastPath(const ConvShape& shape);

/** output [N, F, OH, OW] = act(kernel ∗ input + bias); bias may be null. */
void conv2dForward(const ConvShape& shape, const float* input, const float* kernel, const float* bias, float* output, Activation activation);

/**
 * From ∂L/∂output and the output itself (act′ is written in terms of it): ∂L/∂kernel and, when not null,
 * ∂L/∂bias and ∂L/∂input. Every gradient array is overwritten.
 */
void conv2dBackward(const ConvShape& shape, const float* input, const float* kernel, const float* output, const float* dOutput,
                    float* dInput, float* dKernel, float* dBias, Activation activation);
