// A growable buffer of text for the renderers' inner loops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

namespace backprop {

/// Bytes appended at the end, as to a std::string, but cheaper for the many
/// short pieces a trace is made of: the check for room is inline, a short
/// copy needs no call to memcpy, and room() lets a writer put several
/// pieces after one check. Unlike a std::string, it may move its bytes
/// before it reads what it is given: text from the buffer itself must be
/// copied elsewhere first.
///
/// A buffer of kAlignedFrom bytes or more starts on a multiple of
/// kAlignment, as writing a file with O_DIRECT requires.
class TextBuffer {
 public:
  using value_type = char;  // for std::back_inserter

  static constexpr size_t kAlignment = 4096;
  static constexpr size_t kAlignedFrom = 64 << 10;

  TextBuffer() = default;
  TextBuffer(const TextBuffer&) = delete;
  TextBuffer& operator=(const TextBuffer&) = delete;
  ~TextBuffer() { release(begin_, capacity()); }

  const char* data() const { return begin_; }
  size_t size() const { return static_cast<size_t>(end_ - begin_); }
  bool empty() const { return end_ == begin_; }
  size_t capacity() const { return static_cast<size_t>(limit_ - begin_); }
  std::string_view view() const { return {begin_, size()}; }
  operator std::string_view() const { return view(); }

  void clear() { end_ = begin_; }
  void swap(TextBuffer& other) noexcept {
    std::swap(begin_, other.begin_);
    std::swap(end_, other.end_);
    std::swap(limit_, other.limit_);
  }
  /// Drops everything after the first `size` bytes.
  void resize(size_t size) { end_ = begin_ + size; }

  /// At least `size` writable bytes at the end, returned; what is written
  /// there counts once commit() is given its end.
  char* room(size_t size) {
    if (static_cast<size_t>(limit_ - end_) < size)
      grow(size);
    return end_;
  }
  void commit(char* end) { end_ = end; }

  // Inlined by force: the compiler judges the copy too large to inline at
  // the hundred places that append, and the call costs as much as the copy.
  [[gnu::always_inline]] void append(const char* text, size_t size) {
    char* out = room(size);
    copy(out, text, size);
    end_ = out + size;
  }
  [[gnu::always_inline]] void append(std::string_view text) {
    append(text.data(), text.size());
  }
  void append(const char* begin, const char* end) {
    append(begin, static_cast<size_t>(end - begin));
  }
  void push_back(char c) { *room(1) = c, ++end_; }
  TextBuffer& operator+=(std::string_view text) {
    append(text);
    return *this;
  }
  TextBuffer& operator+=(char c) {
    push_back(c);
    return *this;
  }

  /// Copies `size` bytes, for sizes mostly under 16, with two loads and two
  /// stores that may overlap instead of a call.
  [[gnu::always_inline]] static void copy(char* to, const char* from,
                                          size_t size) {
    if (size >= 8) {
      if (size > 16) {
        std::memcpy(to, from, size);
        return;
      }
      copy_overlapping<uint64_t>(to, from, size);
    } else if (size >= 4) {
      copy_overlapping<uint32_t>(to, from, size);
    } else if (size > 0) {  // 1 to 3 bytes: first, middle, last
      to[0] = from[0];
      to[size / 2] = from[size / 2];
      to[size - 1] = from[size - 1];
    }
  }

 private:
  // The first and last sizeof(Word) bytes, where size is 1 to 2 Words.
  template <typename Word>
  static void copy_overlapping(char* to, const char* from, size_t size) {
    Word head, tail;
    std::memcpy(&head, from, sizeof head);
    std::memcpy(&tail, from + size - sizeof tail, sizeof tail);
    std::memcpy(to, &head, sizeof head);
    std::memcpy(to + size - sizeof tail, &tail, sizeof tail);
  }

  void grow(size_t size);
  static void release(char* bytes, size_t capacity);

  char* begin_ = nullptr;
  char* end_ = nullptr;
  char* limit_ = nullptr;
};

}  // namespace backprop
