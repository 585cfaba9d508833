// The terminal side of the classroom options: colour and pausing between
// steps.
#pragma once

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>

namespace backprop::cli {

/// Whether `stream` is a terminal.
bool is_terminal(std::FILE* stream);

/// Whether --color `when` ("auto", "always" or "never") colours what goes
/// to `stream`: "auto" does on a terminal, unless NO_COLOR is set to
/// anything but "" or TERM is "dumb".
bool use_color(const std::string& when, std::FILE* stream);

/// Pauses after each step of the trace until a key on the controlling
/// terminal: Enter (or space) goes on, q (or Ctrl-D) quits. The prompt shows
/// on the terminal and is erased once a key is pressed.
class StepPrompt {
 public:
  /// A prompt on /dev/tty, dimmed when `color`, or nullopt when there is
  /// no terminal to ask.
  static std::optional<StepPrompt> open(bool color);

  StepPrompt(StepPrompt&& other) noexcept;
  StepPrompt(const StepPrompt&) = delete;
  StepPrompt& operator=(const StepPrompt&) = delete;
  ~StepPrompt();

  /// Shows the prompt after step `step` of `total` and waits; false when
  /// the user quits.
  bool operator()(size_t step, size_t total);

 private:
  StepPrompt(int terminal, bool color) : terminal_(terminal), color_(color) {}
  int read_key();

  int terminal_ = -1;
  bool color_ = false;
};

}  // namespace backprop::cli
