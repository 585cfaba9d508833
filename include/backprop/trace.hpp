// The trace: every value, local derivative and bar of one evaluation. It is
// the one data model that every renderer reads.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "backprop/derive.hpp"
#include "backprop/graph.hpp"

namespace backprop {

/// A model ready to evaluate: the graph, its order, and (unless only the
/// numbers were asked for) its symbolic local derivatives.
struct Model {
  Graph graph;
  std::vector<NodeId> order;
  LocalDerivatives locals;  // empty when `symbolic` is false
  bool symbolic = true;
  std::vector<bool> set_on_command_line;  // per node
};

/// Something non-finite that appeared in a computation whose inputs were
/// finite: where, in which node, and what happened.
struct Warning {
  NodeId node;
  Span span;
  std::string message;
};

struct Trace {
  const Model* model = nullptr;
  NodeId output = 0;
  std::vector<bool> affects_output;  // per node: the output depends on it
  std::vector<double> values;        // per node
  std::vector<double> bars;          // per node; NaN where it has no bar
  std::vector<double> local_values;  // per edge; NaN where the child has none
  std::vector<Warning> warnings;

  const Graph& graph() const { return model->graph; }
  bool has_bar(NodeId node) const { return affects_output[node]; }
};

}  // namespace backprop
