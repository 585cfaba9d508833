// backprop-trace: the command line. It parses options, runs the library and
// maps the outcome to an exit code; all the work is in the library.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include "backprop/check.hpp"
#include "backprop/diagnostic.hpp"
#include "backprop/evaluate.hpp"
#include "backprop/output_file.hpp"
#include "backprop/render_json.hpp"
#include "backprop/render_text.hpp"

namespace {

enum ExitCode : int {
  kSuccess = 0,
  kBadInput = 1,
  kBadCommandLine = 2,
  kCheckFailed = 3,
};

constexpr const char* kFooter = R"(Examples:
  backprop-trace graphs/logistic_regression.expr
  backprop-trace --set w=0.5 --set x=2 --precision 4 model.expr
  backprop-trace --format json -o trace.json model.expr
  backprop-trace --check model.expr

Exit codes: 0 success, 1 the input is wrong, 2 the command line is wrong,
3 a gradient failed --check.)";

struct Options {
  std::string file;
  std::string format = "text";
  bool ascii = false;
  int precision = 6;
  std::vector<std::string> sets;
  std::string output;
  std::string write_to;
  bool check = false;
  double tolerance = 1e-6;
  bool answer_key = false;
};

// Parses `name=value`; nullopt when malformed.
std::optional<std::pair<std::string, double>> parse_set(
    const std::string& text) {
  size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0)
    return std::nullopt;
  std::string value = text.substr(equals + 1);
  double number = 0;
  const char* end = value.data() + value.size();
  auto [ptr, error] = std::from_chars(value.data(), end, number);
  if (error != std::errc() || ptr != end || value.empty())
    return std::nullopt;
  return std::make_pair(text.substr(0, equals), number);
}

void print_diagnostics(const backprop::Failure& failure,
                       const backprop::SourceFile* source) {
  for (const backprop::Diagnostic& diagnostic : failure.diagnostics()) {
    std::cerr << backprop::render(diagnostic, source);
  }
}

void print_warnings(const backprop::Trace& trace) {
  for (const backprop::Warning& warning : trace.warnings) {
    std::cerr << backprop::render(
        backprop::Diagnostic::warning(warning.span, warning.message),
        &trace.graph().source());
  }
}

// Renders into `out`; returns whether every check passed.
bool render(const backprop::Trace& trace, const Options& options,
            std::FILE* out) {
  backprop::Sink sink(out);
  std::vector<backprop::LeafCheck> checks;
  bool passed = true;
  if (options.check) {
    checks = backprop::check_gradients(trace, options.tolerance);
    for (const backprop::LeafCheck& check : checks)
      passed &= check.passed;
  }
  backprop::TextOptions text{
      options.ascii ? backprop::Style::Ascii : backprop::Style::Unicode,
      options.precision};
  if (options.format == "json") {
    backprop::JsonOptions json{options.answer_key,
                               options.check ? &checks : nullptr};
    backprop::render_json(trace, json, sink);
    return passed;
  }
  if (options.answer_key) {
    backprop::render_answer_key(trace, text, sink);
  } else {
    backprop::render_text(trace, text, sink);
  }
  if (options.check) {
    backprop::render_checks(trace, checks, options.tolerance, text, sink);
  }
  if (!sink.flush()) {
    throw backprop::Failure(std::string("cannot write the output"));
  }
  return passed;
}

int run(const Options& options) {
  backprop::ModelOptions model_options;
  for (const std::string& set : options.sets) {
    model_options.sets.push_back(*parse_set(set));
  }
  if (!options.output.empty())
    model_options.output = options.output;
  model_options.symbolic = !options.answer_key;

  std::shared_ptr<const backprop::SourceFile> source;
  try {
    source = std::make_shared<const backprop::SourceFile>(
        backprop::read_source(options.file));
    backprop::Model model = backprop::load_model(source, model_options);
    backprop::Trace trace = backprop::evaluate(model);
    if (options.format == "text")
      print_warnings(trace);

    bool passed;
    if (options.write_to.empty()) {
      passed = render(trace, options, stdout);
      if (std::fflush(stdout) != 0) {
        throw backprop::Failure(std::string("cannot write to standard output"));
      }
    } else {
      backprop::AtomicFile file(options.write_to);
      passed = render(trace, options, file.stream());
      file.commit();
    }
    return passed ? kSuccess : kCheckFailed;
  } catch (const backprop::Failure& failure) {
    print_diagnostics(failure, source.get());
    return kBadInput;
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{
      "Traces backpropagation through a model written as expressions: the\n"
      "forward values, then every backward message in bar notation."};
  app.footer(kFooter);
  app.set_version_flag("--version",
                       std::string("backprop-trace ") + BACKPROP_VERSION);
  app.add_option("file", options.file, "The model; - reads standard input")
      ->required();
  app.add_option("--format", options.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_flag("--ascii", options.ascii,
               "Plain ASCII instead of Unicode (wbar for the bar of w)");
  app.add_option("--precision", options.precision,
                 "Significant digits of the numbers in the text trace")
      ->check(CLI::Range(1, 17))
      ->capture_default_str();
  app.add_option("--set", options.sets,
                 "Give a leaf a value, overriding the file (repeatable)")
      ->type_name("NAME=VALUE")
      ->check([](const std::string& text) {
        return parse_set(text) ? std::string()
                               : "expected NAME=VALUE, as in --set x=1.5";
      });
  app.add_option("--output", options.output,
                 "The node to differentiate (default: the last statement)")
      ->type_name("NAME");
  app.add_option("-o", options.write_to,
                 "Write to FILE, atomically, instead of standard output")
      ->type_name("FILE");
  app.add_flag("--check", options.check,
               "Check every leaf's gradient by central finite differences");
  app.add_option("--tol", options.tolerance, "Tolerance of --check")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("--answer-key", options.answer_key,
               "Only the values and gradients, without the step-by-step "
               "trace; fast on large models");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? kSuccess : kBadCommandLine;
  }
  return run(options);
}
