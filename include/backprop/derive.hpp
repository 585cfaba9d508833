// Symbolic local derivatives: for every edge, the partial derivative of the
// child's right side by the parent.
#pragma once

#include <vector>

#include "backprop/graph.hpp"

namespace backprop {

/// Per edge (numbered as in Graph), the local derivative dc/dn of the child
/// c by the parent n, simplified the way a person writes it (`x`, not
/// `1*x + w*0`). A parent used twice gets one combined derivative (`2*y` for
/// `y*y`).
struct LocalDerivatives {
  std::vector<ExprId> by_parent;
  /// For a child `y = f(u)` whose function has a derivative written with its
  /// result (σ′(u) = y(1 − y)), the same derivative in that form; kNoExpr
  /// on every other edge.
  std::vector<ExprId> by_result;
};

/// Derives every edge of the graph; the new expressions go into the graph's
/// pool. The work is linear in the size of the right sides.
LocalDerivatives derive(Graph& graph);

}  // namespace backprop
