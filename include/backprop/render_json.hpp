// The JSON trace, for programs. Its layout is versioned by the "schema" key
// and documented in the README.
#pragma once

#include <string_view>
#include <vector>

#include "backprop/check.hpp"
#include "backprop/sink.hpp"
#include "backprop/trace.hpp"

namespace backprop {

inline constexpr std::string_view kJsonSchema = "backprop-trace/1";

struct JsonOptions {
  /// Only the values and gradients (an answer key); no forward and backward
  /// steps. Required when the model has no symbolic derivatives.
  bool answer_key = false;
  /// Added as "check" when not empty.
  const std::vector<LeafCheck>* checks = nullptr;
};

/// Streams the trace as one JSON object. Numbers read back to the same
/// double; NaN and infinities are written as the strings "NaN", "Infinity"
/// and "-Infinity" so that the document stays valid JSON.
void render_json(const Trace& trace, const JsonOptions& options, Sink& out);

}  // namespace backprop
