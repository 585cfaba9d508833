// `backprop-trace FILE`: the trace of one model, as text or JSON.
#include <charconv>
#include <cstdio>
#include <iostream>
#include <memory>

#include "backprop/check.hpp"
#include "backprop/evaluate.hpp"
#include "backprop/output_file.hpp"
#include "backprop/render_json.hpp"
#include "backprop/render_text.hpp"
#include "cli/cli.hpp"

namespace backprop::cli {
namespace {

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

std::string check_precision(const std::string& text) {
  int digits = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, digits);
  if (error == std::errc() && ptr == end && digits >= 1 && digits <= 17)
    return "";
  return fmt::format("expected a number of digits from 1 to 17 but found '{}'",
                     text);
}

void print_warnings(const Trace& trace) {
  for (const Warning& warning : trace.warnings) {
    std::cerr << render(Diagnostic::warning(warning.span, warning.message),
                        &trace.graph().source());
  }
}

// Renders into `out`; returns whether every check passed.
bool render(const Trace& trace, const Options& options, std::FILE* out) {
  Sink sink(out);
  std::vector<LeafCheck> checks;
  bool passed = true;
  if (options.check) {
    checks = check_gradients(trace, options.tolerance);
    for (const LeafCheck& check : checks)
      passed &= check.passed;
  }
  TextOptions text{options.ascii ? Style::Ascii : Style::Unicode,
                   options.precision};
  if (options.format == "json") {
    JsonOptions json{options.answer_key, options.check ? &checks : nullptr};
    render_json(trace, json, sink);
    return passed;
  }
  if (options.answer_key) {
    render_answer_key(trace, text, sink);
  } else {
    render_text(trace, text, sink);
  }
  if (options.check) {
    render_checks(trace, checks, options.tolerance, text, sink);
  }
  if (!sink.flush()) {
    throw Failure(std::string("cannot write the output"));
  }
  return passed;
}

int run(const Options& options) {
  ModelOptions model_options;
  for (const std::string& set : options.sets) {
    model_options.sets.push_back(*parse_set(set));
  }
  if (!options.output.empty())
    model_options.output = options.output;
  model_options.symbolic = !options.answer_key;

  std::shared_ptr<const SourceFile> source;
  try {
    source = std::make_shared<const SourceFile>(read_source(options.file));
    Model model = load_model(source, model_options);
    Trace trace = evaluate(model);
    if (options.format == "text")
      print_warnings(trace);

    bool passed;
    if (options.write_to.empty()) {
      passed = render(trace, options, stdout);
      if (std::fflush(stdout) != 0) {
        throw Failure(std::string("cannot write to standard output"));
      }
    } else {
      AtomicFile file(options.write_to);
      passed = render(trace, options, file.stream());
      file.commit();
    }
    return passed ? kSuccess : kCheckFailed;
  } catch (const Failure& failure) {
    print_diagnostics(failure, source.get());
    return kBadInput;
  }
}

}  // namespace

int trace_main(int argc, char** argv) {
  Options options;
  CLI::App app{
      "Traces backpropagation through a model written as expressions: the\n"
      "forward values, then every backward message in bar notation.",
      "backprop-trace"};
  app.footer(kFooter);
  app.set_version_flag("--version",
                       std::string("backprop-trace ") + BACKPROP_VERSION);
  app.add_option("file", options.file, "The model; - reads standard input")
      ->required();
  app.add_option("--format", options.format, "Output format")
      ->type_name("FORMAT")
      ->check(one_of({"text", "json"}))
      ->capture_default_str();
  app.add_flag("--ascii", options.ascii,
               "Plain ASCII instead of Unicode (wbar for the bar of w)");
  app.add_option("--precision", options.precision,
                 "Significant digits of the numbers in the text trace")
      ->check(CLI::Validator(check_precision, "1 to 17"))
      ->capture_default_str();
  app.add_option("--set", options.sets,
                 "Give a leaf a value, overriding the file (repeatable)")
      ->type_name("NAME=VALUE")
      ->check(check_set);
  app.add_option("--output", options.output,
                 "The node to differentiate (default: the last statement)")
      ->type_name("NAME");
  app.add_option("-o", options.write_to,
                 "Write to FILE, atomically, instead of standard output")
      ->type_name("FILE");
  app.add_flag("--check", options.check,
               "Check every leaf's gradient by central finite differences");
  app.add_option("--tol", options.tolerance, "Tolerance of --check")
      ->check(CLI::Validator(check_positive, "positive"))
      ->capture_default_str();
  app.add_flag("--answer-key", options.answer_key,
               "Only the values and gradients, without the step-by-step "
               "trace; fast on large models");

  if (std::optional<int> code = parse_command_line(app, argc, argv)) {
    return *code;
  }
  return run(options);
}

}  // namespace backprop::cli
