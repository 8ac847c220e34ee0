// A convolution's sizes and the offsets its loops index with, as plain data: the vectorised translation units
// (conv2d-avx512.cc) are compiled for instructions not every CPU has, so they take no standard-library types
// whose inline code the linker could share with the rest of the addon.
#pragma once

struct ConvGeometry {
  int images, channels, height, width, filters, kernelSize, stride, outHeight, outWidth;
  int plane;      // height × width: one input channel
  int positions;  // outHeight × outWidth: one output channel
  int rows;       // kernelSize² × channels: the kernel's rows [tap, channel], tap-major as TensorFlow lays it out
  const int* origins;     // [positions]: each window's top-left pixel within a channel
  const int* rowOffsets;  // [rows]: where row [tap, c]'s pixel is from the window's origin in an image (c · plane + tap offset)

  int tapOffset(int tap) const { return (tap / kernelSize) * width + tap % kernelSize; }
};
