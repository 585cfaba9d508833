// The text trace, for people.
#pragma once

#include "backprop/check.hpp"
#include "backprop/sink.hpp"
#include "backprop/spelling.hpp"
#include "backprop/trace.hpp"

namespace backprop {

struct TextOptions {
  Style style = Style::Unicode;  // or Style::Ascii
  int precision = 6;             // significant digits
};

/// Writes the topological order, the forward pass (symbolic form, numbers
/// put in, value), the backward pass in reverse topological order (each bar
/// as the sum of child bars times local derivatives, numbers put in, every
/// child's contribution, value), the nodes the output does not depend on,
/// and a table of the leaves' gradients.
void render_text(const Trace& trace, const TextOptions& options, Sink& out);

/// Writes only each node's value and bar, one line each in file order: the
/// answer key, for a model derived without symbols.
void render_answer_key(const Trace& trace, const TextOptions& options,
                       Sink& out);

/// Writes the finite-difference check: per leaf, the gradient, the finite
/// difference, the relative error and whether it passed.
void render_checks(const Trace& trace, const std::vector<LeafCheck>& checks,
                   double tolerance, const TextOptions& options, Sink& out);

}  // namespace backprop
