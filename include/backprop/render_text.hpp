// The text trace, for people.
#pragma once

#include <cstddef>
#include <functional>

#include "backprop/check.hpp"
#include "backprop/sink.hpp"
#include "backprop/spelling.hpp"
#include "backprop/trace.hpp"

namespace backprop {

struct TextOptions {
  Style style = Style::Unicode;  // or Style::Ascii
  int precision = 6;             // significant digits
  /// ANSI colours, each doubled by a cue that is not a colour: headings in
  /// bold; the forward pass in blue and the backward pass in magenta, the
  /// node each step computes in bold; the messages a bar adds up (one per
  /// child) in green and underlined.
  bool color = false;
  /// Numbers every step of the two passes, `[3/20]`, and calls `after_step`
  /// after writing each one.
  bool steps = false;
  /// With `steps`: called once a step is written and the sink flushed, with
  /// the step's number (from 1) and the total. Returning false ends the
  /// trace there.
  std::function<bool(size_t step, size_t total)> after_step = nullptr;
};

/// Writes the topological order, the forward pass (symbolic form, numbers
/// put in, value), the backward pass in reverse topological order (each bar
/// as the sum of child bars times local derivatives, numbers put in, every
/// child's contribution, value), the nodes the output does not depend on,
/// and a table of the leaves' gradients. Stops early, after a step, when
/// `options.after_step` says so.
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
