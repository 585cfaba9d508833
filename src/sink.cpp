#include "backprop/sink.hpp"

#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>

namespace backprop {

// The thread that writes full buffers to the file, and the one buffer it
// shares with the renderer: the renderer fills its own buffer while this
// one is written, then waits for the writer to be idle and swaps them.
struct Sink::Writer {
  std::mutex mutex;
  std::condition_variable changed;
  TextBuffer pending;  // guarded by mutex while `busy`
  bool busy = false;   // `pending` holds text not yet written
  bool stop = false;
  bool failed = false;
  std::thread thread;

  void run(std::FILE* file) {
    std::unique_lock lock(mutex);
    while (true) {
      changed.wait(lock, [this] { return busy || stop; });
      if (!busy)
        return;
      lock.unlock();
      const bool wrote = std::fwrite(pending.data(), 1, pending.size(), file) ==
                         pending.size();
      lock.lock();
      failed |= !wrote;
      pending.clear();
      busy = false;
      changed.notify_all();
    }
  }

  // Blocks until the writer holds nothing to write.
  void wait_idle(std::unique_lock<std::mutex>& lock) {
    changed.wait(lock, [this] { return !busy; });
  }
};

Sink::Sink(std::FILE* file) : file_(file) {}

Sink::Sink(std::string& text) : text_(&text) {}

Sink::~Sink() {
  flush();
  if (writer_) {
    {
      std::lock_guard lock(writer_->mutex);
      writer_->stop = true;
    }
    writer_->changed.notify_all();
    writer_->thread.join();
  }
}

bool Sink::write_out(const TextBuffer& text) {
  if (text_) {
    text_->append(text.data(), text.size());
  } else if (file_ && !text.empty()) {
    failed_ |= std::fwrite(text.data(), 1, text.size(), file_) != text.size();
  }
  return !failed_;
}

void Sink::hand_off() {
  if (!file_) {
    write_out(buffer_);
    buffer_.clear();
    return;
  }
  if (!writer_) {
    // Started for output past the first buffer only, so that a small
    // trace never pays for a thread. Without threads, the sink writes
    // itself.
    auto writer = std::make_unique<Writer>();
    try {
      writer->thread = std::thread(&Writer::run, writer.get(), file_);
    } catch (const std::system_error&) {
      write_out(buffer_);
      buffer_.clear();
      return;
    }
    writer_ = std::move(writer);
  }
  {
    std::unique_lock lock(writer_->mutex);
    writer_->wait_idle(lock);
    buffer_.swap(writer_->pending);
    writer_->busy = true;
  }
  writer_->changed.notify_all();
}

// In pieces, so that the buffers stay their usual size.
void Sink::write_large(std::string_view text) {
  while (!text.empty()) {
    const std::string_view piece = text.substr(0, kHandOffAt);
    buffer_.append(piece);
    text.remove_prefix(piece.size());
    written();
  }
}

bool Sink::flush() {
  if (writer_) {
    std::unique_lock lock(writer_->mutex);
    writer_->wait_idle(lock);
    failed_ |= writer_->failed;
  }
  // The writer is idle, so the file is this thread's again.
  write_out(buffer_);
  buffer_.clear();
  return !failed_;
}

}  // namespace backprop
