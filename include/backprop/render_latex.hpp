// The trace in LaTeX, for slides and solution sheets.
#pragma once

#include "backprop/sink.hpp"
#include "backprop/trace.hpp"

namespace backprop {

struct LatexOptions {
  int precision = 6;  // significant digits
  /// A whole document (article, amsmath) around the fragment, ready for
  /// pdflatex.
  bool standalone = false;
};

/// Writes the trace as the rows of an `align*` environment, with nothing
/// but amsmath needed: the forward pass, then the backward pass in bar
/// notation (`\bar{w}`, `\overline{\mathit{nll}}`), then the gradients as
/// `\frac{\partial L}{\partial w}`, each section introduced by
/// `\intertext`. A row too long for a line goes on over several, one
/// `&= ...` each. The fragment starts with comments and holds no
/// `\begin{align*}`: it is pasted inside one.
void render_latex(const Trace& trace, const LatexOptions& options, Sink& out);

/// Writes `text` for LaTeX's text mode: the special characters escaped,
/// control characters and bytes outside ASCII as `?`, so that a path or a
/// name always compiles.
std::string latex_text(std::string_view text);

}  // namespace backprop
