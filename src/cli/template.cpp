// `backprop-trace template MODEL`: the answers file a student fills in.
#include "cli/cli.hpp"
#include "cli/exercise.hpp"

namespace backprop::cli {
namespace {

constexpr const char* kFooter = R"(Examples:
  backprop-trace template model.expr > answers.json
  backprop-trace template --ask wbar,bbar model.expr
  backprop-trace template --ask gradients --format csv -o answers.csv model.expr

Give `backprop-trace grade` the same --ask, --set and --output.
Exit codes: 0 success, 1 the model or a name in an option is wrong, 2 the
command line is wrong.)";

}  // namespace

int template_main(int argc, char** argv) {
  ExerciseOptions exercise_options;
  std::string format = "json";
  std::string write_to;
  CLI::App app{
      "Writes the skeleton of an answers file for a model: one empty slot per\n"
      "value and bar that the exercise asks for.",
      "backprop-trace template"};
  app.footer(kFooter);
  app.add_option("model", exercise_options.model,
                 "The model; - reads standard input")
      ->required();
  add_exercise_options(app, exercise_options);
  app.add_option("--format", format, "The answers file's format")
      ->type_name("FORMAT")
      ->check(one_of({"json", "csv"}))
      ->capture_default_str();
  app.add_option("-o", write_to,
                 "Write to FILE, atomically, instead of standard output")
      ->type_name("FILE");
  app.parse_complete_callback([&] {
    std::string problem = check_outputs({write_to}, {exercise_options.model});
    if (!problem.empty())
      throw CLI::ValidationError(problem);
  });
  if (std::optional<int> code = parse_command_line(app, argc, argv))
    return *code;

  std::unique_ptr<Exercise> exercise = load_exercise(exercise_options);
  if (!exercise)
    return kBadInput;
  AnswersFormat answers_format =
      format == "csv" ? AnswersFormat::Csv : AnswersFormat::Json;
  try {
    write_output(write_to, [&](Sink& out) {
      render_template(exercise->trace, exercise->asked, answers_format, out);
    });
  } catch (const Failure& failure) {
    print_diagnostics(failure, nullptr);
    return kBadInput;
  }
  return kSuccess;
}

}  // namespace backprop::cli
