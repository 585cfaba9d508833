// Evaluation: the forward pass, the local derivatives and the backward pass.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "backprop/trace.hpp"

namespace backprop {

/// What the command line adds to a file: values for leaves and another
/// output.
struct ModelOptions {
  std::vector<std::pair<std::string, double>> sets;
  std::optional<std::string> output;
  /// Derive symbolic local derivatives; without them only the numbers (an
  /// answer key) can be computed, at a fraction of the cost.
  bool symbolic = true;
  /// One node per operation (see expand()) instead of one per statement.
  bool expand = false;
};

/// Parses, expands when asked, builds, sorts and derives. Throws Failure on
/// any error in the file, and on a `--set` or `--output` that names nothing
/// (or, for `--set`, names a node that is not a leaf).
Model load_model(std::shared_ptr<const SourceFile> source,
                 const ModelOptions& options);

/// Runs the forward pass in topological order, then the backward pass in
/// reverse topological order over the nodes the output depends on. The trace
/// keeps a pointer to the model.
Trace evaluate(const Model& model);

/// A value that a leaf takes for one evaluation in place of its own.
struct LeafValue {
  NodeId leaf;
  double value;
};

/// The same as evaluate(model), with each of `leaf_values` (which must name
/// leaves) in place of that leaf's value: how training presents one sample
/// after another without loading the model again. The model's statements
/// still hold the file's values, so the step-by-step renderers, which print
/// them, are for a trace without `leaf_values`; the values and bars are
/// right either way.
Trace evaluate(const Model& model, std::span<const LeafValue> leaf_values);

/// The output's value when one leaf takes another value: the forward pass
/// alone, which is how finite differences check the gradients.
double output_value(const Model& model, NodeId output, NodeId leaf,
                    double leaf_value);

}  // namespace backprop
