// Rendering diagnostics in clang's layout, and suggestions for misspellings.
#include "backprop/diagnostic.hpp"

#include <algorithm>
#include <numeric>

namespace backprop {
namespace {

constexpr size_t kTabWidth = 8;
constexpr size_t kWindow = 100;  // display columns of source shown at most

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

// A source line laid out for display: its characters with tabs expanded,
// and the display column at which each byte of the original line starts.
struct DisplayLine {
  std::string text;
  std::vector<size_t> column_of_byte;  // one more entry than bytes
};

DisplayLine lay_out(std::string_view line) {
  DisplayLine display;
  size_t column = 0;
  for (char c : line) {
    display.column_of_byte.push_back(column);
    if (c == '\t') {
      size_t spaces = kTabWidth - column % kTabWidth;
      display.text.append(spaces, ' ');
      column += spaces;
    } else {
      display.text.push_back(c);
      if (!is_continuation_byte(c))
        ++column;
    }
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

void render_quote(std::string& out, const SourceFile& source, Span span) {
  Location begin = source.locate(span.begin);
  std::string_view line = source.line_text(begin.line);
  uint32_t line_offset = span.begin;
  while (line_offset > 0 && source.text()[line_offset - 1] != '\n') {
    --line_offset;
  }
  DisplayLine display = lay_out(line);
  size_t byte_begin = std::min<size_t>(span.begin - line_offset, line.size());
  size_t byte_end = std::min<size_t>(
      std::max(span.end, span.begin) - line_offset, line.size());
  size_t caret = display.column_of_byte[byte_begin];
  size_t last = std::max(display.column_of_byte[byte_end], caret + 1);
  size_t width = display.column_of_byte.back();

  size_t from = 0;
  if (width > kWindow && caret > kWindow / 2)
    from = caret - kWindow / 2;
  size_t to = std::min(width, from + kWindow);
  std::string prefix = from > 0 ? "..." : "";
  std::string suffix = to < width ? "..." : "";
  last = std::min(last, std::max(to, caret + 1));

  out +=
      "    " + prefix + slice_columns(display.text, from, to) + suffix + "\n";
  out += "    " + std::string(prefix.size() + caret - from, ' ') + "^";
  if (last > caret + 1)
    out += std::string(last - caret - 1, '~');
  out += "\n";
}

void render_one(std::string& out, const Diagnostic& diagnostic,
                const SourceFile* source) {
  std::string_view severity = severity_name(diagnostic.severity);
  if (diagnostic.span && source) {
    Location location = source->locate(diagnostic.span->begin);
    out += fmt::format("{}:{}:{}: {}: {}\n", source->path(), location.line,
                       location.column, severity, diagnostic.message);
    render_quote(out, *source, *diagnostic.span);
  } else {
    out +=
        fmt::format("backprop-trace: {}: {}\n", severity, diagnostic.message);
  }
  for (const Diagnostic& note : diagnostic.notes) {
    render_one(out, note, source);
  }
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
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
  // Close means at most a third of the longer name changed, and at least
  // one edit always allowed, so 'sigmoidd' finds 'sigmoid' and 'x' finds 'y'
  // only when nothing better exists.
  std::vector<std::pair<size_t, std::string_view>> scored;
  for (std::string_view candidate : candidates) {
    if (candidate == name)
      continue;
    size_t distance = edit_distance(name, candidate);
    size_t allowed =
        std::max<size_t>(1, std::max(name.size(), candidate.size()) / 3);
    if (distance <= allowed)
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

}  // namespace backprop
