#include "backprop/sink.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>

namespace backprop {

// The file's descriptor, written with write(2), and with O_DIRECT where
// what is written allows it: from an address and at an offset that are
// multiples of TextBuffer::kAlignment, a multiple of it long. Used by one
// thread at a time, as the file is.
class Sink::Descriptor {
 public:
  Descriptor(int descriptor, uint64_t offset, uint64_t direct_from)
      : descriptor_(descriptor), offset_(offset), direct_from_(direct_from) {}

  bool write(const char* data, size_t size) {
    constexpr size_t kAlignment = TextBuffer::kAlignment;
    const bool aligned = offset_ % kAlignment == 0 && size % kAlignment == 0 &&
                         reinterpret_cast<uintptr_t>(data) % kAlignment == 0;
    const bool direct = may_be_direct_ && aligned && offset_ >= direct_from_;
    if (!set_direct(direct))
      return false;
    const auto start = std::chrono::steady_clock::now();
    if (!write_all(data, size))
      return false;
    if (direct_) {
      direct_bytes_ += size;
      direct_seconds_ += std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                             .count();
      // A disk slower than the renderers makes them wait; the page cache
      // takes the text at once and stores it later.
      if (direct_bytes_ >= kDirectFrom &&
          static_cast<double>(direct_bytes_) < kDirectRate * direct_seconds_) {
        may_be_direct_ = false;
      }
    }
    return true;
  }

  // Whether the last write went past the page cache, and the next may.
  bool writes_directly() const { return direct_ && may_be_direct_; }
  uint64_t direct_bytes() const { return direct_bytes_; }

  // Leaves the file as it was found, without O_DIRECT.
  bool end() { return set_direct(false); }

 private:
  bool write_all(const char* data, size_t size) {
    while (size > 0) {
      const ssize_t written = ::write(descriptor_, data, size);
      if (written < 0) {
        if (errno == EINTR)
          continue;
        // A file system may take the flag and then refuse the write, with
        // EINVAL or another error; the write through the cache decides.
        if (direct_) {
          may_be_direct_ = false;
          if (!set_direct(false))
            return false;
          continue;
        }
        return false;
      }
      data += written;
      size -= static_cast<size_t>(written);
      offset_ += static_cast<uint64_t>(written);
    }
    return true;
  }

  // False only if O_DIRECT, once on, cannot be turned off.
  bool set_direct(bool on) {
    if (on == direct_)
      return true;
    const int flags = fcntl(descriptor_, F_GETFL);
    const int changed = on ? flags | O_DIRECT : flags & ~O_DIRECT;
    if (flags == -1 || fcntl(descriptor_, F_SETFL, changed) == -1) {
      may_be_direct_ = false;
      return !direct_;
    }
    direct_ = on;
    return true;
  }

  int descriptor_;
  uint64_t offset_;       // in the file, where the next write goes
  uint64_t direct_from_;  // the offset from which writes may be direct
  bool direct_ = false;
  bool may_be_direct_ = true;
  uint64_t direct_bytes_ = 0;  // written past the page cache
  double direct_seconds_ = 0;  // that those writes took
};

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

  void run(Sink& sink) {
    std::unique_lock lock(mutex);
    while (true) {
      changed.wait(lock, [this] { return busy || stop; });
      if (!busy)
        return;
      lock.unlock();
      const bool wrote = sink.write_file(pending);
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

void Sink::allow_direct(size_t from) {
  if (file_ == nullptr || descriptor_ || writer_ || std::fflush(file_) != 0)
    return;
  const int descriptor = fileno(file_);
  struct stat status {};
  if (descriptor < 0 || fstat(descriptor, &status) != 0 ||
      !S_ISREG(status.st_mode)) {
    return;
  }
  const off_t offset = lseek(descriptor, 0, SEEK_CUR);
  if (offset < 0)
    return;
  descriptor_ = std::make_unique<Descriptor>(
      descriptor, static_cast<uint64_t>(offset), from);
}

uint64_t Sink::written_directly() const {
  return descriptor_ ? descriptor_->direct_bytes() : 0;
}

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
    failed_ |= !write_file(text);
  }
  return !failed_;
}

bool Sink::write_file(const TextBuffer& text) {
  if (descriptor_)
    return descriptor_->write(text.data(), text.size());
  return std::fwrite(text.data(), 1, text.size(), file_) == text.size();
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
      writer->thread = std::thread(&Writer::run, writer.get(), std::ref(*this));
    } catch (const std::system_error&) {
      write_out(buffer_);
      buffer_.clear();
      return;
    }
    writer_ = std::move(writer);
  }
  bool direct = false;
  {
    std::unique_lock lock(writer_->mutex);
    writer_->wait_idle(lock);
    // The writer is idle, so the descriptor is this thread's to read.
    direct = descriptor_ && descriptor_->writes_directly();
    buffer_.swap(writer_->pending);
    if (descriptor_) {
      // Whole blocks only, so that a direct write can take them; the rest
      // starts the next buffer.
      TextBuffer& pending = writer_->pending;
      const size_t whole =
          pending.size() / TextBuffer::kAlignment * TextBuffer::kAlignment;
      buffer_.append(pending.data() + whole, pending.size() - whole);
      pending.resize(whole);
    }
    writer_->busy = true;
  }
  hand_off_at_ = direct ? kDirectHandOffAt : kHandOffAt;
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
  if (descriptor_)
    failed_ |= !descriptor_->end();
  return !failed_;
}

}  // namespace backprop
