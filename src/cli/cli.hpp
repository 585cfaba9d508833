// The command line: one function per subcommand, and what they share
// (reading options with CLI11, reporting errors, exit codes).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backprop/diagnostic.hpp"

namespace backprop::cli {

/// The exit codes, a contract with scripts and autograders.
enum ExitCode : int {
  kSuccess = 0,
  kBadInput = 1,        // the model, data or answers are wrong
  kBadCommandLine = 2,  // the options are wrong
  kCheckFailed = 3,     // a gradient failed --check
};

/// `backprop-trace [OPTIONS] FILE`: the trace of one model.
int trace_main(int argc, char** argv);

/// `backprop-trace grade [OPTIONS] MODEL ANSWERS...`: grades answers files
/// against the model's trace; `argv[0]` is "grade".
int grade_main(int argc, char** argv);

/// `backprop-trace template [OPTIONS] MODEL`: the answers file a student
/// fills in; `argv[0]` is "template".
int template_main(int argc, char** argv);

/// `backprop-trace train [OPTIONS] MODEL DATA`: learns the model's
/// parameters from a CSV table by gradient descent; `argv[0]` is "train".
int train_main(int argc, char** argv);

/// Parses the command line into `app`'s options. Returns an exit code when
/// the program should stop now: 0 after --help or --version, 2 after an
/// error, which it has reported on stderr.
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv);

/// A number written as a whole string (an optional '+' allowed).
std::optional<double> parse_number(std::string_view text);

/// `name=value`, as given to --set; nullopt when malformed.
std::optional<std::pair<std::string, double>> parse_set(
    const std::string& text);

/// A validator for --set, in this tool's words.
std::string check_set(const std::string& text);

/// A validator that accepts one of `choices`.
CLI::Validator one_of(std::vector<std::string> choices);

/// A validator for a positive, finite number.
std::string check_positive(const std::string& text);

/// Whether a file that the command would write (one of `outputs`) is one
/// that it reads (one of `inputs`): a message for the first such file, or ""
/// when there is none. Standard input and output ("-" or "") never clash.
std::string check_outputs(const std::vector<std::string>& outputs,
                          const std::vector<std::string>& inputs);

/// Prints a failure's diagnostics to stderr, quoting `source` if given.
void print_diagnostics(const Failure& failure, const SourceFile* source);

}  // namespace backprop::cli
