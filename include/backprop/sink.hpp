// Where a renderer's output goes: a file stream or a string, buffered.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "backprop/text_buffer.hpp"

namespace backprop {

/// A buffered writer to a FILE* or to a string. Renderers stream into it so
/// that a million-line trace never sits whole in memory.
///
/// Output to a file that grows past the first buffer is written by a second
/// thread while the renderer fills the next buffer: for a large trace the
/// system's copying of the text into the file takes a good part of the
/// time, and it then runs beside the rendering rather than after it.
class Sink {
 public:
  explicit Sink(std::FILE* file);
  explicit Sink(std::string& text);
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;
  /// Flushes, and waits for the writing thread, if any, to end.
  ~Sink();

  /// Lets the sink write a large output to its file with O_DIRECT, past
  /// the page cache, once `from` bytes have gone out. Copying
  /// hundreds of megabytes into the page cache takes the processor time
  /// that the renderers want, and the pages it takes are fresh memory; the
  /// disk copies them from the buffers itself. Where the file system
  /// refuses O_DIRECT, or the disk stores less than kDirectRate bytes a
  /// second, the sink goes back to writing through the cache. Call it before
  /// anything is written, and only for a regular file that this process
  /// made and that nothing else writes while the sink lives: the flag
  /// belongs to the open file, which a redirected standard output shares
  /// with the shell.
  void allow_direct(size_t from = kDirectFrom);

  /// The bytes written past the page cache so far; read it after flush().
  uint64_t written_directly() const;

  void write(std::string_view text) {
    if (text.size() > kHandOffAt) {
      write_large(text);
      return;
    }
    buffer_.append(text);
    written();
  }

  template <typename... Args>
  void print(fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(buffer_), format,
                   std::forward<Args>(args)...);
    written();
  }

  /// Room for `size` more bytes, to be written through the pointer returned
  /// and ended with commit(): a loop that writes many short pieces checks
  /// for room once per item instead of once per piece.
  char* room(size_t size) { return buffer_.room(size); }

  /// Ends the output at `end`, within the last room().
  void commit(char* end) {
    buffer_.commit(end);
    written();
  }

  /// The buffer itself, for a renderer that appends many pieces to it
  /// directly; it calls written() after each item.
  TextBuffer& buffer() { return buffer_; }

  /// Hands the buffer on once it holds enough to be worth a write.
  void written() {
    if (buffer_.size() >= hand_off_at_)
      hand_off();
  }

  /// Writes out everything buffered and waits until it is written; false
  /// if the file reported an error, now or before.
  bool flush();

  /// The size at which a buffer is handed on. Large enough that handing a
  /// buffer to the writing thread costs little beside writing it, small
  /// enough to stay in the cache. Just under a power of two: a buffer,
  /// which grows by doubling, then stays at 128 KB while the items written
  /// into it are under 8 KB.
  static constexpr size_t kHandOffAt = (128 << 10) - (8 << 10);

  /// See allow_direct(). Writes that go past the page cache are larger:
  /// a disk takes a megabyte at twice the rate of a tenth of one. The
  /// rate is measured over the first kDirectFrom bytes written directly.
  static constexpr size_t kDirectFrom = 16 << 20;
  static constexpr double kDirectRate = 512e6;
  static constexpr size_t kDirectHandOffAt = (1 << 20) - (8 << 10);

 private:
  struct Writer;
  class Descriptor;

  void hand_off();
  void write_large(std::string_view text);
  bool write_out(const TextBuffer& text);
  bool write_file(const TextBuffer& text);

  std::FILE* file_ = nullptr;
  std::unique_ptr<Descriptor> descriptor_;  // after allow_direct()
  std::string* text_ = nullptr;
  TextBuffer buffer_;
  size_t hand_off_at_ = kHandOffAt;
  std::unique_ptr<Writer> writer_;
  bool failed_ = false;
};

}  // namespace backprop
