// A training run as a person reads it (text), as a program reads it (JSON),
// and its learned parameters as statements of the language.
#pragma once

#include <vector>

#include "backprop/render_text.hpp"
#include "backprop/sink.hpp"
#include "backprop/train.hpp"

namespace backprop {

inline constexpr std::string_view kTrainJsonSchema = "backprop-trace-train/1";

/// Everything a report of a run reads; the pointers must outlive it.
struct TrainingRun {
  const Model* model = nullptr;
  const CsvTable* data = nullptr;
  const TrainingSetup* setup = nullptr;
  const TrainOptions* options = nullptr;
  const History* history = nullptr;
  /// Every node's value per row with the learned parameters, indexed
  /// [row][node], as values_by_row() gives them.
  std::vector<std::vector<double>> final_values;
  /// Nodes whose value per row the text report shows at the end.
  std::vector<NodeId> shown;
  /// The symbolic trace of the first sample, when it is to be written out.
  const Trace* first_trace = nullptr;
};

/// The output's mean over the rows with the learned parameters.
double final_loss(const TrainingRun& run);

/// Writes what the run did: the data, the parameters and how they are
/// learned; with `first_trace`, that sample's trace and the first step
/// (each parameter's mean bar over the batch, then the update); a table of
/// the kept epochs (mean loss and the parameters each started from, split
/// into several tables where one would pass 80 columns); the loss curve;
/// the learned parameters; and, for a table of at most 20 rows, each row's
/// columns, shown nodes and loss after training.
void render_training_text(const TrainingRun& run, const TextOptions& options,
                          Sink& out);

/// Writes the run as one JSON object, its layout versioned by "schema":
/// the setup, "history" (per kept epoch its loss, parameters and mean
/// gradient), "losses" (every epoch's), "final" (loss and parameters), and
/// with `first_trace`, "first_step" with that sample's whole JSON trace.
void render_training_json(const TrainingRun& run, Sink& out);

/// Writes the learned parameters as leaf statements, `w = 0.5`, each
/// number in the shortest form that reads back to the same double, after
/// a comment that says where they come from. For a run that stopped (see
/// Divergence), they are the last parameters whose loss was finite.
void render_parameters(const TrainingRun& run, Sink& out);

}  // namespace backprop
