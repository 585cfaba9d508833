// Source text of an expression file and positions within it.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace backprop {

/// A half-open byte range [begin, end) of a source text.
struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
};

/// A 1-based line and column; the column counts characters, not bytes.
struct Location {
  uint32_t line = 1;
  uint32_t column = 1;
};

/// The text of one input file and the path it was read from.
class SourceFile {
 public:
  /// Keeps `text` without a leading UTF-8 byte order mark, which some
  /// editors write and which is not part of the model.
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  std::string_view text() const { return text_; }

  /// The line and column of a byte offset (at most the text's size). A
  /// byte that is not valid UTF-8 counts as one column.
  Location locate(uint32_t offset) const;

  /// The text of a 1-based line, without its line break (nor a carriage
  /// return before it); empty past the last line.
  std::string_view line_text(uint32_t line) const;

  /// How many lines the text has; a line break at the very end starts one
  /// more, empty line.
  size_t line_count() const { return line_starts().size(); }

  /// The byte offset at which a 1-based line starts.
  uint32_t line_start(uint32_t line) const;

 private:
  const std::vector<uint32_t>& line_starts() const;

  std::string path_;
  std::string text_;
  // The offset of each line's start, found on first use, safely from any
  // thread: only diagnostics need them, and finding them costs a pass over
  // the text and four bytes a line that a run without one never pays.
  mutable std::vector<uint32_t> line_starts_;
  std::unique_ptr<std::once_flag> lines_found_ =
      std::make_unique<std::once_flag>();
};

/// The length in bytes of the UTF-8 character at `offset` of `text`: 1 to
/// 4, or 0 if the bytes there do not start a valid character (or `offset`
/// is at the end).
uint32_t utf8_length(std::string_view text, size_t offset);

/// The code point of the valid UTF-8 character at `offset` of `text`, as
/// utf8_length() finds it.
char32_t utf8_code_point(std::string_view text, size_t offset);

/// Reads a whole file; the path "-" reads standard input, and is named
/// "<stdin>" in messages. Throws Failure with a placeless diagnostic when the
/// file cannot be opened or read, is a directory, or is too large to address
/// with 32-bit offsets.
SourceFile read_source(const std::string& path);

}  // namespace backprop
