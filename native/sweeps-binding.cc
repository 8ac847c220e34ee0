// N-API binding of the plastic kernel's sweeps (trace-sweeps.cc): the same functions, arguments and order as
// core/plasticity/trace-sweeps.js, so sweep-commands.js calls either. Every array is checked against the rows
// the call touches (a short array would otherwise be written past its end); a wrong call throws a TypeError or
// RangeError naming the function and the argument.
#include <node_api.h>

#include <string>
#include <type_traits>

#include "bindings.h"
#include "trace-sweeps.h"

namespace {

struct Typed {
  void* data = nullptr;
  size_t length = 0;
  napi_typedarray_type kind = napi_float64_array;
};

// Reads one call's arguments in order; the first problem throws and makes `ok` false (later reads do nothing).
class Args {
 public:
  Args(napi_env env, napi_callback_info info, const char* function, size_t expected) : env_(env), function_(function) {
    napi_get_cb_info(env, info, &argc_, argv_, nullptr, nullptr);
    if (argc_ != expected) fail(std::string("takes ") + std::to_string(expected) + " arguments, got " + std::to_string(argc_));
  }

  bool ok() const { return ok_; }

  int integer(const char* name, int least = 0) {
    int32_t value = 0;
    if (!ok_) return 0;
    if (napi_get_value_int32(env_, next(), &value) != napi_ok) fail(std::string(name) + " must be an integer");
    else if (value < least) fail(std::string(name) + " is " + std::to_string(value) + ", must be at least " + std::to_string(least), true);
    return value;
  }

  double number(const char* name) {
    double value = 0;
    if (ok_ && napi_get_value_double(env_, next(), &value) != napi_ok) fail(std::string(name) + " must be a number");
    return value;
  }

  bool boolean(const char* name) {
    bool value = false;
    if (ok_ && napi_get_value_bool(env_, next(), &value) != napi_ok) fail(std::string(name) + " must be a boolean");
    return value;
  }

  void skip() { next(); }

  // A Float64Array of per-step vectors; `count` values are used from `offset` (the next argument when `withOffset`).
  double* vector(const char* name, size_t count, bool withOffset) {
    Typed t = typed(name);
    if (ok_ && t.kind != napi_float64_array) fail(std::string(name) + " must be a Float64Array");
    const size_t offset = withOffset ? static_cast<size_t>(integer((std::string(name) + "Off").c_str())) : 0;
    if (ok_ && offset + count > t.length) {
      fail(std::string(name) + " has " + std::to_string(t.length) + " values, the rows need " + std::to_string(offset + count) +
               (withOffset ? " (offset " + std::to_string(offset) + " + " + std::to_string(count) + ")" : ""),
           true);
    }
    return ok_ ? static_cast<double*>(t.data) + offset : nullptr;
  }

  // A trace-sized array (Float32Array or Float64Array, the same for every one of a call) of at least `count` values.
  void* trace(const char* name, size_t count) {
    Typed t = typed(name);
    if (!ok_) return nullptr;
    if (t.kind != napi_float32_array && t.kind != napi_float64_array) return fail(std::string(name) + " must be a Float32Array or Float64Array"), nullptr;
    if (traceKind_ == napi_uint8_array) traceKind_ = t.kind;
    else if (t.kind != traceKind_) return fail(std::string(name) + " must have the same precision as the call's other trace-sized arrays"), nullptr;
    if (t.length < count) return fail(std::string(name) + " has " + std::to_string(t.length) + " values, needs " + std::to_string(count), true), nullptr;
    return t.data;
  }

  bool float32() const { return traceKind_ == napi_float32_array; }

  // Throws a RangeError with `message` unless `holds`.
  void check(bool holds, const std::string& message) {
    if (ok_ && !holds) fail(message, true);
  }

  // Rows [i0, i1) of an m × n layer over `batch` elements.
  SweepRows rows() {
    SweepRows r{};
    r.m = integer("m", 1);
    r.n = integer("n", 1);
    r.batch = integer("batch", 1);
    r.i0 = integer("i0");
    r.i1 = integer("i1");
    checkRows(r);
    return r;
  }

  void checkRows(const SweepRows& r) {
    check(r.i0 <= r.i1 && r.i1 <= r.m, "rows [" + std::to_string(r.i0) + ", " + std::to_string(r.i1) + ") are not within [0, m = " + std::to_string(r.m) + "]");
  }

  napi_value result(double value) {
    napi_value out = nullptr;
    if (ok_) napi_create_double(env_, value, &out);
    return out;
  }

 private:
  napi_value next() { return index_ < argc_ ? argv_[index_++] : nullptr; }

  Typed typed(const char* name) {
    Typed t;
    if (!ok_) return t;
    napi_value value = next();
    bool isTyped = false;
    napi_is_typedarray(env_, value, &isTyped);
    if (!isTyped) return fail(std::string(name) + " must be a typed array"), t;
    napi_value buffer;
    size_t offset;
    napi_get_typedarray_info(env_, value, &t.kind, &t.length, &t.data, &buffer, &offset);
    return t;
  }

  void fail(const std::string& message, bool range = false) {
    if (!ok_) return;
    ok_ = false;
    const std::string text = std::string(function_) + ": " + message;
    if (range) napi_throw_range_error(env_, nullptr, text.c_str());
    else napi_throw_type_error(env_, nullptr, text.c_str());
  }

  napi_env env_;
  const char* function_;
  napi_value argv_[40];
  size_t argc_ = 40;
  size_t index_ = 0;
  bool ok_ = true;
  napi_typedarray_type traceKind_ = napi_uint8_array;  // not yet seen
};

size_t mn(const SweepRows& r) { return (size_t)r.m * r.n; }
size_t bmn(const SweepRows& r) { return (size_t)r.batch * r.m * r.n; }
size_t bm(const SweepRows& r) { return (size_t)r.batch * r.m; }
size_t bn(const SweepRows& r) { return (size_t)r.batch * r.n; }

// Calls f with the trace-sized pointers cast to the call's precision.
template <class F>
auto byPrecision(const Args& args, F f) {
  return args.float32() ? f(static_cast<float*>(nullptr)) : f(static_cast<double*>(nullptr));
}

// forwardSweep(m, n, batch, i0, i1, trace, w, alpha, pre, preOff, acc, accOff, update, prevPre, prevPreOff, prevPost, prevPostOff,
//              prevDecay, prevDecayOff, eta, clip)
napi_value Forward(napi_env env, napi_callback_info info) {
  Args a(env, info, "forwardSweep", 21);
  const SweepRows r = a.rows();
  void* trace = a.trace("trace", bmn(r));
  void* w = a.trace("w", mn(r));
  void* alpha = a.trace("alpha", mn(r));
  const double* pre = a.vector("pre", bm(r), true);
  double* acc = a.vector("acc", bn(r), true);
  const bool update = a.boolean("update");
  const double* prevPre = a.vector("prevPre", bm(r), true);
  const double* prevPost = a.vector("prevPost", bn(r), true);
  const double* prevDecay = a.vector("prevDecay", bn(r), true);
  const double eta = a.number("eta"), clip = a.number("clip");
  if (!a.ok()) return nullptr;
  byPrecision(a, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    forwardSweep<T>(r, static_cast<T*>(trace), static_cast<T*>(w), static_cast<T*>(alpha), pre, acc, update, prevPre, prevPost, prevDecay, eta, clip);
    return 0;
  });
  return nullptr;
}

// traceUpdateSweep(m, n, batch, i0, i1, from, to, pre, preOff, post, postOff, decay, decayOff, eta, clip)
napi_value TraceUpdate(napi_env env, napi_callback_info info) {
  Args a(env, info, "traceUpdateSweep", 15);
  const SweepRows r = a.rows();
  void* from = a.trace("from", bmn(r));
  void* to = a.trace("to", bmn(r));
  const double* pre = a.vector("pre", bm(r), true);
  const double* post = a.vector("post", bn(r), true);
  const double* decay = a.vector("decay", bn(r), true);
  const double eta = a.number("eta"), clip = a.number("clip");
  if (!a.ok()) return nullptr;
  byPrecision(a, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    traceUpdateSweep<T>(r, static_cast<T*>(from), static_cast<T*>(to), pre, post, decay, eta, clip);
    return 0;
  });
  return nullptr;
}

// The arguments both backward sweeps share from trPreCur on (hasPrevStep … trPrePrev, rule, eta, clip).
void backwardTail(Args& a, const SweepRows& r, BackwardVectors& v) {
  v.trPreCur = a.vector("trPreCur", bm(r), false);
  v.gPre = a.vector("gPre", bm(r), false);
  v.hasPrevStep = a.boolean("hasPrevStep");
  v.prevPre = a.vector("prevPre", bm(r), true);
  v.prevPost = a.vector("prevPost", bn(r), true);
  v.prevDecay = a.vector("prevDecay", bn(r), true);
  v.prevDecayByPost = a.vector("prevDecayByPost", bn(r), false);
  v.prevDecayByEta = a.vector("prevDecayByEta", bn(r), false);
  v.trPostPrev = a.vector("trPostPrev", bn(r), true);
  v.trPrePrev = a.vector("trPrePrev", bm(r), false);
  a.skip();  // rule: the decay vectors already carry it (the JavaScript reads it for its Hebbian fast path)
  v.eta = a.number("eta");
  v.clip = a.number("clip");
}

// backwardSweep(m, n, batch, i0, i1, hPrev, hPrev2, gTrace, w, alpha, gAlpha, pre, preOff, gA, gAOff, decay, decayOff, trPreCur, gPre,
//               hasPrevStep, prevPre, prevPreOff, prevPost, prevPostOff, prevDecay, prevDecayOff, prevDecayByPost, prevDecayByEta,
//               trPostPrev, trPostOff, trPrePrev, rule, eta, clip)
napi_value Backward(napi_env env, napi_callback_info info) {
  Args a(env, info, "backwardSweep", 34);
  const SweepRows r = a.rows();
  void* hPrev = a.trace("hPrev", bmn(r));
  void* hPrev2 = a.trace("hPrev2", bmn(r));
  void* gTrace = a.trace("gTrace", bmn(r));
  void* w = a.trace("w", mn(r));
  void* alpha = a.trace("alpha", mn(r));
  void* gAlpha = a.trace("gAlpha", mn(r));
  BackwardVectors v{};
  v.pre = a.vector("pre", bm(r), true);
  v.gA = a.vector("gA", bn(r), true);
  v.decay = a.vector("decay", bn(r), true);
  backwardTail(a, r, v);
  if (!a.ok()) return nullptr;
  return a.result(byPrecision(a, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    return backwardSweep<T>(r, static_cast<T*>(hPrev), static_cast<T*>(hPrev2), static_cast<T*>(gTrace), static_cast<T*>(w), static_cast<T*>(alpha),
                            static_cast<T*>(gAlpha), v);
  }));
}

// backwardSweepTraceOnly(m, n, batch, i0, i1, hPrev2, gTrace, decay, decayOff, trPreCur, gPre, hasPrevStep, prevPre, prevPreOff, prevPost,
//                        prevPostOff, prevDecay, prevDecayOff, prevDecayByPost, prevDecayByEta, trPostPrev, trPostOff, trPrePrev, rule, eta, clip)
napi_value BackwardTraceOnly(napi_env env, napi_callback_info info) {
  Args a(env, info, "backwardSweepTraceOnly", 26);
  const SweepRows r = a.rows();
  void* hPrev2 = a.trace("hPrev2", bmn(r));
  void* gTrace = a.trace("gTrace", bmn(r));
  BackwardVectors v{};
  v.decay = a.vector("decay", bn(r), true);
  backwardTail(a, r, v);
  if (!a.ok()) return nullptr;
  return a.result(byPrecision(a, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    return backwardSweepTraceOnly<T>(r, static_cast<T*>(hPrev2), static_cast<T*>(gTrace), v);
  }));
}

// accumulateOuterProducts(m, n, rows, i0, i1, pre, preOff, gA, gAOff, gW, scratch)
napi_value Outer(napi_env env, napi_callback_info info) {
  Args a(env, info, "accumulateOuterProducts", 11);
  SweepRows r{};
  r.m = a.integer("m", 1);
  r.n = a.integer("n", 1);
  const int rows = a.integer("rows");
  r.i0 = a.integer("i0");
  r.i1 = a.integer("i1");
  r.batch = 1;
  a.checkRows(r);
  const double* pre = a.vector("pre", (size_t)rows * r.m, true);
  const double* gA = a.vector("gA", (size_t)rows * r.n, true);
  void* gW = a.trace("gW", mn(r));
  double* scratch = a.vector("scratch", r.n, false);
  if (!a.ok()) return nullptr;
  byPrecision(a, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    accumulateOuterProducts<T>(r.m, r.n, rows, r.i0, r.i1, pre, gA, static_cast<T*>(gW), scratch);
    return 0;
  });
  return nullptr;
}

// plainForwardSweep(m, n, batch, w, pre, preOff, acc)
napi_value PlainForward(napi_env env, napi_callback_info info) {
  Args a(env, info, "plainForwardSweep", 7);
  const int m = a.integer("m", 1), n = a.integer("n", 1), batch = a.integer("batch", 1);
  void* w = a.trace("w", (size_t)m * n);
  const double* pre = a.vector("pre", (size_t)batch * m, true);
  double* acc = a.vector("acc", (size_t)batch * n, false);
  if (!a.ok()) return nullptr;
  byPrecision(a, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    plainForwardSweep<T>(m, n, batch, static_cast<T*>(w), pre, acc);
    return 0;
  });
  return nullptr;
}

// plainBackwardSweep(m, n, batch, w, gA, gAOff, gPre)
napi_value PlainBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "plainBackwardSweep", 7);
  const int m = a.integer("m", 1), n = a.integer("n", 1), batch = a.integer("batch", 1);
  void* w = a.trace("w", (size_t)m * n);
  const double* gA = a.vector("gA", (size_t)batch * n, true);
  double* gPre = a.vector("gPre", (size_t)batch * m, false);
  if (!a.ok()) return nullptr;
  byPrecision(a, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    plainBackwardSweep<T>(m, n, batch, static_cast<T*>(w), gA, gPre);
    return 0;
  });
  return nullptr;
}

// sweepsVectorised(allow?): with a boolean, first allows or forbids the vectorised path (tests of the plain one).
napi_value Vectorised(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  bool allow;
  if (argc == 1 && napi_get_value_bool(env, argv[0], &allow) == napi_ok) allowVectorisedSweeps(allow);
  napi_value result;
  napi_get_boolean(env, sweepsVectorised(), &result);
  return result;
}

}  // namespace

void defineSweepFunctions(napi_env env, napi_value exports) {
  const napi_property_descriptor functions[] = {
      {"forwardSweep", nullptr, Forward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"traceUpdateSweep", nullptr, TraceUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"backwardSweep", nullptr, Backward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"backwardSweepTraceOnly", nullptr, BackwardTraceOnly, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"accumulateOuterProducts", nullptr, Outer, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"plainForwardSweep", nullptr, PlainForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"plainBackwardSweep", nullptr, PlainBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sweepsVectorised", nullptr, Vectorised, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(functions) / sizeof(functions[0]), functions);
}
