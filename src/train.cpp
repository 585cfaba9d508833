// Gradient descent over a data table, one backprop trace per sample.
#include "backprop/train.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace backprop {
namespace {

// A value as a message names it: "NaN", "inf", "-inf" or the number.
std::string spelled(double value) {
  return std::isnan(value) ? "NaN" : fmt::format("{}", value);
}

// The leaf that a column of the table names; throws at the header cell.
NodeId column_leaf(const Graph& graph, const CsvTable& data, size_t column) {
  std::string_view name = data.columns[column];
  Span span = data.column_spans[column];
  std::optional<NodeId> node = graph.find(name);
  if (!node) {
    std::vector<std::string_view> names = graph.names();
    std::vector<std::string> close = nearest_names(name, names);
    std::string hint = close.empty()
                           ? fmt::format("; it assigns {}", quoted_list(names))
                           : fmt::format("; did you mean '{}'?", close[0]);
    throw Failure(Diagnostic::error(
        span, fmt::format("column '{}' names nothing in '{}'{}", name,
                          graph.source().path(), hint)));
  }
  if (!graph.statement(*node).is_leaf) {
    throw Failure(Diagnostic::error(
        span, fmt::format("column '{}' names a node that '{}' computes from "
                          "other names; a column gives values to leaves",
                          name, graph.source().path())));
  }
  return *node;
}

// The leaf that a name given to be held fixed names; throws without a place.
NodeId const_leaf(const Graph& graph, const std::string& name) {
  std::optional<NodeId> node = graph.find(name);
  if (!node) {
    std::vector<std::string> close = nearest_names(name, graph.names());
    std::string hint =
        close.empty() ? "" : fmt::format("; did you mean '{}'?", close[0]);
    throw Failure(
        fmt::format("--const names '{}', which '{}' does not "
                    "assign{}",
                    name, graph.source().path(), hint));
  }
  if (!graph.statement(*node).is_leaf) {
    throw Failure(fmt::format(
        "--const holds leaves fixed, and '{}' is computed from other names",
        name));
  }
  return *node;
}

// A number below `bound` from `random`, the same on every platform (the
// standard distributions are not), without the bias of a plain modulo.
size_t draw_below(std::mt19937_64& random, size_t bound) {
  const uint64_t top = std::numeric_limits<uint64_t>::max();
  const uint64_t limit = top - top % bound;
  uint64_t draw = random();
  while (draw >= limit)
    draw = random();
  return static_cast<size_t>(draw % bound);
}

// Fisher-Yates.
void shuffle(std::vector<size_t>& order, std::mt19937_64& random) {
  for (size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[draw_below(random, i)]);
}

// Where a non-finite bar came from: the first node, from the output down,
// whose bar is not finite, and the local derivative that made it so.
Diagnostic bar_origin(const Trace& trace) {
  const Graph& graph = trace.graph();
  const std::vector<NodeId>& order = trace.model->order;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    NodeId node = *it;
    if (!trace.has_bar(node) || std::isfinite(trace.bars[node]))
      continue;
    for (uint32_t edge : graph.child_edges(node)) {
      NodeId child = graph.edge_child(edge);
      double local = trace.local_values[edge];
      if (trace.has_bar(child) && !std::isfinite(local)) {
        return Diagnostic::note(
            graph.statement(child).name_span,
            fmt::format("it first appeared here: the local derivative of "
                        "'{}' by '{}' is {}",
                        graph.name(child), graph.name(node), spelled(local)));
      }
    }
    return Diagnostic::note(
        graph.statement(node).name_span,
        fmt::format("it first appeared here: the bar of '{}' is {}",
                    graph.name(node), spelled(trace.bars[node])));
  }
  return Diagnostic::note(graph.statement(trace.output).name_span,
                          "it first appeared here");
}

// Where a non-finite value came from: the evaluator's first warning, or
// the first node in order whose value is not finite (a leaf given one).
Diagnostic value_origin(const Trace& trace) {
  if (!trace.warnings.empty()) {
    const Warning& warning = trace.warnings.front();
    return Diagnostic::note(warning.span,
                            "it first appeared here: " + warning.message);
  }
  const Graph& graph = trace.graph();
  for (NodeId node : trace.model->order) {
    if (!std::isfinite(trace.values[node])) {
      return Diagnostic::note(
          graph.statement(node).name_span,
          fmt::format("it first appeared here: '{}' is {}", graph.name(node),
                      spelled(trace.values[node])));
    }
  }
  return Diagnostic::note(graph.statement(trace.output).name_span,
                          "it first appeared here");
}

class Trainer {
 public:
  Trainer(const Model& model, const CsvTable& data, const TrainingSetup& setup,
          const TrainOptions& options, const EpochCallback& on_epoch)
      : model_(model),
        data_(data),
        setup_(setup),
        options_(options),
        on_epoch_(on_epoch),
        random_(options.seed),
        parameters_(setup.initial) {}

  History run();

 private:
  // The sums of one epoch or one batch.
  struct Sums {
    double loss = 0;
    std::vector<double> gradient;
    size_t samples = 0;
  };

  bool run_epoch(int epoch);
  bool run_batch(int epoch, std::span<const size_t> rows, Sums& epoch_sums);
  bool present(int epoch, size_t row, Sums& batch);
  bool step(int epoch, const Sums& batch);
  void keep_first_step(size_t row, const std::vector<double>& gradient);
  void stop(int epoch, Diagnostic diagnostic);

  const Model& model_;
  const CsvTable& data_;
  const TrainingSetup& setup_;
  const TrainOptions& options_;
  const EpochCallback& on_epoch_;
  std::mt19937_64 random_;
  std::vector<size_t> order_;
  std::vector<double> parameters_;
  History history_;
};

History Trainer::run() {
  order_.resize(data_.row_count());
  for (size_t i = 0; i < order_.size(); ++i)
    order_[i] = i;
  if (options_.keep_first_step)
    history_.first_step.emplace();
  history_.parameters = parameters_;

  // The parameters of the last epoch whose loss was finite, for a run that
  // stops: the ones after its step may be what makes the next one diverge.
  std::vector<double> last_start = parameters_;
  for (int epoch = 1; epoch <= options_.epochs; ++epoch) {
    std::vector<double> start = parameters_;
    if (!run_epoch(epoch)) {
      history_.divergence->last_finite = std::move(last_start);
      break;
    }
    last_start = std::move(start);
    history_.parameters = parameters_;
    if (on_epoch_)
      on_epoch_(epoch, history_.losses.back());
  }
  return std::move(history_);
}

bool Trainer::run_epoch(int epoch) {
  if (options_.shuffle)
    shuffle(order_, random_);
  const size_t rows = order_.size();
  const size_t batch = options_.batch == 0 ? rows : options_.batch;
  EpochRecord record{epoch, 0, parameters_, {}};

  Sums sums;
  sums.gradient.assign(parameters_.size(), 0.0);
  for (size_t first = 0; first < rows; first += batch) {
    size_t count = std::min(batch, rows - first);
    std::span<const size_t> chunk(order_.data() + first, count);
    if (!run_batch(epoch, chunk, sums))
      return false;
  }

  record.loss = sums.loss / static_cast<double>(rows);
  history_.losses.push_back(record.loss);
  bool kept = epoch == 1 || epoch == options_.epochs ||
              epoch % std::max(options_.record_every, 1) == 0;
  if (kept) {
    for (double total : sums.gradient)
      record.gradient.push_back(total / static_cast<double>(rows));
    history_.records.push_back(std::move(record));
  }
  return true;
}

bool Trainer::run_batch(int epoch, std::span<const size_t> rows,
                        Sums& epoch_sums) {
  Sums batch;
  batch.gradient.assign(parameters_.size(), 0.0);
  for (size_t row : rows) {
    if (!present(epoch, row, batch))
      return false;
  }
  epoch_sums.loss += batch.loss;
  for (size_t i = 0; i < batch.gradient.size(); ++i)
    epoch_sums.gradient[i] += batch.gradient[i];
  return step(epoch, batch);
}

// The forward and backward pass of one sample, added to the batch's sums.
bool Trainer::present(int epoch, size_t row, Sums& batch) {
  std::vector<LeafValue> leaves =
      sample_leaves(data_, setup_, row, parameters_);
  Trace trace = evaluate(model_, leaves);
  const Graph& graph = model_.graph;
  double loss = trace.values[trace.output];
  if (!std::isfinite(loss)) {
    Diagnostic error{Severity::Error,
                     std::nullopt,
                     fmt::format("training stopped in epoch {}: the loss '{}' "
                                 "is {} for the sample at {}",
                                 epoch, graph.name(trace.output), spelled(loss),
                                 row_place(data_, row)),
                     {}};
    stop(epoch, error.with_note(value_origin(trace)));
    return false;
  }

  std::vector<double> gradient;
  for (NodeId parameter : setup_.parameters)
    gradient.push_back(trace.bars[parameter]);
  for (size_t i = 0; i < gradient.size(); ++i) {
    if (std::isfinite(gradient[i]))
      continue;
    Diagnostic error{
        Severity::Error,
        std::nullopt,
        fmt::format("training stopped in epoch {}: the gradient of '{}' is {} "
                    "for the sample at {}",
                    epoch, graph.name(setup_.parameters[i]),
                    spelled(gradient[i]), row_place(data_, row)),
        {}};
    stop(epoch, error.with_note(bar_origin(trace)));
    return false;
  }

  batch.loss += loss;
  ++batch.samples;
  for (size_t i = 0; i < gradient.size(); ++i)
    batch.gradient[i] += gradient[i];
  if (epoch == 1 && history_.first_step && history_.first_step->before.empty())
    keep_first_step(row, gradient);
  return true;
}

void Trainer::keep_first_step(size_t row, const std::vector<double>& gradient) {
  history_.first_step->rows.push_back(row);
  history_.first_step->gradients.push_back(gradient);
}

// w <- w - learning_rate * (the batch's mean bar of w)
bool Trainer::step(int epoch, const Sums& batch) {
  const auto count = static_cast<double>(batch.samples);
  std::vector<double> mean;
  for (double total : batch.gradient)
    mean.push_back(total / count);
  std::vector<double> before = parameters_;
  for (size_t i = 0; i < parameters_.size(); ++i) {
    parameters_[i] -= options_.learning_rate * mean[i];
    if (std::isfinite(parameters_[i]))
      continue;
    stop(epoch,
         Diagnostic{Severity::Error,
                    std::nullopt,
                    fmt::format("training stopped in epoch {}: the step made "
                                "'{}' {} (from {} with a mean gradient of {})",
                                epoch, model_.graph.name(setup_.parameters[i]),
                                spelled(parameters_[i]), before[i], mean[i]),
                    {}});
    return false;
  }
  FirstStep* first = history_.first_step ? &*history_.first_step : nullptr;
  if (first && first->before.empty()) {
    first->mean_gradient = std::move(mean);
    first->before = std::move(before);
    first->after = parameters_;
  }
  return true;
}

void Trainer::stop(int epoch, Diagnostic diagnostic) {
  history_.divergence = Divergence{epoch, std::move(diagnostic), {}};
}

}  // namespace

TrainingSetup plan_training(const Model& model, const CsvTable& data,
                            const std::vector<std::string>& const_names) {
  const Graph& graph = model.graph;
  TrainingSetup setup;
  std::vector<bool> from_data(graph.size(), false);
  for (size_t column = 0; column < data.column_count(); ++column) {
    NodeId leaf = column_leaf(graph, data, column);
    setup.columns.push_back(leaf);
    from_data[leaf] = true;
  }
  std::vector<bool> held(graph.size(), false);
  for (NodeId node = 0; node < graph.size(); ++node)
    held[node] = graph.statement(node).is_const;
  for (const std::string& name : const_names)
    held[const_leaf(graph, name)] = true;

  std::vector<bool> used = ancestors_of(graph, graph.output);
  for (NodeId node = 0; node < graph.size(); ++node) {
    const Statement& statement = graph.statement(node);
    if (!statement.is_leaf || from_data[node])
      continue;
    if (held[node]) {
      setup.fixed.push_back(node);
    } else if (used[node]) {
      setup.parameters.push_back(node);
      setup.initial.push_back(
          evaluate(graph.program.exprs, statement.value, {}));
    }
  }
  if (setup.parameters.empty()) {
    throw Failure(fmt::format(
        "nothing to learn: every leaf that '{}' depends on is a column of "
        "'{}' or held fixed",
        graph.name(graph.output), data.source->path()));
  }
  return setup;
}

History train(const Model& model, const CsvTable& data,
              const TrainingSetup& setup, const TrainOptions& options,
              const EpochCallback& on_epoch) {
  return Trainer(model, data, setup, options, on_epoch).run();
}

std::vector<LeafValue> sample_leaves(const CsvTable& data,
                                     const TrainingSetup& setup, size_t row,
                                     std::span<const double> parameters) {
  std::vector<LeafValue> leaves;
  leaves.reserve(setup.columns.size() + setup.parameters.size());
  for (size_t column = 0; column < setup.columns.size(); ++column)
    leaves.push_back({setup.columns[column], data.at(row, column)});
  for (size_t i = 0; i < setup.parameters.size(); ++i)
    leaves.push_back({setup.parameters[i], parameters[i]});
  return leaves;
}

std::vector<std::vector<double>> values_by_row(
    const Model& model, const CsvTable& data, const TrainingSetup& setup,
    std::span<const double> parameters) {
  std::vector<std::vector<double>> values;
  for (size_t row = 0; row < data.row_count(); ++row) {
    std::vector<LeafValue> leaves = sample_leaves(data, setup, row, parameters);
    values.push_back(evaluate(model, leaves).values);
  }
  return values;
}

}  // namespace backprop
