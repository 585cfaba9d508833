// Reading source files and turning byte offsets into lines and columns.
#include "backprop/source.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <memory>

#include "backprop/diagnostic.hpp"

namespace backprop {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

unsigned char byte_at(std::string_view text, size_t offset) {
  return static_cast<unsigned char>(text[offset]);
}

// Whether the byte at `offset` exists and lies in [low, high].
bool byte_in(std::string_view text, size_t offset, unsigned char low,
             unsigned char high) {
  return offset < text.size() && byte_at(text, offset) >= low &&
         byte_at(text, offset) <= high;
}

// Reads to the end of `file`; `expected`, the size it is likely to have,
// is read straight into place, without the copies of a growing string.
std::string read_stream(std::FILE* file, const std::string& path,
                        size_t expected = 0) {
  std::string text(expected, '\0');
  text.resize(std::fread(text.data(), 1, expected, file));
  char buffer[1 << 16];
  size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    text.append(buffer, count);
  }
  if (std::ferror(file)) {
    throw Failure(
        fmt::format("cannot read '{}': {}", path, describe_errno(errno)));
  }
  return text;
}

std::string read_path(const std::string& path) {
  // Checked first: on Linux a directory opens, and only the read fails.
  struct stat status {};
  if (stat(path.c_str(), &status) == 0 && S_ISDIR(status.st_mode)) {
    throw Failure(fmt::format(
        "cannot read '{}': it is a directory, not a model file", path));
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(
      std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    throw Failure(
        fmt::format("cannot open '{}': {}", path, describe_errno(errno)));
  }
  const bool regular = S_ISREG(status.st_mode);
  const size_t size = regular ? static_cast<size_t>(status.st_size) : 0;
  return read_stream(file.get(), path, size);
}

}  // namespace

uint32_t utf8_length(std::string_view text, size_t offset) {
  if (offset >= text.size())
    return 0;
  unsigned char lead = byte_at(text, offset);
  if (lead < 0x80)
    return 1;
  // The second byte's range rules out overlong forms, surrogates and code
  // points past U+10FFFF; the later bytes are plain continuation bytes.
  uint32_t length = 0;
  bool second = false;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    second = byte_in(text, offset + 1, 0x80, 0xBF);
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
    unsigned char high = lead == 0xED ? 0x9F : 0xBF;
    second = byte_in(text, offset + 1, low, high);
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
    unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
    second = byte_in(text, offset + 1, low, high);
  }
  if (!second)
    return 0;
  for (uint32_t i = 2; i < length; ++i) {
    if (!byte_in(text, offset + i, 0x80, 0xBF))
      return 0;
  }
  return length;
}

char32_t utf8_code_point(std::string_view text, size_t offset) {
  uint32_t length = utf8_length(text, offset);
  if (length <= 1)
    return length == 1 ? byte_at(text, offset) : 0;
  // The lead byte keeps 7 - length bits; each continuation byte adds 6.
  char32_t code_point = byte_at(text, offset) & (0x7F >> length);
  for (uint32_t i = 1; i < length; ++i)
    code_point = code_point << 6 | (byte_at(text, offset + i) & 0x3F);
  return code_point;
}

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  if (text_.starts_with(kByteOrderMark))
    text_.erase(0, kByteOrderMark.size());
}

const std::vector<uint32_t>& SourceFile::line_starts() const {
  std::call_once(*lines_found_, [this] {
    // A guess that spares most copies of a growing vector, since a model's
    // lines are rarely shorter than 16 bytes; reserving more than is used
    // costs address space, not memory.
    line_starts_.reserve(text_.size() / 16 + 1);
    line_starts_.push_back(0);
    for (size_t i = text_.find('\n'); i != std::string::npos;
         i = text_.find('\n', i + 1)) {
      line_starts_.push_back(static_cast<uint32_t>(i + 1));
    }
  });
  return line_starts_;
}

uint32_t SourceFile::line_start(uint32_t line) const {
  if (line == 0)
    return 0;
  const std::vector<uint32_t>& starts = line_starts();
  if (line > starts.size())
    return static_cast<uint32_t>(text_.size());
  return starts[line - 1];
}

Location SourceFile::locate(uint32_t offset) const {
  offset = std::min(offset, static_cast<uint32_t>(text_.size()));
  const std::vector<uint32_t>& starts = line_starts();
  auto after = std::upper_bound(starts.begin(), starts.end(), offset);
  Location location;
  location.line = static_cast<uint32_t>(after - starts.begin());
  for (uint32_t i = *(after - 1); i < offset;) {
    i += std::max<uint32_t>(1, utf8_length(text_, i));
    ++location.column;
  }
  return location;
}

std::string_view SourceFile::line_text(uint32_t line) const {
  if (line == 0 || line > line_count())
    return {};
  std::string_view rest = std::string_view(text_).substr(line_start(line));
  std::string_view result = rest.substr(0, rest.find('\n'));
  if (!result.empty() && result.back() == '\r')
    result.remove_suffix(1);
  return result;
}

SourceFile read_source(const std::string& path) {
  bool standard_input = path == "-";
  std::string name = standard_input ? "<stdin>" : path;
  std::string text =
      standard_input ? read_stream(stdin, name) : read_path(path);
  if (text.size() >= std::numeric_limits<uint32_t>::max()) {
    throw Failure(fmt::format("'{}' is too large (4 GiB at most)", name));
  }
  return SourceFile(name, std::move(text));
}

}  // namespace backprop
