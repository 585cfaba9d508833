// What `grade` and `template` share: an exercise is a model, its trace, and
// the slots that it asks the student for.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backprop/answers.hpp"
#include "backprop/evaluate.hpp"
#include "backprop/sink.hpp"
#include "cli/cli.hpp"

namespace backprop::cli {

/// The options that choose an exercise.
struct ExerciseOptions {
  std::string model;
  std::vector<std::string> ask{"values", "bars"};
  std::vector<std::string> sets;  // NAME=VALUE, checked by check_set
  std::string output;
};

/// A model loaded and traced, with the slots asked. The trace points into
/// the model, so an exercise stays where it is made.
struct Exercise {
  std::shared_ptr<const SourceFile> source;
  Model model;
  Trace trace;
  std::vector<Slot> asked;
};

/// Adds --ask, --set and --output to `app`.
void add_exercise_options(CLI::App& app, ExerciseOptions& options);

/// Loads, traces and resolves --ask. Prints the diagnostics and returns
/// null when the model or an option naming its nodes is wrong; prints the
/// model's warnings (a value that is not finite) and goes on.
std::unique_ptr<Exercise> load_exercise(const ExerciseOptions& options);

/// Runs `write` on standard output or, when `path` is not empty, on a file
/// written atomically. Throws Failure when the output cannot be written.
void write_output(const std::string& path,
                  const std::function<void(Sink&)>& write);

}  // namespace backprop::cli
