// The progress bar of a long training run.
#include "cli/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace backprop::cli {
namespace {

constexpr auto kDelay = std::chrono::milliseconds(500);
constexpr auto kInterval = std::chrono::milliseconds(100);
constexpr int kBarWidth = 30;

}  // namespace

ProgressBar::ProgressBar(int epochs)
    : epochs_(epochs),
      terminal_(isatty(STDERR_FILENO) == 1),
      start_(Clock::now()),
      last_draw_(start_) {}

void ProgressBar::update(int epoch, double loss) {
  if (!terminal_)
    return;
  Clock::time_point now = Clock::now();
  if (now - start_ < kDelay || (drawn_ && now - last_draw_ < kInterval))
    return;
  last_draw_ = now;
  drawn_ = true;
  int filled = static_cast<int>(static_cast<long long>(epoch) * kBarWidth /
                                std::max(epochs_, 1));
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kBarWidth, '.');
  fmt::print(stderr, "\r  epoch {}/{} [{}] {:3}%  mean loss {:.4g}\x1b[K",
             epoch, epochs_, bar,
             static_cast<long long>(epoch) * 100 / std::max(epochs_, 1), loss);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (!drawn_)
    return;
  drawn_ = false;
  std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
}

}  // namespace backprop::cli
