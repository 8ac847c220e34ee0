// N-API binding of the native kernels: plain functions over typed arrays, no state, so worker threads can load
// the module too. The convolution's binding is here, the plastic sweeps' in sweeps-binding.cc. Arguments are
// checked; a wrong call throws a TypeError or RangeError naming it.
#include <node_api.h>

#include <cstddef>
#include <string>

#include "bindings.h"
#include "conv2d.h"
#include "parallel.h"

namespace {

struct Floats {
  float* data = nullptr;
  size_t length = 0;
};

bool fail(napi_env env, const std::string& message, bool range = false) {
  if (range) napi_throw_range_error(env, nullptr, message.c_str());
  else napi_throw_type_error(env, nullptr, message.c_str());
  return false;
}

// A Float32Array argument; `optional` allows null (returned as no data).
bool floatsArg(napi_env env, napi_value value, const char* name, Floats& out, bool optional = false) {
  napi_valuetype type;
  napi_typeof(env, value, &type);
  if (optional && (type == napi_null || type == napi_undefined)) return true;
  bool isTyped = false;
  napi_is_typedarray(env, value, &isTyped);
  if (!isTyped) return fail(env, std::string(name) + " must be a Float32Array");
  napi_typedarray_type kind;
  void* data;
  napi_value buffer;
  size_t offset;
  napi_get_typedarray_info(env, value, &kind, &out.length, &data, &buffer, &offset);
  if (kind != napi_float32_array) return fail(env, std::string(name) + " must be a Float32Array");
  out.data = static_cast<float*>(data);
  return true;
}

bool shapeArg(napi_env env, napi_value value, ConvShape& shape, int& activation) {
  const char* names[] = {"images", "channels", "height", "width", "filters", "kernelSize", "stride", "outHeight", "outWidth", "activation"};
  int* fields[] = {&shape.images, &shape.channels, &shape.height, &shape.width, &shape.filters, &shape.kernelSize, &shape.stride, &shape.outHeight, &shape.outWidth, &activation};
  for (int i = 0; i < 10; i++) {
    napi_value field;
    if (napi_get_named_property(env, value, names[i], &field) != napi_ok || napi_get_value_int32(env, field, fields[i]) != napi_ok)
      return fail(env, std::string("shape.") + names[i] + " must be an integer");
    if (i < 9 && *fields[i] < 1) return fail(env, std::string("shape.") + names[i] + " must be at least 1", true);
  }
  if (activation < 0 || activation > 2) return fail(env, "shape.activation must be 0 (linear), 1 (tanh) or 2 (relu)", true);
  if ((shape.outHeight - 1) * shape.stride + shape.kernelSize > shape.height || (shape.outWidth - 1) * shape.stride + shape.kernelSize > shape.width)
    return fail(env, "the output size needs windows outside the image (only \"valid\" padding is native)", true);
  return true;
}

bool lengthIs(napi_env env, const Floats& array, size_t expected, const char* name) {
  if (!array.data || array.length == expected) return true;
  return fail(env, std::string(name) + " has " + std::to_string(array.length) + " values, expected " + std::to_string(expected), true);
}

size_t inputSize(const ConvShape& s) { return (size_t)s.images * s.channels * s.height * s.width; }
size_t kernelSize(const ConvShape& s) { return (size_t)s.kernelSize * s.kernelSize * s.channels * s.filters; }
size_t outputSize(const ConvShape& s) { return (size_t)s.images * s.filters * s.outHeight * s.outWidth; }

// conv2dForward(shape, input, kernel, bias | null, output)
napi_value Forward(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 5) return fail(env, "conv2dForward(shape, input, kernel, bias, output) takes 5 arguments"), nullptr;
  ConvShape shape;
  int activation;
  Floats input, kernel, bias, output;
  if (!shapeArg(env, argv[0], shape, activation) || !floatsArg(env, argv[1], "input", input) || !floatsArg(env, argv[2], "kernel", kernel) ||
      !floatsArg(env, argv[3], "bias", bias, true) || !floatsArg(env, argv[4], "output", output))
    return nullptr;
  if (!lengthIs(env, input, inputSize(shape), "input") || !lengthIs(env, kernel, kernelSize(shape), "kernel") ||
      !lengthIs(env, bias, shape.filters, "bias") || !lengthIs(env, output, outputSize(shape), "output"))
    return nullptr;
  conv2dForward(shape, input.data, kernel.data, bias.data, output.data, static_cast<Activation>(activation));
  return nullptr;
}

// conv2dBackward(shape, input, kernel, output, dOutput, dInput | null, dKernel, dBias | null)
napi_value Backward(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 8) return fail(env, "conv2dBackward(shape, input, kernel, output, dOutput, dInput, dKernel, dBias) takes 8 arguments"), nullptr;
  ConvShape shape;
  int activation;
  Floats input, kernel, output, dOutput, dInput, dKernel, dBias;
  if (!shapeArg(env, argv[0], shape, activation) || !floatsArg(env, argv[1], "input", input) || !floatsArg(env, argv[2], "kernel", kernel) ||
      !floatsArg(env, argv[3], "output", output) || !floatsArg(env, argv[4], "dOutput", dOutput) || !floatsArg(env, argv[5], "dInput", dInput, true) ||
      !floatsArg(env, argv[6], "dKernel", dKernel) || !floatsArg(env, argv[7], "dBias", dBias, true))
    return nullptr;
  if (!lengthIs(env, input, inputSize(shape), "input") || !lengthIs(env, kernel, kernelSize(shape), "kernel") ||
      !lengthIs(env, output, outputSize(shape), "output") || !lengthIs(env, dOutput, outputSize(shape), "dOutput") ||
      !lengthIs(env, dInput, inputSize(shape), "dInput") || !lengthIs(env, dKernel, kernelSize(shape), "dKernel") ||
      !lengthIs(env, dBias, shape.filters, "dBias"))
    return nullptr;
  conv2dBackward(shape, input.data, kernel.data, output.data, dOutput.data, dInput.data, dKernel.data, dBias.data, static_cast<Activation>(activation));
  return nullptr;
}

const char* const pathNames[] = {"plain", "avx2", "avx512"};

// conv2dPath(shape, widest?): the loops this shape runs on here ("plain", "avx2" or "avx512"); with `widest`,
// first caps the paths all convolutions pick from (tests of the narrower ones).
napi_value Path(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  ConvShape shape;
  int activation;
  if (argc < 1 || argc > 2) return fail(env, "conv2dPath(shape, widest?) takes 1 or 2 arguments"), nullptr;
  if (!shapeArg(env, argv[0], shape, activation)) return nullptr;
  if (argc == 2) {
    char name[16];
    size_t length = 0;
    if (napi_get_value_string_utf8(env, argv[1], name, sizeof name, &length) != napi_ok) return fail(env, "widest must be \"plain\", \"avx2\" or \"avx512\""), nullptr;
    int widest = -1;
    for (int i = 0; i < 3; i++)
      if (std::string(name) == pathNames[i]) widest = i;
    if (widest < 0) return fail(env, std::string("widest is \"") + name + "\" but must be \"plain\", \"avx2\" or \"avx512\"", true), nullptr;
    allowConvPaths(static_cast<ConvPath>(widest));
  }
  napi_value result;
  napi_create_string_utf8(env, pathNames[static_cast<int>(conv2dPath(shape))], NAPI_AUTO_LENGTH, &result);
  return result;
}

// nativeThreads(count?): the threads the convolution splits its work over in this process; with a count
// (at least 1), first sets it.
napi_value Threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc == 1) {
    int count = 0;
    if (napi_get_value_int32(env, argv[0], &count) != napi_ok) return fail(env, "nativeThreads(count): count must be an integer"), nullptr;
    if (count < 1) return fail(env, "nativeThreads(count): count is " + std::to_string(count) + " but must be at least 1", true), nullptr;
    setParallelism(count);
  }
  napi_value result;
  napi_create_int32(env, parallelism(), &result);
  return result;
}

}  // namespace

NAPI_MODULE_INIT() {
  const napi_property_descriptor functions[] = {
      {"conv2dForward", nullptr, Forward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackward", nullptr, Backward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dPath", nullptr, Path, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"nativeThreads", nullptr, Threads, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(functions) / sizeof(functions[0]), functions);
  defineSweepFunctions(env, exports);
  return exports;
}
