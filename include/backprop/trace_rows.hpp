// The steps of a trace as rows of spelled-out text: what the text, LaTeX and
// Markdown renderers lay out, each in its own way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "backprop/spelling.hpp"
#include "backprop/trace.hpp"

namespace backprop {

/// One line of a pass as a lecture writes it: the left side, then each
/// "= ..." part in turn, a part that repeats the one before left out.
struct TraceRow {
  NodeId node = 0;
  std::string left;                // `z`, `w̅`, `∂L/∂w`
  std::vector<std::string> parts;  // the symbolic form first, the value last
  /// Per part, the messages it adds up when it is a sum of one term per
  /// child (parts[i] is then terms[i] joined by " + "); empty otherwise.
  std::vector<std::vector<std::string>> terms;
  bool set_on_command_line = false;  // a leaf given its value by --set
};

/// How the rows spell names, expressions and numbers.
struct RowOptions {
  Style style = Style::Unicode;
  int precision = 6;  // significant digits of the numbers
};

/// Per node in topological order: the name, the right side, the same with
/// values put in (not for a leaf), the value.
std::vector<TraceRow> forward_rows(const Trace& trace,
                                   const RowOptions& options);

/// Per node the output depends on, in reverse topological order: the bar,
/// the sum of child bars times local derivatives, the same written with the
/// child's own value where the function allows (σ′(z) = y·(1 − y)), the
/// numbers put in, each child's contribution when there are several, the
/// value.
std::vector<TraceRow> backward_rows(const Trace& trace,
                                    const RowOptions& options);

/// Per leaf the output depends on, in file order: `∂L/∂x` and its value.
std::vector<TraceRow> gradient_rows(const Trace& trace,
                                    const RowOptions& options);

/// The nodes the output does not depend on, in topological order.
std::vector<NodeId> unused_nodes(const Trace& trace);

/// The partial derivative of `output` by `node`: `∂L/∂w` (Unicode), `dL/dw`
/// (ASCII), `\frac{\partial L}{\partial w}` (LaTeX).
std::string spell_partial(std::string_view output, std::string_view node,
                          Style style);

/// The multiplication sign: `·`, `*` or ` \cdot `.
std::string_view times_sign(Style style);

}  // namespace backprop
