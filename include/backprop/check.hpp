// Checking the symbolic gradients against central finite differences.
#pragma once

#include <vector>

#include "backprop/trace.hpp"

namespace backprop {

/// How one leaf's gradient compares with a finite difference.
struct LeafCheck {
  NodeId leaf;
  double gradient;           // the backward pass's bar
  double finite_difference;  // (f(x + h) - f(x - h)) / 2h
  double relative_error;     // |gradient - fd| / max(|gradient|, |fd|, 1e-3)
  /// The one-sided slopes differ: the output has a kink here (relu or abs at
  /// 0, a tie of max), where the gradient follows the tool's convention and
  /// passes when it lies between the two slopes.
  bool kink;
  bool passed;
};

/// Checks the gradient of every leaf the output depends on, in file order.
std::vector<LeafCheck> check_gradients(const Trace& trace, double tolerance);

}  // namespace backprop
