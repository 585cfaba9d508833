// What the subcommands share: options, errors and exit codes.
#include <charconv>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "cli/cli.hpp"

namespace backprop::cli {
namespace {

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
  std::vector<std::string> close = nearest_names(argument, views);
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
  Diagnostic diagnostic{
      Severity::Error, std::nullopt, command_line_message(app, error), {}};
  diagnostic.with_note(
      {Severity::Note,
       std::nullopt,
       fmt::format("'{} --help' lists the options", app.get_name()),
       {}});
  std::cerr << render(diagnostic, nullptr);
}

}  // namespace

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
  if (parse_set(text))
    return "";
  const std::string value = text.substr(equals + 1);
  double number = 0;
  const char* end = value.data() + value.size();
  if (std::from_chars(value.data(), end, number).ec ==
      std::errc::result_out_of_range) {
    return fmt::format(
        "'{}' in '{}' is out of the range of a double (about 4.9e-324 to "
        "1.8e308 in size)",
        value, text);
  }
  return fmt::format("'{}' in '{}' is not a number", value, text);
}

void print_diagnostics(const Failure& failure, const SourceFile* source) {
  for (const Diagnostic& diagnostic : failure.diagnostics()) {
    std::cerr << render(diagnostic, source);
  }
}

CLI::Validator one_of(std::vector<std::string> choices) {
  std::string description = fmt::format("{{{}}}", fmt::join(choices, ","));
  auto check = [choices](const std::string& text) -> std::string {
    std::string expected;
    for (size_t i = 0; i < choices.size(); ++i) {
      if (text == choices[i])
        return "";
      if (i > 0)
        expected += i + 1 == choices.size() ? " or " : ", ";
      expected += "'" + choices[i] + "'";
    }
    return fmt::format("expected {} but found '{}'", expected, text);
  };
  return CLI::Validator(check, description);
}

std::string check_positive(const std::string& text) {
  std::optional<double> number = parse_number(text);
  if (number && *number > 0 && std::isfinite(*number))
    return "";
  return fmt::format("expected a positive number but found '{}'", text);
}

std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0)
      return app.exit(error);  // --help
    print_command_line_error(app, error);
    return kBadCommandLine;
  }
  return std::nullopt;
}

std::string check_outputs(const std::vector<std::string>& outputs,
                          const std::vector<std::string>& inputs) {
  for (const std::string& output : outputs) {
    for (const std::string& input : inputs) {
      if (output.empty() || output == "-" || input == "-")
        continue;
      std::error_code error;
      if (std::filesystem::equivalent(output, input, error)) {
        return fmt::format(
            "'{}' is an input of this command; writing it would replace it",
            output);
      }
    }
  }
  return "";
}

}  // namespace backprop::cli
