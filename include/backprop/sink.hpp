// Where a renderer's output goes: a file stream or a string, buffered.
#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "backprop/text_buffer.hpp"

namespace backprop {

/// A buffered writer to a FILE* or to a string. Renderers stream into it so
/// that a million-line trace never sits whole in memory.
class Sink {
 public:
  explicit Sink(std::FILE* file) : file_(file) {}
  explicit Sink(std::string& text) : text_(&text) {}
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;
  ~Sink() { flush(); }

  void write(std::string_view text) {
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

  /// Writes the buffer out once it holds enough to be worth a write.
  void written() {
    if (buffer_.size() >= kFlushAt)
      flush();
  }

  /// Writes out what is buffered; false if the file reported an error.
  bool flush();

 private:
  static constexpr size_t kFlushAt = 1 << 16;
  std::FILE* file_ = nullptr;
  std::string* text_ = nullptr;
  TextBuffer buffer_;
  bool failed_ = false;
};

inline bool Sink::flush() {
  if (text_) {
    text_->append(buffer_.data(), buffer_.size());
  } else if (file_ && buffer_.size() > 0) {
    failed_ |=
        std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size();
  }
  buffer_.clear();
  return !failed_;
}

}  // namespace backprop
