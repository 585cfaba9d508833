// Training: gradient descent on the mean of a model's output over the rows
// of a data table, with the gradient of every sample from backprop.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "backprop/csv.hpp"
#include "backprop/diagnostic.hpp"
#include "backprop/evaluate.hpp"

namespace backprop {

/// Which leaves a run reads from the data, which it learns, and which it
/// holds fixed.
struct TrainingSetup {
  std::vector<NodeId> columns;     // per column of the table, its leaf
  std::vector<NodeId> parameters;  // learned, in file order
  std::vector<double> initial;     // per parameter, its value in the model
  std::vector<NodeId> fixed;       // `const` or named by the caller
};

/// Plans a run: the table's columns give values to the leaves they name;
/// every other leaf that the output depends on is learned, unless it is
/// marked `const` in the file or named in `const_names`. Throws Failure on
/// a column that names nothing in the model (at the header cell, with the
/// nearest name) or names a node that is not a leaf, on a name in
/// `const_names` that is not a leaf of the model (without a place), and
/// when nothing is left to learn.
TrainingSetup plan_training(const Model& model, const CsvTable& data,
                            const std::vector<std::string>& const_names);

struct TrainOptions {
  double learning_rate = 0.1;
  int epochs = 100;
  /// Samples per step; 0, or more than the table has, is the full batch.
  size_t batch = 0;
  /// Present the rows in a new order each epoch, drawn from `seed`.
  bool shuffle = false;
  uint64_t seed = 1;
  /// Keep the parameters and gradient of every this many epochs (and of the
  /// first and the last); the loss is kept for every epoch.
  int record_every = 1;
  /// Keep the first step written out (see FirstStep).
  bool keep_first_step = false;
};

/// One epoch as a record of the run.
struct EpochRecord {
  int epoch = 0;                   // 1-based
  double loss = 0;                 // the output's mean over the samples
  std::vector<double> parameters;  // at the epoch's start
  std::vector<double> gradient;    // the mean over the epoch's samples
};

/// The first step of a run: the rows of the first batch in the order they
/// were presented, each one's gradient, their mean, and the parameters
/// before and after `w <- w - learning_rate * mean`.
struct FirstStep {
  std::vector<size_t> rows;
  std::vector<std::vector<double>> gradients;  // per row, per parameter
  std::vector<double> mean_gradient;
  std::vector<double> before;
  std::vector<double> after;
};

/// Why a run stopped early: a loss, gradient or parameter that is not
/// finite. `diagnostic` says where, with notes in the model's source.
struct Divergence {
  int epoch = 0;  // the epoch that stopped
  Diagnostic diagnostic;
  /// The parameters that the last epoch run to the end (epoch - 1) started
  /// from, whose mean loss is the last of History::losses; the initial
  /// parameters when the first epoch stopped.
  std::vector<double> last_finite;
};

struct History {
  std::vector<double> losses;  // per epoch run to the end
  std::vector<EpochRecord> records;
  /// After the last epoch run to the end (the initial ones if none was).
  std::vector<double> parameters;
  std::optional<FirstStep> first_step;
  std::optional<Divergence> divergence;
};

/// Called after each epoch with its number and mean loss.
using EpochCallback = std::function<void(int epoch, double loss)>;

/// Gradient descent. Each epoch presents every row of `data` once (in file
/// order, or shuffled), in batches; for each batch it runs the forward and
/// backward pass of every sample, averages the parameters' bars, and steps
/// `w <- w - learning_rate * mean`. With the full batch an epoch's record
/// is the loss and gradient at the parameters it started from. The run
/// stops early, with `divergence` set, at the first sample whose loss or
/// gradient is not finite, or at a step that makes a parameter so.
History train(const Model& model, const CsvTable& data,
              const TrainingSetup& setup, const TrainOptions& options,
              const EpochCallback& on_epoch = {});

/// The values that the setup's leaves take for one row of the data, with
/// `parameters` for the learned ones.
std::vector<LeafValue> sample_leaves(const CsvTable& data,
                                     const TrainingSetup& setup, size_t row,
                                     std::span<const double> parameters);

/// Every node's value for every row of the data with `parameters`, indexed
/// [row][node]: how a model answers after training.
std::vector<std::vector<double>> values_by_row(
    const Model& model, const CsvTable& data, const TrainingSetup& setup,
    std::span<const double> parameters);

}  // namespace backprop
