// backprop-trace: the command line. It parses options, runs the library and
// maps the outcome to an exit code; all the work is in the library.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
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

// A number as a whole string, with an optional '+' (which from_chars
// refuses); nullopt when malformed.
std::optional<double> parse_number(std::string_view text) {
  if (text.starts_with('+') && text.size() > 1 && text[1] != '-')
    text.remove_prefix(1);
  double number = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, number);
  if (text.empty() || error != std::errc() || ptr != end)
    return std::nullopt;
  return number;
}

// Parses `name=value`; nullopt when malformed.
std::optional<std::pair<std::string, double>> parse_set(
    const std::string& text) {
  size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0)
    return std::nullopt;
  std::optional<double> number = parse_number(text.substr(equals + 1));
  if (!number)
    return std::nullopt;
  return std::make_pair(text.substr(0, equals), *number);
}

// The validators' messages, which CLI11 puts after "--option: ".
std::string check_set(const std::string& text) {
  size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    return fmt::format("expected NAME=VALUE, as in 'x=1.5', but found '{}'",
                       text);
  }
  if (!parse_set(text)) {
    return fmt::format("'{}' in '{}' is not a number", text.substr(equals + 1),
                       text);
  }
  return "";
}

std::string check_format(const std::string& text) {
  if (text == "text" || text == "json")
    return "";
  return fmt::format("expected 'text' or 'json' but found '{}'", text);
}

std::string check_precision(const std::string& text) {
  int digits = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, digits);
  if (error == std::errc() && ptr == end && digits >= 1 && digits <= 17)
    return "";
  return fmt::format("expected a number of digits from 1 to 17 but found '{}'",
                     text);
}

std::string check_tolerance(const std::string& text) {
  std::optional<double> tolerance = parse_number(text);
  if (tolerance && *tolerance > 0 && std::isfinite(*tolerance))
    return "";
  return fmt::format("expected a positive number but found '{}'", text);
}

// The first argument that CLI11 left over, preferring one that looks like
// an option.
std::string left_over(const CLI::App& app) {
  std::vector<std::string> arguments = app.remaining();
  for (const std::string& argument : arguments) {
    if (argument.size() > 1 && argument.starts_with('-'))
      return argument;
  }
  return arguments.empty() ? "" : arguments.front();
}

// "; did you mean '--format'?" for '--formt', or nothing.
std::string option_hint(const CLI::App& app, const std::string& argument) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames())
      names.push_back("--" + name);
  }
  std::vector<std::string_view> views(names.begin(), names.end());
  std::vector<std::string> close = backprop::nearest_names(argument, views);
  return close.empty() ? "" : fmt::format("; did you mean '{}'?", close[0]);
}

// What was wrong with the command line, in this tool's words.
std::string command_line_message(const CLI::App& app, const CLI::Error& error) {
  if (dynamic_cast<const CLI::RequiredError*>(&error)) {
    return "no model file given; name one, or '-' to read standard input";
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&error)) {
    std::string argument = left_over(app);
    if (!argument.starts_with('-') || argument == "-") {
      return fmt::format("unexpected argument '{}'; give one model file",
                         argument);
    }
    return fmt::format("unknown option '{}'{}", argument,
                       option_hint(app, argument));
  }
  std::string message = error.what();
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error)) {
    std::string option = message.substr(0, message.find(':'));
    return fmt::format("option '{}' needs a value", option);
  }
  return message;
}

void print_command_line_error(const CLI::App& app, const CLI::Error& error) {
  backprop::Diagnostic diagnostic{backprop::Severity::Error,
                                  std::nullopt,
                                  command_line_message(app, error),
                                  {}};
  diagnostic.with_note({backprop::Severity::Note,
                        std::nullopt,
                        "'backprop-trace --help' lists the options",
                        {}});
  std::cerr << backprop::render(diagnostic, nullptr);
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
      "forward values, then every backward message in bar notation.",
      "backprop-trace"};
  app.footer(kFooter);
  app.set_version_flag("--version",
                       std::string("backprop-trace ") + BACKPROP_VERSION);
  app.add_option("file", options.file, "The model; - reads standard input")
      ->required();
  app.add_option("--format", options.format, "Output format")
      ->type_name("FORMAT")
      ->check(CLI::Validator(check_format, "{text,json}"))
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
      ->check(CLI::Validator(check_tolerance, "positive"))
      ->capture_default_str();
  app.add_flag("--answer-key", options.answer_key,
               "Only the values and gradients, without the step-by-step "
               "trace; fast on large models");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0)
      return app.exit(error);  // --help or --version
    print_command_line_error(app, error);
    return kBadCommandLine;
  }
  return run(options);
}
