// The addon's groups of functions, each defined beside its kernel's binding and put on the exports by addon.cc.
#pragma once
#include <node_api.h>

/** forwardSweep, traceUpdateSweep, backwardSweep, backwardSweepTraceOnly, accumulateOuterProducts, plainForwardSweep, plainBackwardSweep, sweepsVectorised. */
void defineSweepFunctions(napi_env env, napi_value exports);
