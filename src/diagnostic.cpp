// Rendering diagnostics in clang's layout, and suggestions for misspellings.
#include "backprop/diagnostic.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace backprop {
namespace {

constexpr size_t kTabWidth = 8;
// The display columns a quoted line may take; with the indent of four, a
// quote fits 80 columns.
constexpr size_t kQuoteWidth = 76;
constexpr std::string_view kCut = "...";
constexpr std::string_view kIndent = "    ";

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// A source line laid out for display, and the display column at which each
// byte of the original line starts. Every character of `text` takes one
// column.
struct DisplayLine {
  std::string text;
  std::vector<size_t> column_of_byte;  // one more entry than bytes
};

// How the character of `length` bytes (0: a byte that is not UTF-8) at
// `at` shows when it starts at display column `column`: a tab as spaces to
// the next stop, a control character as <U+0001>, a stray byte as <FF>.
std::string shown(std::string_view line, size_t at, uint32_t length,
                  size_t column) {
  if (length == 0)
    return fmt::format("<{:02X}>", static_cast<unsigned char>(line[at]));
  if (line[at] == '\t')
    return std::string(kTabWidth - column % kTabWidth, ' ');
  char32_t code_point = utf8_code_point(line, at);
  bool control = code_point < 0x20 || (code_point >= 0x7F && code_point < 0xA0);
  if (control)
    return fmt::format("<U+{:04X}>", static_cast<uint32_t>(code_point));
  return std::string(line.substr(at, length));
}

DisplayLine lay_out(std::string_view line) {
  DisplayLine display;
  size_t column = 0;
  for (size_t at = 0; at < line.size();) {
    uint32_t length = utf8_length(line, at);
    std::string text = shown(line, at, length, column);
    uint32_t bytes = std::max<uint32_t>(length, 1);
    display.column_of_byte.insert(display.column_of_byte.end(), bytes, column);
    display.text += text;
    bool one_character = length > 1 && text.size() == length;
    column += one_character ? 1 : text.size();
    at += bytes;
  }
  display.column_of_byte.push_back(column);
  return display;
}

// The characters of a laid-out line from display column `from` up to `to`.
std::string slice_columns(std::string_view text, size_t from, size_t to) {
  std::string result;
  size_t column = 0;
  bool first = true;
  for (char c : text) {
    if (!is_continuation_byte(c)) {
      if (!first)
        ++column;
      first = false;
    }
    if (column >= from && column < to)
      result.push_back(c);
  }
  return result;
}

// The display columns [from, to) of a line `width` columns wide that a
// quote shows: the whole line if it fits, else a stretch that holds the
// caret and fits kQuoteWidth with its cuts marked.
struct Window {
  size_t from;
  size_t to;
};

Window window_around(size_t caret, size_t width) {
  if (width <= kQuoteWidth)
    return {0, width};
  const size_t one_cut = kQuoteWidth - kCut.size();
  const size_t two_cuts = kQuoteWidth - 2 * kCut.size();
  if (caret + two_cuts / 2 <= one_cut)
    return {0, one_cut};
  if (caret + one_cut >= width + two_cuts / 2)
    return {width - one_cut, width};
  size_t from = caret - two_cuts / 2;
  return {from, from + two_cuts};
}

void render_quote(std::string& out, const SourceFile& source, Span span) {
  Location begin = source.locate(span.begin);
  std::string_view line = source.line_text(begin.line);
  if (line.empty())
    return;
  uint32_t line_offset = source.line_start(begin.line);
  DisplayLine display = lay_out(line);
  size_t byte_begin = std::min<size_t>(span.begin - line_offset, line.size());
  size_t byte_end = std::min<size_t>(
      std::max(span.end, span.begin) - line_offset, line.size());
  size_t caret = display.column_of_byte[byte_begin];
  size_t width = display.column_of_byte.back();

  Window window = window_around(caret, width);
  std::string_view prefix = window.from > 0 ? kCut : "";
  std::string_view suffix = window.to < width ? kCut : "";
  size_t last = std::min(display.column_of_byte[byte_end], window.to);
  last = std::max(last, caret + 1);

  out +=
      fmt::format("{}{}{}{}\n", kIndent, prefix,
                  slice_columns(display.text, window.from, window.to), suffix);
  out += fmt::format("{}{}^{}\n", kIndent,
                     std::string(prefix.size() + caret - window.from, ' '),
                     std::string(last - caret - 1, '~'));
}

void render_one(std::string& out, const Diagnostic& diagnostic,
                const SourceFile* source) {
  std::string_view severity = severity_name(diagnostic.severity);
  if (diagnostic.span && source) {
    Location location = source->locate(diagnostic.span->begin);
    out += fmt::format("{}:{}:{}: {}: {}\n", source->path(), location.line,
                       location.column, severity, diagnostic.message);
    render_quote(out, *source, *diagnostic.span);
  } else if (diagnostic.severity == Severity::Note && source) {
    out += fmt::format("{}: {}: {}\n", source->path(), severity,
                       diagnostic.message);
  } else {
    out +=
        fmt::format("backprop-trace: {}: {}\n", severity, diagnostic.message);
  }
  for (const Diagnostic& note : diagnostic.notes) {
    render_one(out, note, source);
  }
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equal_but_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](char x, char y) { return lower(x) == lower(y); });
}

// The optimal string alignment distance: insertions, deletions,
// substitutions and swaps of two neighbouring characters, one edit each.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> before(b.size() + 1);  // row i - 2
  std::vector<size_t> above(b.size() + 1);   // row i - 1
  std::vector<size_t> row(b.size() + 1);     // row i
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    before.swap(above);
    above.swap(row);
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitution = above[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above[j] + 1, row[j - 1] + 1, substitution});
      bool swapped =
          i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1];
      if (swapped)
        row[j] = std::min(row[j], before[j - 2] + 1);
    }
  }
  return row[b.size()];
}

}  // namespace

Diagnostic Diagnostic::error(Span span, std::string message) {
  return {Severity::Error, span, std::move(message), {}};
}

Diagnostic Diagnostic::warning(Span span, std::string message) {
  return {Severity::Warning, span, std::move(message), {}};
}

Diagnostic Diagnostic::note(Span span, std::string message) {
  return {Severity::Note, span, std::move(message), {}};
}

Diagnostic& Diagnostic::with_note(Diagnostic note) {
  notes.push_back(std::move(note));
  return *this;
}

std::string render(const Diagnostic& diagnostic, const SourceFile* source) {
  std::string out;
  render_one(out, diagnostic, source);
  return out;
}

Failure::Failure(Diagnostic diagnostic) {
  diagnostics_.push_back(std::move(diagnostic));
}

Failure::Failure(std::string message)
    : Failure(
          Diagnostic{Severity::Error, std::nullopt, std::move(message), {}}) {}

const char* Failure::what() const noexcept {
  return diagnostics_.front().message.c_str();
}

std::vector<std::string> nearest_names(
    std::string_view name, const std::vector<std::string_view>& candidates,
    size_t limit) {
  std::vector<std::pair<size_t, std::string_view>> scored;
  for (std::string_view candidate : candidates) {
    if (candidate == name)
      continue;
    size_t longer = std::max(name.size(), candidate.size());
    size_t distance =
        equal_but_case(name, candidate) ? 0 : edit_distance(name, candidate);
    size_t allowed = std::max<size_t>(1, longer / 3);
    if (distance <= allowed && distance < longer)
      scored.emplace_back(distance, candidate);
  }
  std::stable_sort(
      scored.begin(), scored.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> result;
  for (size_t i = 0; i < scored.size() && i < limit; ++i) {
    result.emplace_back(scored[i].second);
  }
  return result;
}

std::string quoted_list(const std::vector<std::string_view>& names,
                        size_t limit) {
  std::string out;
  size_t shown = std::min(names.size(), limit);
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0)
      out += (i + 1 == shown && shown == names.size()) ? " and " : ", ";
    out += fmt::format("'{}'", names[i]);
  }
  if (shown < names.size()) {
    out += fmt::format(" and {} more", names.size() - shown);
  }
  return out;
}

std::string describe_errno(int error_number) {
  std::string text = std::strerror(error_number);
  bool capitalised = text.size() > 1 && text[0] >= 'A' && text[0] <= 'Z' &&
                     lower(text[1]) == text[1];
  if (capitalised)
    text[0] = lower(text[0]);
  return text;
}

}  // namespace backprop
