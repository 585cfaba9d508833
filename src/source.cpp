// Reading source files and turning byte offsets into lines and columns.
#include "backprop/source.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>

#include "backprop/diagnostic.hpp"

namespace backprop {
namespace {

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::string read_stream(std::FILE* file, const std::string& path) {
  std::string text;
  char buffer[1 << 16];
  size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    text.append(buffer, count);
  }
  if (std::ferror(file)) {
    throw Failure(
        fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  }
  return text;
}

}  // namespace

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {}

Location SourceFile::locate(uint32_t offset) const {
  Location location;
  uint32_t line_start = 0;
  for (uint32_t i = 0; i < offset && i < text_.size(); ++i) {
    if (text_[i] == '\n') {
      ++location.line;
      line_start = i + 1;
    }
  }
  for (uint32_t i = line_start; i < offset && i < text_.size(); ++i) {
    if (!is_continuation_byte(text_[i]))
      ++location.column;
  }
  return location;
}

std::string_view SourceFile::line_text(uint32_t line) const {
  std::string_view rest = text_;
  for (uint32_t i = 1; i < line; ++i) {
    size_t newline = rest.find('\n');
    if (newline == std::string_view::npos)
      return {};
    rest.remove_prefix(newline + 1);
  }
  std::string_view result = rest.substr(0, rest.find('\n'));
  if (!result.empty() && result.back() == '\r')
    result.remove_suffix(1);
  return result;
}

SourceFile read_source(const std::string& path) {
  std::string text;
  if (path == "-") {
    text = read_stream(stdin, "<stdin>");
  } else {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(
        std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) {
      throw Failure(
          fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
    }
    text = read_stream(file.get(), path);
  }
  if (text.size() >= std::numeric_limits<uint32_t>::max()) {
    throw Failure(fmt::format("'{}' is too large (4 GiB at most)", path));
  }
  return SourceFile(path == "-" ? "<stdin>" : path, std::move(text));
}

}  // namespace backprop
