// The multivariate chain rule written out: every path from a node to the
// output, against backprop's re-use of the bars.
#pragma once

#include <cstddef>
#include <vector>

#include "backprop/trace.hpp"

namespace backprop {

/// At most this many paths are listed; the rest are only counted.
inline constexpr size_t kMaxListedPaths = 24;

/// Listing stops before the listed paths hold more edges than this, so that
/// a long chain does not print a product of a million factors.
inline constexpr size_t kMaxListedEdges = 2000;

/// One path from a node to the output.
struct ChainPath {
  std::vector<uint32_t> edges;  // from the node toward the output
  double product;               // of the edges' local derivatives
};

/// The chain rule for one node: its bar is the sum, over every path from it
/// to the output, of the product of the local derivatives along the path.
struct ChainRule {
  NodeId node = 0;
  std::vector<ChainPath> paths;  // the first ones, children in file order
  double path_count = 0;         // every path, listed or not
  double listed_sum = 0;         // the sum of the listed products
  /// What enumerating every path costs: a path of k edges takes k - 1
  /// multiplications, and adding up n paths n - 1 additions.
  double path_multiplications = 0;
  double path_additions = 0;
  /// What backprop costs for the same bar, each bar computed once and
  /// re-used: a multiplication per edge between the node and the output
  /// (an edge into the output carries the local derivative alone, the
  /// output's bar being 1), and per node one addition fewer than it has
  /// children on the way.
  double backprop_multiplications = 0;
  double backprop_additions = 0;

  bool complete() const {
    return static_cast<double>(paths.size()) == path_count;
  }
};

/// The paths from `node`, which the output must depend on, to the output.
/// Counting takes time linear in the graph however many paths there are
/// (the counts are doubles, so a count past 2^53 is rounded); listing stops
/// at kMaxListedPaths paths or kMaxListedEdges edges.
ChainRule chain_rule(const Trace& trace, NodeId node);

}  // namespace backprop
