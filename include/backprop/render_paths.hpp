// The chain rule for one node, written out path by path, as text.
#pragma once

#include "backprop/paths.hpp"
#include "backprop/render_text.hpp"

namespace backprop {

/// Writes every listed path from the node to the output (its nodes, its
/// local derivatives as partials, as formulas and as numbers, and their
/// product), the sum of the products beside the node's bar from the
/// backward pass, and the multiplications and additions that listing the
/// paths costs against those of backprop. When the paths are too many to
/// list, says how many there are and how many are shown. Uses the style,
/// precision and colour of `options`.
void render_paths(const Trace& trace, const ChainRule& rule,
                  const TextOptions& options, Sink& out);

}  // namespace backprop
