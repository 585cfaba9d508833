// Diagnostics: what went wrong, where, and how a person sees it.
#pragma once

#include <fmt/format.h>

#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "backprop/source.hpp"

namespace backprop {

enum class Severity { Error, Warning, Note };

/// One message about the input: a severity, an optional place, the text
/// (lowercase, no final period, names in single quotes) and notes that point
/// at related places.
struct Diagnostic {
  Severity severity = Severity::Error;
  std::optional<Span> span;
  std::string message;
  std::vector<Diagnostic> notes;

  static Diagnostic error(Span span, std::string message);
  static Diagnostic warning(Span span, std::string message);
  static Diagnostic note(Span span, std::string message);

  /// Adds a note and returns the diagnostic, for chaining.
  Diagnostic& with_note(Diagnostic note);
};

/// Renders a diagnostic in clang's layout:
///
///     model.expr:3:9: error: undefined name 'q'
///         y = w*q + b
///               ^
///
/// then its notes the same way. An error or warning without a span starts
/// with "backprop-trace:" instead of a place; a note without a span starts
/// with the source's path, since it speaks of the file. Tabs are expanded
/// before the caret is placed; a control character shows as <U+0001> and a
/// byte that is not UTF-8 as <FF>; a line wider than 76 columns is shown as
/// a window around the caret with "..." at each cut; an empty line is not
/// quoted.
std::string render(const Diagnostic& diagnostic, const SourceFile* source);

/// The error that a pipeline stage throws when the input is wrong. It carries
/// one or more diagnostics; the first is an error.
class Failure : public std::exception {
 public:
  explicit Failure(Diagnostic diagnostic);
  /// A failure with no place in the source, such as an unreadable file.
  explicit Failure(std::string message);

  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  const char* what() const noexcept override;

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// The names closest to `name` by edit distance (a swap of two neighbours
/// is one edit, and a name that differs only in case is closest), best
/// first, among `candidates`; at most `limit` of them, and only reasonably
/// close ones: at most a third of the longer name edited, and never every
/// character, so 'q' does not suggest 'x'.
std::vector<std::string> nearest_names(
    std::string_view name, const std::vector<std::string_view>& candidates,
    size_t limit = 1);

/// "'a', 'b' and 'c'", or the first `limit` names and "and N more".
std::string quoted_list(const std::vector<std::string_view>& names,
                        size_t limit = 12);

/// The text of an errno value as a message goes on: "no such file or
/// directory".
std::string describe_errno(int error_number);

}  // namespace backprop
