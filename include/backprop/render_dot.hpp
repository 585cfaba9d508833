// The computational graph for Graphviz.
#pragma once

#include <string>

#include "backprop/sink.hpp"
#include "backprop/trace.hpp"

namespace backprop {

struct DotOptions {
  int precision = 4;  // significant digits; a picture wants few
};

/// Writes the graph in Graphviz's DOT language, left to right. Leaves are
/// grey boxes, inner nodes ellipses and the output a double ellipse; every
/// node shows its step in the topological order, its right side, its value
/// (blue) and its bar (magenta), or "no bar" when the output does not
/// depend on it. Every edge is labelled with its local derivative, as a
/// formula and as a number. The ranks, left to right, are the levels of the
/// topological order: a node sits one rank right of its rightmost parent,
/// and the nodes of a rank keep the topological order from top to bottom.
void render_dot(const Trace& trace, const DotOptions& options, Sink& out);

}  // namespace backprop
