// The trace in Markdown, readable on GitHub.
#pragma once

#include "backprop/sink.hpp"
#include "backprop/trace.hpp"

namespace backprop {

struct MarkdownOptions {
  int precision = 6;  // significant digits
};

/// Writes the trace as Markdown: a heading naming the file and the output,
/// the topological order, then a table each for the forward pass, the
/// backward pass and the gradients, with one row per step (its number, the
/// node or its bar, the formula, the value) and every formula in `$...$`
/// (the LaTeX of render_latex), as GitHub renders math.
void render_markdown(const Trace& trace, const MarkdownOptions& options,
                     Sink& out);

}  // namespace backprop
