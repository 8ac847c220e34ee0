// The convolution's AVX-512 loops (conv2d-avx512.cc). conv2d.cc calls them only where the CPU has AVX-512F and
// splits their work over threads: every function computes a range of independent items (images or blocks of
// kernel rows), each the same way whichever thread runs it, so the results do not depend on the thread count.
// (inputGradient's sums depend on which images share a range: conv2d.cc hands it groups of a fixed size.)
#pragma once

#include "conv2d.h"
#include "conv2d-geometry.h"

namespace avx512 {

/** Whether this CPU runs these loops (x86-64 with AVX-512F). */
bool available();

/** Filters per vector block: the filter-vectorised loops need filters to be a multiple of this. */
constexpr int FILTER_BLOCK = 64;
/** Kernel rows per block of kernelGradientByFilters. */
constexpr int ROW_BLOCK = 6;

/** Positions padded to whole blocks of the position-vectorised loops (their window columns' row length). */
int paddedPositions(const ConvGeometry& g);
/** The window columns of image n: columns[r · paddedPositions + p] = the input under kernel row r at position p, 0 past the last position. */
void windowColumns(const ConvGeometry& g, const float* input, int n, float* columns);

/** Output images [first, end) with filters in vector lanes (filters a multiple of FILTER_BLOCK): many channels. */
void forwardByFilters(const ConvGeometry& g, const float* input, const float* kernel, const float* bias, float* output, Activation activation,
                      int first, int end);
/** Output images [first, end) with positions in vector lanes: few channels. `columns` is scratch for one image's window columns. */
void forwardByPositions(const ConvGeometry& g, const float* input, const float* kernel, const float* bias, float* output, Activation activation,
                        int first, int end, float* columns);

/** Blocks of kernelGradientByFilters. */
int kernelRowBlocks(const ConvGeometry& g);
/** dKernel rows of blocks [first, end) from dZ as [N, P, F] (filters a multiple of FILTER_BLOCK), overwritten. */
void kernelGradientByFilters(const ConvGeometry& g, const float* input, const float* dzRows, float* dKernel, int first, int end);

/** Blocks of kernelGradientByPositions. */
int kernelPositionBlocks(const ConvGeometry& g);
/** dKernel entries of blocks [first, end) from every image's window columns and dZ as [N, F, P], overwritten. */
void kernelGradientByPositions(const ConvGeometry& g, const float* columns, const float* dzImages, float* dKernel, int first, int end);

/**
 * ∂L/∂input of images [first, end), overwritten, from dZ as [N, P, F] and the kernel transposed to [F, rows]
 * (channels a multiple of FILTER_BLOCK). `pixelRows` is scratch for the range, channels last: (end − first) × plane × channels floats.
 */
void inputGradient(const ConvGeometry& g, const float* kernelT, const float* dzRows, float* dInput, int first, int end, float* pixelRows);

}  // namespace avx512
