// Loading an exercise for `grade` and `template`.
#include "cli/exercise.hpp"

#include <cstdio>
#include <iostream>

#include "backprop/output_file.hpp"

namespace backprop::cli {

void add_exercise_options(CLI::App& app, ExerciseOptions& options) {
  app.add_option("--ask", options.ask,
                 "The slots asked: values, bars, gradients, or names (z, "
                 "zbar, bar:z, value:z), comma-separated")
      ->type_name("SLOTS")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->capture_default_str();
  app.add_option("--set", options.sets,
                 "Give a leaf a value, overriding the file (repeatable)")
      ->type_name("NAME=VALUE")
      ->allow_extra_args(false)
      ->check(check_set);
  app.add_option("--output", options.output,
                 "The node to differentiate (default: the last statement)")
      ->type_name("NAME");
}

std::unique_ptr<Exercise> load_exercise(const ExerciseOptions& options) {
  ModelOptions model_options;
  for (const std::string& set : options.sets)
    model_options.sets.push_back(*parse_set(set));
  if (!options.output.empty())
    model_options.output = options.output;

  auto exercise = std::make_unique<Exercise>();
  try {
    exercise->source =
        std::make_shared<const SourceFile>(read_source(options.model));
    exercise->model = load_model(exercise->source, model_options);
    exercise->trace = evaluate(exercise->model);
    exercise->asked = asked_slots(exercise->trace, options.ask);
  } catch (const Failure& failure) {
    print_diagnostics(failure, exercise->source.get());
    return nullptr;
  }
  for (const Warning& warning : exercise->trace.warnings) {
    std::cerr << render(Diagnostic::warning(warning.span, warning.message),
                        exercise->source.get());
  }
  return exercise;
}

void write_output(const std::string& path,
                  const std::function<void(Sink&)>& write) {
  if (path.empty()) {
    {
      Sink sink(stdout);
      write(sink);
      if (!sink.flush())
        throw Failure(std::string("cannot write to standard output"));
    }
    if (std::fflush(stdout) != 0)
      throw Failure(std::string("cannot write to standard output"));
    return;
  }
  AtomicFile file(path);
  {
    Sink sink(file.stream());
    write(sink);
    if (!sink.flush())
      throw Failure(fmt::format("cannot write '{}'", path));
  }
  file.commit();
}

}  // namespace backprop::cli
