// Source text of an expression file and positions within it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  std::string_view text() const { return text_; }

  /// The line and column of a byte offset (at most the text's size).
  Location locate(uint32_t offset) const;

  /// The text of a 1-based line, without its line break.
  std::string_view line_text(uint32_t line) const;

 private:
  std::string path_;
  std::string text_;
};

/// Reads a whole file; the path "-" reads standard input.
/// Throws Failure with a placeless diagnostic when the file cannot be read
/// or is too large to address with 32-bit offsets.
SourceFile read_source(const std::string& path);

}  // namespace backprop
