// Reports of a training run: the text a class reads, the JSON a program
// reads, and the learned parameters as statements.
#include "backprop/render_train.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <numeric>

#include "backprop/plot.hpp"
#include "backprop/render_json.hpp"

namespace backprop {
namespace {

constexpr size_t kLineWidth = 80;
constexpr size_t kMaxRowsShown = 20;  // a table longer than this is left out
constexpr size_t kTermsShown = 6;     // a longer mean is written with "..."
constexpr std::string_view kGutter = "  ";

std::string pad_right(const std::string& text, size_t width) {
  size_t shown = display_width(text);
  return shown >= width ? text : text + std::string(width - shown, ' ');
}

std::string pad_left(const std::string& text, size_t width) {
  size_t shown = display_width(text);
  return shown >= width ? text : std::string(width - shown, ' ') + text;
}

// A table of right-aligned numbers under left-aligned headings.
struct Table {
  std::vector<std::string> headings;
  std::vector<std::vector<std::string>> rows;
};

std::vector<size_t> column_widths(const Table& table) {
  std::vector<size_t> widths;
  for (const std::string& heading : table.headings)
    widths.push_back(display_width(heading));
  for (const auto& row : table.rows) {
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));
  }
  return widths;
}

// One line of a table: two spaces before each cell.
std::string table_line(const std::vector<std::string>& cells,
                       const std::vector<size_t>& widths) {
  std::string line;
  for (size_t i = 0; i < widths.size(); ++i) {
    line += kGutter;
    line += pad_left(cells[i], widths[i]);
  }
  return line;
}

void write_table(const Table& table, Sink& out) {
  std::vector<size_t> widths = column_widths(table);
  out.print("{}\n", table_line(table.headings, widths));
  for (const auto& row : table.rows)
    out.print("{}\n", table_line(row, widths));
}

// Splits a table whose first `keep` columns label its rows into tables
// that each fit the line width, repeating those columns in each.
std::vector<Table> split_to_fit(const Table& table, size_t keep) {
  std::vector<size_t> widths = column_widths(table);
  size_t label_width = 0;
  for (size_t i = 0; i < keep; ++i)
    label_width += kGutter.size() + widths[i];
  std::vector<Table> parts;
  size_t used = kLineWidth;
  for (size_t column = keep; column < widths.size(); ++column) {
    size_t needed = kGutter.size() + widths[column];
    if (used + needed > kLineWidth) {
      Table part;
      part.headings.assign(table.headings.begin(),
                           table.headings.begin() + keep);
      for (const auto& row : table.rows)
        part.rows.emplace_back(row.begin(), row.begin() + keep);
      parts.push_back(std::move(part));
      used = label_width;
    }
    parts.back().headings.push_back(table.headings[column]);
    for (size_t row = 0; row < table.rows.size(); ++row)
      parts.back().rows[row].push_back(table.rows[row][column]);
    used += needed;
  }
  if (parts.empty())
    parts.push_back(table);
  return parts;
}

class TextReport {
 public:
  TextReport(const TrainingRun& run, const TextOptions& options, Sink& out)
      : run_(run),
        graph_(run.model->graph),
        setup_(*run.setup),
        history_(*run.history),
        options_(options),
        out_(out) {}

  void render();

 private:
  std::string name(NodeId node) const {
    return spell_name(graph_.name(node), options_.style);
  }
  std::string bar(NodeId node) const {
    return spell_bar(graph_.name(node), options_.style);
  }
  std::string value(double v) const {
    return spell_value(v, options_.precision, options_.style);
  }
  bool unicode() const { return options_.style == Style::Unicode; }
  std::string rate() const { return unicode() ? "\u03b7" : "lr"; }
  std::string names(const std::vector<NodeId>& nodes) const;
  std::string method() const;
  std::string update_rule() const;
  std::string cells_of(size_t row) const;

  void header();
  void first_sample();
  void first_step();
  std::string mean_of(size_t parameter) const;
  std::string update_of(size_t parameter) const;
  void epochs();
  void curve();
  void learned();
  void rows();

  const TrainingRun& run_;
  const Graph& graph_;
  const TrainingSetup& setup_;
  const History& history_;
  const TextOptions& options_;
  Sink& out_;
};

void TextReport::render() {
  header();
  if (run_.first_trace) {
    first_sample();
    first_step();
  }
  epochs();
  curve();
  learned();
  rows();
}

std::string TextReport::names(const std::vector<NodeId>& nodes) const {
  std::vector<std::string> spelled;
  for (NodeId node : nodes)
    spelled.push_back(name(node));
  return fmt::format("{}", fmt::join(spelled, ", "));
}

// "full-batch gradient descent, η = 0.5, 100 epochs"
std::string TextReport::method() const {
  const TrainOptions& options = *run_.options;
  const size_t rows = run_.data->row_count();
  std::string how = "full-batch gradient descent";
  if (options.batch > 0 && options.batch < rows) {
    how = fmt::format("gradient descent in batches of {}", options.batch);
  }
  if (options.shuffle)
    how += fmt::format(", shuffled with seed {}", options.seed);
  return fmt::format("{}, {} = {}, {} epoch{}", how, rate(),
                     value(options.learning_rate), options.epochs,
                     options.epochs == 1 ? "" : "s");
}

void TextReport::header() {
  const CsvTable& data = *run_.data;
  out_.print("Training {} on {}\n", graph_.source().path(),
             data.source->path());
  out_.print("  data:      {} ({} row{})\n", names(setup_.columns),
             data.row_count(), data.row_count() == 1 ? "" : "s");
  out_.print("  learns:    {}\n", names(setup_.parameters));
  if (!setup_.fixed.empty())
    out_.print("  fixed:     {}\n", names(setup_.fixed));
  out_.print("  minimises: the mean of {} over the rows\n",
             name(graph_.output));
  out_.print("  by:        {}\n\n", method());
}

// "x₁ = 0, x₂ = 1, t = 1"
std::string TextReport::cells_of(size_t row) const {
  std::vector<std::string> cells;
  for (size_t column = 0; column < setup_.columns.size(); ++column) {
    cells.push_back(fmt::format("{} = {}", name(setup_.columns[column]),
                                value(run_.data->at(row, column))));
  }
  return fmt::format("{}", fmt::join(cells, ", "));
}

void TextReport::first_sample() {
  size_t row = history_.first_step->rows.front();
  out_.print("The first sample of epoch 1: {} ({})\n\n",
             row_place(*run_.data, row), cells_of(row));
  render_text(*run_.first_trace, options_, out_);
  out_.print("\n");
}

// The right side of a mean bar: "(0.1 + (−0.2) + 0.3)/3 = 0.0667", with
// "…" for the middle terms of a large batch.
std::string TextReport::mean_of(size_t parameter) const {
  const FirstStep& step = *history_.first_step;
  const size_t count = step.rows.size();
  std::string mean = value(step.mean_gradient[parameter]);
  if (count == 1)
    return mean;
  std::vector<std::string> terms;
  for (size_t i = 0; i < count; ++i) {
    if (count > kTermsShown && i == kTermsShown - 2) {
      terms.push_back(unicode() ? "\u2026" : "...");
      i = count - 1;
    }
    std::string term = value(step.gradients[i][parameter]);
    if (step.gradients[i][parameter] < 0 && !terms.empty())
      term = "(" + term + ")";
    terms.push_back(term);
  }
  return fmt::format("({})/{} = {}", fmt::join(terms, " + "), count, mean);
}

// The right side of an update: "w − η·w̅ = 0.8 − 1·0.09762 = 0.7024".
std::string TextReport::update_of(size_t parameter) const {
  const FirstStep& step = *history_.first_step;
  NodeId node = setup_.parameters[parameter];
  std::string minus = unicode() ? "\u2212" : "-";
  std::string times = unicode() ? "\u00b7" : "*";
  std::string mean = value(step.mean_gradient[parameter]);
  if (step.mean_gradient[parameter] < 0)
    mean = "(" + mean + ")";
  return fmt::format(
      "{0} {1} {2}{3}{4} = {5} {1} {6}{3}{7} = {8}", name(node), minus, rate(),
      times, bar(node), value(step.before[parameter]),
      value(run_.options->learning_rate), mean, value(step.after[parameter]));
}

// "w ← w − η·w̅", or "w <- w - lr*wbar" in ASCII.
std::string TextReport::update_rule() const {
  if (unicode()) {
    return fmt::format("w \u2190 w \u2212 {}\u00b7{}", rate(),
                       spell_bar("w", options_.style));
  }
  return fmt::format("w <- w - {}*{}", rate(), spell_bar("w", options_.style));
}

void TextReport::first_step() {
  const FirstStep& step = *history_.first_step;
  const size_t count = step.rows.size();
  if (count == 1) {
    out_.print("The first step: this sample's bars, then {}\n", update_rule());
  } else {
    out_.print(
        "The first step: each bar's mean over the {} samples of the first "
        "batch, then {}\n",
        count, update_rule());
  }
  size_t bar_width = 0;
  size_t name_width = 0;
  for (NodeId parameter : setup_.parameters) {
    bar_width = std::max(bar_width, display_width(bar(parameter)));
    name_width = std::max(name_width, display_width(name(parameter)));
  }
  std::string arrow = unicode() ? "\u2190" : "<-";
  for (size_t i = 0; i < setup_.parameters.size(); ++i) {
    out_.print("  {} = {}\n", pad_right(bar(setup_.parameters[i]), bar_width),
               mean_of(i));
  }
  for (size_t i = 0; i < setup_.parameters.size(); ++i) {
    out_.print("  {} {} {}\n",
               pad_right(name(setup_.parameters[i]), name_width), arrow,
               update_of(i));
  }
  out_.print("\n");
}

void TextReport::epochs() {
  Table table;
  table.headings = {"epoch", "mean " + name(graph_.output)};
  for (NodeId parameter : setup_.parameters)
    table.headings.push_back(name(parameter));
  for (const EpochRecord& record : history_.records) {
    std::vector<std::string> row{std::to_string(record.epoch),
                                 value(record.loss)};
    for (double parameter : record.parameters)
      row.push_back(value(parameter));
    table.rows.push_back(std::move(row));
  }
  std::vector<std::string> end{"final", value(final_loss(run_))};
  for (double parameter : history_.parameters)
    end.push_back(value(parameter));
  table.rows.push_back(std::move(end));

  out_.print(
      "Epochs: the mean loss, and the parameters each epoch started "
      "from\n");
  std::vector<Table> parts = split_to_fit(table, 2);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0)
      out_.print("\n");
    write_table(parts[i], out_);
  }
  out_.print("\n");
}

void TextReport::curve() {
  if (history_.losses.size() < 2) {
    out_.print("Loss curve: one epoch, nothing to draw\n\n");
    return;
  }
  out_.print("Loss curve: the mean {} by epoch\n", name(graph_.output));
  CurveOptions options{options_.style, 3};
  out_.write(draw_curve(history_.losses, options));
  out_.print("\n");
}

void TextReport::learned() {
  out_.print("Learned parameters (mean {} = {})\n", name(graph_.output),
             value(final_loss(run_)));
  std::vector<std::string> names;
  std::vector<std::string> values;
  size_t name_width = 0;
  size_t value_width = 0;
  for (size_t i = 0; i < setup_.parameters.size(); ++i) {
    names.push_back(name(setup_.parameters[i]));
    values.push_back(value(history_.parameters[i]));
    name_width = std::max(name_width, display_width(names.back()));
    value_width = std::max(value_width, display_width(values.back()));
  }
  for (size_t i = 0; i < names.size(); ++i) {
    out_.print("  {} = {}  (from {})\n", pad_right(names[i], name_width),
               pad_right(values[i], value_width), value(setup_.initial[i]));
  }
}

// Each row's columns, the shown nodes and the loss, after training.
void TextReport::rows() {
  const CsvTable& data = *run_.data;
  if (data.row_count() > kMaxRowsShown)
    return;
  Table table;
  table.headings = {"line"};
  std::vector<NodeId> nodes = setup_.columns;
  nodes.insert(nodes.end(), run_.shown.begin(), run_.shown.end());
  nodes.push_back(graph_.output);
  for (NodeId node : nodes)
    table.headings.push_back(name(node));
  for (size_t row = 0; row < data.row_count(); ++row) {
    std::vector<std::string> cells{std::to_string(data.line(row))};
    for (NodeId node : nodes)
      cells.push_back(value(run_.final_values[row][node]));
    table.rows.push_back(std::move(cells));
  }
  out_.print("\nAfter training, row by row ({})\n", data.source->path());
  std::vector<Table> parts = split_to_fit(table, 1);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0)
      out_.print("\n");
    write_table(parts[i], out_);
  }
}

// ---- JSON -------------------------------------------------------------------

using Json = nlohmann::ordered_json;

Json by_name(const Graph& graph, const std::vector<NodeId>& nodes,
             const std::vector<double>& values) {
  Json object = Json::object();
  for (size_t i = 0; i < nodes.size(); ++i)
    object[std::string(graph.name(nodes[i]))] = values[i];
  return object;
}

Json names_of(const Graph& graph, const std::vector<NodeId>& nodes) {
  Json array = Json::array();
  for (NodeId node : nodes)
    array.push_back(std::string(graph.name(node)));
  return array;
}

Json first_step_json(const TrainingRun& run) {
  const Graph& graph = run.model->graph;
  const std::vector<NodeId>& parameters = run.setup->parameters;
  const FirstStep& step = *run.history->first_step;
  Json samples = Json::array();
  for (size_t i = 0; i < step.rows.size(); ++i) {
    samples.push_back(
        {{"line", run.data->line(step.rows[i])},
         {"gradient", by_name(graph, parameters, step.gradients[i])}});
  }
  std::string trace;
  {
    Sink sink(trace);
    render_json(*run.first_trace, {}, sink);
  }
  return {{"samples", std::move(samples)},
          {"mean_gradient", by_name(graph, parameters, step.mean_gradient)},
          {"before", by_name(graph, parameters, step.before)},
          {"after", by_name(graph, parameters, step.after)},
          {"trace", Json::parse(trace)}};
}

Json history_json(const TrainingRun& run) {
  const Graph& graph = run.model->graph;
  const std::vector<NodeId>& parameters = run.setup->parameters;
  Json history = Json::array();
  for (const EpochRecord& record : run.history->records) {
    history.push_back(
        {{"epoch", record.epoch},
         {"loss", record.loss},
         {"parameters", by_name(graph, parameters, record.parameters)},
         {"gradient", by_name(graph, parameters, record.gradient)}});
  }
  return history;
}

}  // namespace

double final_loss(const TrainingRun& run) {
  double total = 0;
  NodeId output = run.model->graph.output;
  for (const std::vector<double>& values : run.final_values)
    total += values[output];
  return total / static_cast<double>(run.final_values.size());
}

void render_training_text(const TrainingRun& run, const TextOptions& options,
                          Sink& out) {
  TextReport(run, options, out).render();
}

void render_training_json(const TrainingRun& run, Sink& out) {
  const Graph& graph = run.model->graph;
  const TrainingSetup& setup = *run.setup;
  const TrainOptions& options = *run.options;
  const size_t rows = run.data->row_count();
  Json json = {
      {"schema", kTrainJsonSchema},
      {"model", graph.source().path()},
      {"data", run.data->source->path()},
      {"output", std::string(graph.name(graph.output))},
      {"rows", rows},
      {"columns", names_of(graph, setup.columns)},
      {"parameters", names_of(graph, setup.parameters)},
      {"fixed", names_of(graph, setup.fixed)},
      {"learning_rate", options.learning_rate},
      {"epochs", options.epochs},
      {"batch", options.batch == 0 ? rows : std::min(options.batch, rows)},
      {"shuffle", options.shuffle},
      {"seed", options.seed},
      {"initial", by_name(graph, setup.parameters, setup.initial)},
      {"history", history_json(run)},
      {"losses", run.history->losses},
      {"final",
       {{"loss", final_loss(run)},
        {"parameters",
         by_name(graph, setup.parameters, run.history->parameters)}}}};
  if (run.first_trace)
    json["first_step"] = first_step_json(run);
  out.print("{}\n", json.dump(2, ' ', false, Json::error_handler_t::replace));
}

void render_parameters(const TrainingRun& run, Sink& out) {
  const Graph& graph = run.model->graph;
  const TrainingSetup& setup = *run.setup;
  const History& history = *run.history;
  const std::string_view loss = graph.name(graph.output);
  out.print("# Learned by backprop-trace train from {} and {}\n",
            graph.source().path(), run.data->source->path());
  const std::vector<double>* values = &history.parameters;
  if (history.divergence) {
    const Divergence& stopped = *history.divergence;
    values = &stopped.last_finite;
    out.print("# Training stopped in epoch {}; ", stopped.epoch);
    if (stopped.epoch == 1) {
      out.print("these are the initial parameters.\n");
    } else {
      out.print("these are the parameters that epoch {} started from,\n",
                stopped.epoch - 1);
      out.print("# the last epoch run to the end (its mean {} was {}).\n", loss,
                history.losses.back());
    }
  } else {
    out.print("# after epoch {} of {}", history.losses.size(),
              run.options->epochs);
    if (!run.final_values.empty())
      out.print(", with a mean {} of {}", loss, final_loss(run));
    out.print(".\n");
  }
  out.print(
      "# Paste them over the model's own, or give them to a trace as "
      "--set NAME=VALUE.\n");
  for (size_t i = 0; i < setup.parameters.size(); ++i)
    out.print("{} = {}\n", graph.name(setup.parameters[i]), (*values)[i]);
}

}  // namespace backprop
