// `backprop-trace grade MODEL ANSWERS...`: students' answers graded against
// the trace, one report or a class's summary.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <thread>

#include "backprop/render_grade.hpp"
#include "cli/cli.hpp"
#include "cli/exercise.hpp"

namespace backprop::cli {
namespace {

constexpr const char* kFooter = R"(Examples:
  backprop-trace grade model.expr answers.json
  backprop-trace grade --ask wbar,bbar --carry-errors model.expr answers.json
  backprop-trace grade --format gradescope -o results.json model.expr a.json
  backprop-trace grade -o summary.csv model.expr submissions/

Give the same --ask, --set and --output as to `backprop-trace template`.
Several answers files, or a folder of them, make a CSV summary with a row
per file; a file that cannot be read is a row with its error.
Exit codes: 0 graded (whatever the score), 1 the model, an answers file or
a name in an option is wrong, 2 the command line is wrong.)";

struct Options {
  ExerciseOptions exercise;
  std::vector<std::string> answers;
  std::string format;  // empty: text for one file, csv for several
  Tolerance tolerance;
  bool carry_errors = false;
  std::vector<std::string> weights;
  unsigned jobs = 0;  // 0: one thread per core
  std::string write_to;
};

std::string check_tolerance(const std::string& text) {
  std::optional<double> number = parse_number(text);
  if (number && *number >= 0 && std::isfinite(*number))
    return "";
  return fmt::format("expected a number of at least 0 but found '{}'", text);
}

std::string check_weight(const std::string& text) {
  std::optional<std::pair<std::string, double>> weight = parse_set(text);
  if (weight && weight->second >= 0 && std::isfinite(weight->second))
    return "";
  return fmt::format(
      "expected SLOTS=WEIGHT with a weight of at least 0, as in 'wbar=2', "
      "but found '{}'",
      text);
}

std::string check_jobs(const std::string& text) {
  unsigned jobs = 0;
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, jobs);
  if (error == std::errc() && stop == end && jobs >= 1 && jobs <= 256)
    return "";
  return fmt::format(
      "expected a number of threads from 1 to 256 but found '{}'", text);
}

int command_line_error(const std::string& message) {
  Diagnostic diagnostic = {Severity::Error, std::nullopt, message, {}};
  diagnostic.with_note({Severity::Note,
                        std::nullopt,
                        "'backprop-trace grade --help' lists the options",
                        {}});
  std::cerr << render(diagnostic, nullptr);
  return kBadCommandLine;
}

// The answers files a path names: itself, or a folder's regular .json and
// .csv files in name order.
std::vector<std::string> expand(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (path == "-" || !fs::is_directory(path, error))
    return {path};
  std::vector<std::string> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(path, error)) {
    std::string extension = entry.path().extension().string();
    bool hidden = entry.path().filename().string().starts_with('.');
    // Only regular files: opening a FIFO would wait for a writer forever.
    if (!hidden && (extension == ".json" || extension == ".csv") &&
        entry.is_regular_file(error)) {
      files.push_back(entry.path().string());
    }
  }
  if (error) {
    throw Failure(fmt::format("cannot list '{}': {}", path,
                              describe_errno(error.value())));
  }
  if (files.empty()) {
    throw Failure(
        fmt::format("'{}' holds no answers file (.json or .csv)", path));
  }
  std::sort(files.begin(), files.end());
  return files;
}

class Grading {
 public:
  Grading(const Exercise& exercise, const Options& options,
          std::vector<double> weights)
      : exercise_(exercise),
        options_{options.tolerance, options.carry_errors},
        weights_(std::move(weights)),
        jobs_(options.jobs) {}

  /// Reads and grades one file; throws Failure, with `source` set once the
  /// file is read.
  Grade grade_file(const std::string& path,
                   std::shared_ptr<const SourceFile>& source) const {
    source = read_answers_file(path);
    Answers answers = parse_answers(source, exercise_.trace);
    return grade(exercise_.trace, exercise_.asked, weights_, answers, options_);
  }

  /// Grades every file on as many threads as there are cores, or as
  /// --jobs says; a file that fails becomes a row with its error, and its
  /// diagnostics go to stderr in the files' order, whatever the threads.
  std::vector<GradedFile> grade_all(const std::vector<std::string>& paths);

  const GradeOptions& options() const { return options_; }

 private:
  void grade_one(const std::string& path, GradedFile& file,
                 std::string& diagnostics) const;

  const Exercise& exercise_;
  GradeOptions options_;
  std::vector<double> weights_;
  unsigned jobs_;
};

void Grading::grade_one(const std::string& path, GradedFile& file,
                        std::string& diagnostics) const {
  file.path = path;
  std::shared_ptr<const SourceFile> source;
  try {
    file.grade = grade_file(path, source);
  } catch (const Failure& failure) {
    for (const Diagnostic& diagnostic : failure.diagnostics())
      diagnostics += render(diagnostic, source.get());
    file.error = diagnostics.substr(0, diagnostics.find('\n'));
  }
}

std::vector<GradedFile> Grading::grade_all(
    const std::vector<std::string>& paths) {
  std::vector<GradedFile> files(paths.size());
  std::vector<std::string> diagnostics(paths.size());
  std::atomic<size_t> next = 0;
  auto work = [&] {
    for (size_t i = next++; i < paths.size(); i = next++)
      grade_one(paths[i], files[i], diagnostics[i]);
  };
  size_t threads_wanted =
      jobs_ > 0 ? jobs_ : std::max(1u, std::thread::hardware_concurrency());
  size_t helpers = std::min(threads_wanted, paths.size()) - 1;
  {
    std::vector<std::jthread> threads;
    for (size_t i = 0; i < helpers; ++i)
      threads.emplace_back(work);
    work();
  }
  for (const std::string& text : diagnostics)
    std::cerr << text;
  return files;
}

int run(const Options& options) {
  std::vector<std::string> paths;
  bool batch = options.answers.size() > 1;
  try {
    for (const std::string& path : options.answers) {
      std::vector<std::string> files = expand(path);
      batch |= files.size() != 1 || files.front() != path;
      paths.insert(paths.end(), files.begin(), files.end());
    }
  } catch (const Failure& failure) {
    print_diagnostics(failure, nullptr);
    return kBadInput;
  }
  std::string format = options.format;
  if (format.empty())
    format = batch ? "csv" : "text";
  if (batch && format != "csv") {
    return command_line_error(fmt::format(
        "--format {} reports on one answers file; several make a CSV "
        "summary (--format csv)",
        format));
  }

  std::unique_ptr<Exercise> exercise = load_exercise(options.exercise);
  if (!exercise)
    return kBadInput;
  std::vector<std::pair<std::string, double>> weights;
  for (const std::string& weight : options.weights)
    weights.push_back(*parse_set(weight));
  std::unique_ptr<Grading> grading;
  try {
    grading = std::make_unique<Grading>(
        *exercise, options,
        slot_weights(exercise->trace, exercise->asked, weights));
  } catch (const Failure& failure) {
    print_diagnostics(failure, nullptr);
    return kBadInput;
  }

  std::vector<GradedFile> files;
  if (batch) {
    files = grading->grade_all(paths);
  } else {
    std::shared_ptr<const SourceFile> source;
    try {
      files.push_back(
          {paths.front(), grading->grade_file(paths.front(), source), ""});
    } catch (const Failure& failure) {
      print_diagnostics(failure, source.get());
      return kBadInput;
    }
  }

  try {
    write_output(options.write_to, [&](Sink& out) {
      if (format == "csv") {
        render_summary(exercise->trace, exercise->asked, files, out);
        return;
      }
      GradeReport report{exercise->trace, *files.front().grade,
                         files.front().path, grading->options()};
      if (format == "json") {
        render_grade_json(report, out);
      } else if (format == "gradescope") {
        render_gradescope(report, out);
      } else {
        render_grade_text(report, out);
      }
    });
  } catch (const Failure& failure) {
    print_diagnostics(failure, nullptr);
    return kBadInput;
  }
  return kSuccess;
}

}  // namespace

int grade_main(int argc, char** argv) {
  Options options;
  CLI::App app{
      "Grades students' answers files against a model's trace: per slot\n"
      "correct, wrong, missing, not a number, or following from an earlier\n"
      "error.",
      "backprop-trace grade"};
  app.footer(kFooter);
  app.add_option("model", options.exercise.model, "The model")->required();
  app.add_option("answers", options.answers,
                 "Answers files (JSON or CSV) or folders of them; - reads "
                 "standard input")
      ->type_name("ANSWERS");
  add_exercise_options(app, options.exercise);
  app.add_option("--format", options.format,
                 "text or json or gradescope for one file; csv (a summary) "
                 "for several")
      ->type_name("FORMAT")
      ->check(one_of({"text", "json", "gradescope", "csv"}));
  app.add_option("--rtol", options.tolerance.rtol,
                 "Relative tolerance of an answer")
      ->check(CLI::Validator(check_tolerance, "at least 0"))
      ->capture_default_str();
  app.add_option("--atol", options.tolerance.atol,
                 "Absolute tolerance of an answer")
      ->check(CLI::Validator(check_tolerance, "at least 0"))
      ->capture_default_str();
  app.add_flag("--carry-errors", options.carry_errors,
               "Give credit to an answer that follows from an earlier error");
  app.add_option("--weights", options.weights,
                 "Points per slot, as in 'wbar=2,values=0.5' (default 1)")
      ->type_name("SLOTS=WEIGHT")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->check(check_weight);
  app.add_option("-j,--jobs", options.jobs,
                 "Grade several files on N threads (default: one per core)")
      ->type_name("N")
      ->check(check_jobs);
  app.add_option("-o", options.write_to,
                 "Write to FILE, atomically, instead of standard output")
      ->type_name("FILE");
  if (std::optional<int> code = parse_command_line(app, argc, argv))
    return *code;
  if (options.answers.empty()) {
    return command_line_error(
        "no answers file given; name one or more after the model");
  }
  return run(options);
}

}  // namespace backprop::cli
