// `backprop-trace train MODEL DATA`: gradient descent over a CSV table, as a
// class sees it (text) or a program reads it (JSON).
#include <charconv>
#include <cstdio>
#include <iostream>
#include <memory>

#include "backprop/output_file.hpp"
#include "backprop/plot.hpp"
#include "backprop/render_train.hpp"
#include "cli/cli.hpp"
#include "cli/progress.hpp"

namespace backprop::cli {
namespace {

constexpr const char* kFooter =
    R"(The CSV's header names leaves of the model (inputs and labels); every other
leaf that the output depends on is learned, unless the file marks it
`const` or --const names it. Each epoch runs the forward and backward pass
of every row, averages each parameter's bar, and steps w <- w - lr*wbar.

Examples (from the repository's root):
  backprop-trace train graphs/xor_two_layer.expr graphs/xor.csv --lr 1
      --epochs 500 --show y
  backprop-trace train graphs/xor_single_neuron.expr graphs/xor.csv --lr 1
      --epochs 500 --show y
  backprop-trace train --trace-first --epochs 1 graphs/xor_two_layer.expr
      graphs/xor.csv
  backprop-trace train --batch 1 --shuffle --seed 7 --lr 0.5 --epochs 300
      --plot loss.svg --save learned.expr graphs/xor_two_layer.expr
      graphs/xor.csv

Exit codes: 0 success, 1 the input is wrong or training diverged, 2 the
command line is wrong.)";

struct Options {
  std::vector<std::string> files;  // the model, then the data
  double learning_rate = 0.1;
  int epochs = 100;
  size_t batch = 0;
  bool shuffle = false;
  uint64_t seed = 1;
  int every = 0;  // 0: about ten rows of text, every epoch in JSON
  std::vector<std::string> consts;
  std::vector<std::string> sets;
  std::vector<std::string> shown;
  std::string output;
  bool trace_first = false;
  std::string plot;
  std::string save;
  std::string format = "text";
  bool ascii = false;
  int precision = 4;
};

// A validator for a whole number from `low` up.
CLI::Validator at_least(long long low) {
  auto check = [low](const std::string& text) -> std::string {
    long long number = 0;
    const char* end = text.data() + text.size();
    auto [ptr, error] = std::from_chars(text.data(), end, number);
    if (error == std::errc() && ptr == end && number >= low)
      return "";
    return fmt::format("expected a whole number from {} up but found '{}'", low,
                       text);
  };
  return CLI::Validator(check, fmt::format("at least {}", low));
}

// A command-line error found after parsing, in the layout of the others.
int command_line_error(std::string message) {
  Diagnostic diagnostic{Severity::Error, std::nullopt, std::move(message), {}};
  diagnostic.with_note({Severity::Note,
                        std::nullopt,
                        "'backprop-trace train --help' lists the options",
                        {}});
  std::cerr << render(diagnostic, nullptr);
  return kBadCommandLine;
}

std::optional<int> check_files(const Options& options) {
  const std::vector<std::string>& files = options.files;
  if (files.empty()) {
    return command_line_error(
        "no model file given; write 'backprop-trace train MODEL DATA'");
  }
  if (files.size() == 1) {
    return command_line_error(fmt::format(
        "no data file given; name a CSV file after '{}'", files[0]));
  }
  if (files.size() > 2) {
    return command_line_error(fmt::format(
        "unexpected argument '{}'; give a model file and a data file",
        files[2]));
  }
  if (files[0] == "-" && files[1] == "-") {
    return command_line_error(
        "the model and the data cannot both come from standard input");
  }
  return std::nullopt;
}

// Splits "a,b" and repeated options into names.
std::vector<std::string> split_names(const std::vector<std::string>& lists) {
  std::vector<std::string> names;
  for (const std::string& list : lists) {
    size_t start = 0;
    while (start <= list.size()) {
      size_t comma = std::min(list.find(',', start), list.size());
      if (comma > start)
        names.push_back(list.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return names;
}

std::vector<NodeId> find_shown(const Graph& graph,
                               const std::vector<std::string>& names) {
  std::vector<NodeId> nodes;
  for (const std::string& name : names) {
    std::optional<NodeId> node = graph.find(name);
    if (!node) {
      std::vector<std::string> close = nearest_names(name, graph.names());
      std::string hint =
          close.empty() ? "" : fmt::format("; did you mean '{}'?", close[0]);
      throw Failure(
          fmt::format("--show names '{}', which '{}' does not "
                      "assign{}",
                      name, graph.source().path(), hint));
    }
    nodes.push_back(*node);
  }
  return nodes;
}

// Writes a file atomically with `write`, which renders into a sink.
template <typename Write>
void write_file(const std::string& path, Write write) {
  AtomicFile file(path);
  {
    Sink sink(file.stream());
    write(sink);
  }
  file.commit();
}

// The inputs of a run, loaded and checked.
struct Inputs {
  std::shared_ptr<const SourceFile> model_source;
  std::shared_ptr<const SourceFile> data_source;
  ModelOptions model_options;
  Model model;
  CsvTable data;
  TrainingSetup setup;
  std::vector<NodeId> shown;
};

// Loads the model, then the data; prints the diagnostics of a failure with
// the file they speak of and returns false.
bool load(const Options& options, Inputs& inputs) {
  for (const std::string& set : options.sets)
    inputs.model_options.sets.push_back(*parse_set(set));
  if (!options.output.empty())
    inputs.model_options.output = options.output;
  inputs.model_options.symbolic = false;
  try {
    inputs.model_source =
        std::make_shared<const SourceFile>(read_source(options.files[0]));
    inputs.model = load_model(inputs.model_source, inputs.model_options);
    inputs.shown = find_shown(inputs.model.graph, split_names(options.shown));
  } catch (const Failure& failure) {
    print_diagnostics(failure, inputs.model_source.get());
    return false;
  }
  try {
    inputs.data_source =
        std::make_shared<const SourceFile>(read_source(options.files[1]));
    inputs.data = parse_csv(inputs.data_source);
    inputs.setup =
        plan_training(inputs.model, inputs.data, split_names(options.consts));
  } catch (const Failure& failure) {
    print_diagnostics(failure, inputs.data_source.get());
    return false;
  }
  return true;
}

// The symbolic trace of the first sample: the model loaded again with the
// sample's cells as its leaves' values, marked as data rather than --set.
std::unique_ptr<Model> first_sample_model(const Inputs& inputs,
                                          const History& history) {
  ModelOptions options = inputs.model_options;
  options.symbolic = true;
  size_t row = history.first_step->rows.front();
  for (size_t column = 0; column < inputs.setup.columns.size(); ++column) {
    std::string name(inputs.model.graph.name(inputs.setup.columns[column]));
    options.sets.emplace_back(name, inputs.data.at(row, column));
  }
  auto model =
      std::make_unique<Model>(load_model(inputs.model_source, options));
  for (NodeId column : inputs.setup.columns)
    model->set_on_command_line[column] = false;
  return model;
}

TrainOptions train_options(const Options& options) {
  TrainOptions train;
  train.learning_rate = options.learning_rate;
  train.epochs = options.epochs;
  train.batch = options.batch;
  train.shuffle = options.shuffle;
  train.seed = options.seed;
  int every = options.every;
  if (every == 0)
    every =
        options.format == "json" ? 1 : std::max(1, (options.epochs + 9) / 10);
  train.record_every = every;
  train.keep_first_step = true;
  return train;
}

// After a divergence: saves what was learned if asked, and says where the
// run stopped.
int report_divergence(const Options& options, const TrainingRun& run) {
  const Divergence& divergence = *run.history->divergence;
  std::cerr << render(divergence.diagnostic,
                      run.model->graph.program.source.get());
  if (options.save.empty())
    return kBadInput;
  try {
    write_file(options.save, [&](Sink& sink) { render_parameters(run, sink); });
  } catch (const Failure& failure) {
    print_diagnostics(failure, nullptr);
    return kBadInput;
  }
  std::string held =
      divergence.epoch == 1
          ? fmt::format("'{}' holds the initial parameters", options.save)
          : fmt::format(
                "'{}' holds the parameters that epoch {} started "
                "from, the last epoch run to the end",
                options.save, divergence.epoch - 1);
  Diagnostic note{Severity::Note, std::nullopt, std::move(held), {}};
  std::cerr << render(note, nullptr);
  return kBadInput;
}

std::string report(const Options& options, const TrainingRun& run) {
  std::string text;
  Sink sink(text);
  if (options.format == "json") {
    render_training_json(run, sink);
  } else {
    TextOptions style{options.ascii ? Style::Ascii : Style::Unicode,
                      options.precision};
    render_training_text(run, style, sink);
  }
  sink.flush();
  return text;
}

int run(const Options& options) {
  Inputs inputs;
  if (!load(options, inputs))
    return kBadInput;
  TrainOptions train_settings = train_options(options);
  History history;
  {
    ProgressBar progress(options.epochs);
    history =
        train(inputs.model, inputs.data, inputs.setup, train_settings,
              [&](int epoch, double loss) { progress.update(epoch, loss); });
  }
  TrainingRun run{&inputs.model, &inputs.data, &inputs.setup, &train_settings,
                  &history,      {},           inputs.shown};
  if (history.divergence)
    return report_divergence(options, run);

  run.final_values = values_by_row(inputs.model, inputs.data, inputs.setup,
                                   history.parameters);
  std::unique_ptr<Model> first_model;
  Trace first_trace;
  try {
    if (options.trace_first) {
      first_model = first_sample_model(inputs, history);
      first_trace = evaluate(*first_model);
      run.first_trace = &first_trace;
    }
    std::string text = report(options, run);
    if (!options.plot.empty()) {
      SvgPlotOptions plot{
          fmt::format("{} on {}", inputs.model_source->path(),
                      inputs.data_source->path()),
          "epoch",
          fmt::format("mean {}",
                      inputs.model.graph.name(inputs.model.graph.output))};
      write_file(options.plot, [&](Sink& sink) {
        write_svg_plot(history.losses, plot, sink);
      });
    }
    if (!options.save.empty()) {
      write_file(options.save,
                 [&](Sink& sink) { render_parameters(run, sink); });
    }
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (std::fflush(stdout) != 0)
      throw Failure(std::string("cannot write to standard output"));
  } catch (const Failure& failure) {
    print_diagnostics(failure, nullptr);
    return kBadInput;
  }
  return kSuccess;
}

void add_options(CLI::App& app, Options& options) {
  app.add_option("files", options.files, "The model, then the data (CSV)")
      ->type_name("MODEL DATA");
  app.add_option("--lr", options.learning_rate, "The learning rate")
      ->type_name("X")
      ->check(CLI::Validator(check_positive, "positive"))
      ->capture_default_str();
  app.add_option("--epochs", options.epochs, "Passes over the data")
      ->type_name("N")
      ->check(at_least(1))
      ->capture_default_str();
  app.add_option("--batch", options.batch,
                 "Rows per step (default: all of them, the full batch)")
      ->type_name("N")
      ->check(at_least(1));
  CLI::Option* shuffle =
      app.add_flag("--shuffle", options.shuffle,
                   "Present the rows in a new order each epoch");
  app.add_option("--seed", options.seed, "The seed of --shuffle")
      ->type_name("S")
      ->needs(shuffle)
      ->capture_default_str();
  app.add_option("--every", options.every,
                 "Report every Kth epoch (default: ten rows of text, every "
                 "epoch in JSON)")
      ->type_name("K")
      ->check(at_least(1));
  app.add_option("--const", options.consts,
                 "Hold these leaves fixed (comma-separated; repeatable)")
      ->type_name("NAMES");
  app.add_option("--set", options.sets,
                 "Give a leaf a value, overriding the file (repeatable)")
      ->type_name("NAME=VALUE")
      ->check(check_set);
  app.add_option("--output", options.output,
                 "The loss (default: the last statement)")
      ->type_name("NAME");
  app.add_option("--show", options.shown,
                 "Nodes to show for each row after training (comma-separated)")
      ->type_name("NAMES");
  app.add_flag("--trace-first", options.trace_first,
               "Write out the trace of the first sample and the first step");
  app.add_option("--plot", options.plot, "Draw the loss curve as an SVG file")
      ->type_name("FILE.svg");
  app.add_option("--save", options.save,
                 "Write the learned parameters as statements to FILE")
      ->type_name("FILE");
  app.add_option("--format", options.format, "Output format")
      ->type_name("FORMAT")
      ->check(one_of({"text", "json"}))
      ->capture_default_str();
  app.add_flag("--ascii", options.ascii, "Plain ASCII instead of Unicode");
  app.add_option("--precision", options.precision,
                 "Significant digits of the numbers in the text")
      ->check(CLI::Range(1, 17))
      ->capture_default_str();
}

}  // namespace

int train_main(int argc, char** argv) {
  Options options;
  CLI::App app{
      "Trains a model's parameters by gradient descent on the rows of a CSV "
      "file,\nwith backprop giving each row's gradient.",
      "backprop-trace train"};
  app.footer(kFooter);
  add_options(app, options);
  if (std::optional<int> code = parse_command_line(app, argc, argv))
    return *code;
  if (std::optional<int> code = check_files(options))
    return *code;
  return run(options);
}

}  // namespace backprop::cli
