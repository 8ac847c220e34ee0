// Splitting a kernel's independent items (images, blocks of kernel rows) over a few threads of this process.
#pragma once

#include <functional>

/** Calls work(first, end) on ranges that cover [0, count) once, on up to parallelism() threads (the caller's
 * included), and returns when all are done. Items must not depend on each other or on the thread that runs
 * them: then the results do not depend on the number of threads. While another caller (a worker thread of
 * Node, say) is using the pool, the call runs everything on its own thread. */
void parallelFor(int count, const std::function<void(int first, int end)>& work);

/** Threads parallelFor uses: the machine's hardware threads (at most 8) until set; 1 runs everything on the caller. */
int parallelism();
void setParallelism(int threads);
