// A small pool of threads for parallelFor. Items are handed out one at a time from an atomic counter, so a
// thread slowed by the host (these are often shared machines) takes fewer of them. A helper joins a job only
// while it is open: the caller closes it once every item is taken and then waits only for helpers still on an
// item, never for one that has yet to wake up (waking a sleeping thread costs from tens of microseconds to far
// more on a virtual machine). Helpers spin for a while after a job before they sleep: a training step calls the
// pool a few dozen times within milliseconds.
#include "parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace {

class Pool {
 public:
  // Runs the job, or returns false at once when another caller is using the pool.
  bool run(int count, const std::function<void(int, int)>& work, int threads) {
    std::unique_lock<std::mutex> caller(callerLock, std::try_to_lock);
    if (!caller.owns_lock()) return false;
    startWorkers(threads - 1);
    {
      std::lock_guard<std::mutex> lock(stateLock);
      job = &work;
      items = count;
      next.store(0);
      invited = threads - 1;
      open = true;
      generation.fetch_add(1);
    }
    wake.notify_all();
    takeItems();
    {
      std::lock_guard<std::mutex> lock(stateLock);
      open = false;
    }
    // Helpers that joined finish their last item.
    while (active.load(std::memory_order_acquire) != 0) std::this_thread::yield();
    return true;
  }

 private:
  void startWorkers(int wanted) {
    while ((int)workers.size() < wanted) {
      const int index = (int)workers.size();
      workers.emplace_back([this, index] { serve(index); });
      workers.back().detach();  // the pool lives as long as the process
    }
  }

  void takeItems() {
    for (int i = next.fetch_add(1); i < items; i = next.fetch_add(1)) (*job)(i, i + 1);
  }

  void serve(int index) {
    unsigned seen = 0;  // generation 0 is no job
    for (;;) {
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
      while (generation.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until) std::this_thread::yield();
      bool joined;
      {
        std::unique_lock<std::mutex> lock(stateLock);
        wake.wait(lock, [&] { return generation.load() != seen; });
        seen = generation.load();
        joined = open && index < invited;
        if (joined) active.fetch_add(1);
      }
      if (joined) {
        takeItems();
        active.fetch_sub(1, std::memory_order_release);
      }
    }
  }

  std::mutex callerLock, stateLock;
  std::condition_variable wake;
  std::vector<std::thread> workers;
  // Set under stateLock, read by helpers under it (or after joining, which happens under it).
  const std::function<void(int, int)>* job = nullptr;
  int items = 0, invited = 0;
  bool open = false;
  std::atomic<int> next{0}, active{0};
  std::atomic<unsigned> generation{0};
};

Pool& pool() {
  static Pool* shared = new Pool();  // never destroyed: its threads are detached
  return *shared;
}

std::atomic<int> threadCount{0};

}  // namespace

int parallelism() {
  const int set = threadCount.load();
  if (set > 0) return set;
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware == 0 ? 1 : (int)std::min(8u, hardware);
}

void setParallelism(int threads) { threadCount.store(std::max(1, std::min(threads, 64))); }

void parallelFor(int count, const std::function<void(int, int)>& work) {
  const int threads = std::min(parallelism(), count);
  if (threads <= 1 || !pool().run(count, work, threads)) work(0, count);
}
