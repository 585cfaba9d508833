// Colour and the step prompt, on the terminal.
#include "cli/presentation.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <string>
#include <string_view>

namespace backprop::cli {
namespace {

// The terminal's settings while a key is awaited, for a signal handler to
// put back: an interrupted prompt must not leave the terminal without echo.
int g_terminal = -1;
struct termios g_saved {};

extern "C" void restore_and_reraise(int signal) {
  tcsetattr(g_terminal, TCSANOW, &g_saved);
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

void write_all(int descriptor, std::string_view text) {
  while (!text.empty()) {
    ssize_t written = write(descriptor, text.data(), text.size());
    if (written <= 0)
      return;
    text.remove_prefix(static_cast<size_t>(written));
  }
}

}  // namespace

bool is_terminal(std::FILE* stream) {
  return isatty(fileno(stream)) == 1;
}

bool use_color(const std::string& when, std::FILE* stream) {
  if (when == "always")
    return true;
  if (when == "never")
    return false;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  if (no_color && *no_color)
    return false;
  if (term && std::string_view(term) == "dumb")
    return false;
  return is_terminal(stream);
}

std::optional<StepPrompt> StepPrompt::open(bool color) {
  int terminal = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (terminal < 0)
    return std::nullopt;
  return StepPrompt(terminal, color);
}

StepPrompt::StepPrompt(StepPrompt&& other) noexcept
    : terminal_(other.terminal_), color_(other.color_) {
  other.terminal_ = -1;
}

StepPrompt::~StepPrompt() {
  if (terminal_ >= 0)
    close(terminal_);
}

bool StepPrompt::operator()(size_t step, size_t total) {
  std::fflush(stdout);
  const std::string prompt = fmt::format(
      "-- step {} of {}: Enter for the next, q to quit --", step, total);
  write_all(terminal_, color_ ? "\x1b[2m" + prompt + "\x1b[0m" : prompt);
  int key = read_key();
  // Spaces rather than an escape sequence erase it, so that a terminal
  // without colour (NO_COLOR, TERM=dumb) gets none.
  write_all(terminal_, "\r" + std::string(prompt.size(), ' ') + "\r");
  return key != 'q' && key != 'Q' && key != 4 && key != -1;
}

// One key, read without waiting for a line and without echo.
int StepPrompt::read_key() {
  struct termios saved {};
  if (tcgetattr(terminal_, &saved) != 0)
    return -1;
  struct termios raw = saved;
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  g_terminal = terminal_;
  g_saved = saved;
  auto old_int = std::signal(SIGINT, restore_and_reraise);
  auto old_term = std::signal(SIGTERM, restore_and_reraise);
  tcsetattr(terminal_, TCSANOW, &raw);

  int key = -1;
  while (true) {
    unsigned char byte = 0;
    ssize_t got = read(terminal_, &byte, 1);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    if (byte == '\n' || byte == '\r' || byte == ' ' || byte == 'q' ||
        byte == 'Q' || byte == 4) {
      key = byte;
      break;
    }
  }
  tcsetattr(terminal_, TCSANOW, &saved);
  std::signal(SIGINT, old_int);
  std::signal(SIGTERM, old_term);
  return key;
}

}  // namespace backprop::cli
