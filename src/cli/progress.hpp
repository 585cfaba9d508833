// A progress bar on standard error, for a run long enough to need one.
#pragma once

#include <chrono>
#include <string>

namespace backprop::cli {

/// Draws `epoch 120/500 [#####.....] 24%  mean loss 0.123` on one line of
/// stderr, redrawn at most ten times a second, and only once the run has
/// taken half a second and when stderr is a terminal; finish() clears it.
class ProgressBar {
 public:
  explicit ProgressBar(int epochs);
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar() { finish(); }

  void update(int epoch, double loss);
  void finish();

 private:
  using Clock = std::chrono::steady_clock;

  int epochs_;
  bool terminal_;
  bool drawn_ = false;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

}  // namespace backprop::cli
