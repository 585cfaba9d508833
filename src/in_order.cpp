#include "backprop/in_order.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

namespace backprop {
namespace {

// The second thread's chunks in two buffers, so that it can render one
// while the first thread emits the other. Chunk k (odd) goes to buffer
// (k / 2) % 2.
struct Helper {
  std::mutex mutex;
  std::condition_variable changed;
  TextBuffer texts[2];
  bool ready[2] = {false, false};  // texts[i] holds a chunk not yet emitted
  bool stop = false;
  std::exception_ptr error;
  std::thread thread;

  void run(size_t chunks,
           const std::function<void(size_t, TextBuffer&)>& render_chunk) {
    try {
      for (size_t k = 1; k < chunks; k += 2) {
        const size_t slot = k / 2 % 2;
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return !ready[slot] || stop; });
          if (stop)
            return;
        }
        texts[slot].clear();  // the first thread keeps off it until ready
        render_chunk(k, texts[slot]);
        std::lock_guard lock(mutex);
        ready[slot] = true;
        changed.notify_all();
      }
    } catch (...) {
      std::lock_guard lock(mutex);
      error = std::current_exception();
      changed.notify_all();
    }
  }

  // Stops the thread on every way out of render_in_order().
  ~Helper() {
    if (!thread.joinable())
      return;
    {
      std::lock_guard lock(mutex);
      stop = true;
    }
    changed.notify_all();
    thread.join();
  }
};

// Fewer chunks than this are not worth a thread.
constexpr size_t kMinimumChunks = 4;

}  // namespace

void render_in_order(std::span<const size_t> bounds, const RenderItems& render,
                     const EmitText& emit) {
  const size_t chunks = bounds.empty() ? 0 : bounds.size() - 1;
  auto render_chunk = [&](size_t k, TextBuffer& out) {
    render(bounds[k], bounds[k + 1], out);
  };
  TextBuffer own;
  auto alone = [&] {
    for (size_t k = 0; k < chunks; ++k) {
      own.clear();
      render_chunk(k, own);
      emit(k, own);
    }
  };
  if (chunks < kMinimumChunks || std::thread::hardware_concurrency() < 2) {
    alone();
    return;
  }

  Helper helper;
  try {
    helper.thread = std::thread([&] { helper.run(chunks, render_chunk); });
  } catch (const std::system_error&) {
    alone();
    return;
  }
  for (size_t k = 0; k < chunks; ++k) {
    if (k % 2 == 0) {
      own.clear();
      render_chunk(k, own);
      emit(k, own);
      continue;
    }
    const size_t slot = k / 2 % 2;
    std::exception_ptr error;
    {
      std::unique_lock lock(helper.mutex);
      helper.changed.wait(lock,
                          [&] { return helper.ready[slot] || helper.error; });
      error = helper.error;
    }
    if (error)
      std::rethrow_exception(error);
    emit(k, helper.texts[slot]);
    std::lock_guard lock(helper.mutex);
    helper.ready[slot] = false;
    helper.changed.notify_all();
  }
}

void in_parallel(const std::function<void()>& first,
                 const std::function<void()>& second) {
  if (std::thread::hardware_concurrency() < 2) {
    first();
    second();
    return;
  }
  std::exception_ptr error;
  std::thread thread;
  try {
    thread = std::thread([&] {
      try {
        second();
      } catch (...) {
        error = std::current_exception();
      }
    });
  } catch (const std::system_error&) {
    first();
    second();
    return;
  }
  try {
    first();
  } catch (...) {
    thread.join();
    throw;
  }
  thread.join();
  if (error)
    std::rethrow_exception(error);
}

}  // namespace backprop
