// Finite-difference checks of the gradients.
#include "backprop/check.hpp"

#include <algorithm>
#include <cmath>

#include "backprop/evaluate.hpp"

namespace backprop {

std::vector<LeafCheck> check_gradients(const Trace& trace, double tolerance) {
  const Model& model = *trace.model;
  const Graph& graph = model.graph;
  std::vector<LeafCheck> checks;
  for (NodeId leaf = 0; leaf < graph.size(); ++leaf) {
    if (!graph.statement(leaf).is_leaf || !trace.has_bar(leaf))
      continue;
    const double x = trace.values[leaf];
    const double h = 1e-5 * std::max(1.0, std::abs(x));
    const double f = trace.values[trace.output];
    const double up = output_value(model, trace.output, leaf, x + h);
    const double down = output_value(model, trace.output, leaf, x - h);

    LeafCheck check{leaf, trace.bars[leaf], (up - down) / (2 * h), 0, false,
                    false};
    const double right = (up - f) / h;
    const double left = (f - down) / h;
    const double scale = std::max({std::abs(left), std::abs(right), 1.0});
    check.kink = std::abs(right - left) > 1e-3 * scale;

    const double denominator = std::max(
        {std::abs(check.gradient), std::abs(check.finite_difference), 1e-3});
    check.relative_error =
        std::abs(check.gradient - check.finite_difference) / denominator;
    if (check.kink) {
      double low = std::min(left, right) - tolerance * scale;
      double high = std::max(left, right) + tolerance * scale;
      check.passed = check.gradient >= low && check.gradient <= high;
    } else {
      check.passed = check.relative_error <= tolerance;
    }
    checks.push_back(check);
  }
  return checks;
}

}  // namespace backprop
