// A libFuzzer target for the answers reader: an untrusted answers file
// (JSON, or CSV when built with BACKPROP_FUZZ_CSV) read for a fixed
// exercise, graded on every slot, and rendered in every report format.
// Bad input must end in a Failure whose diagnostics render.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "backprop/diagnostic.hpp"
#include "backprop/evaluate.hpp"
#include "backprop/grade.hpp"
#include "backprop/json_value.hpp"
#include "backprop/render_grade.hpp"

namespace backprop {
namespace {

#ifdef BACKPROP_FUZZ_CSV
constexpr const char* kAnswersPath = "answers.csv";
#else
constexpr const char* kAnswersPath = "answers.json";
#endif

// The exercise of tests/grading/, with a node that the output does not use
// and one named like a bar.
constexpr const char* kExercise = R"(x = 1.5; t = 1
w = 0.8; b = -0.2; lambda = 0.1
z = w*x + b
y = sigma(z)
L = 0.5*(y - t)^2
R = 0.5*w^2
u = 2*x
wbar = 3*u
L_reg = L + lambda*R
)";

struct Exercise {
  Model model;
  Trace trace;
  std::vector<Slot> asked;
  std::vector<double> weights;

  Exercise()
      : model(load_model(
            std::make_shared<const SourceFile>("exercise.expr", kExercise),
            {})),
        trace(evaluate(model)),
        asked(asked_slots(trace, {"values", "bars"})),
        weights(asked.size(), 1.0) {}
};

const Exercise& exercise() {
  static const Exercise instance;
  return instance;
}

void report(const Exercise& exercise, const Grade& grade,
            const GradeOptions& options) {
  std::string out;
  {
    Sink sink(out);
    GradeReport report{exercise.trace, grade, kAnswersPath, options};
    render_grade_text(report, sink);
    std::string json;
    {
      Sink json_sink(json);
      render_grade_json(report, json_sink);
      render_gradescope(report, sink);
    }
    // The report is JSON by contract; a Failure here escapes and crashes.
    parse_json(SourceFile("report.json", json));
    GradedFile file{kAnswersPath, grade, ""};
    render_summary(exercise.trace, exercise.asked, {&file, 1}, sink);
  }
}

}  // namespace
}  // namespace backprop

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace backprop;
  const Exercise& fixed = exercise();
  std::string text(reinterpret_cast<const char*>(data), size);
  auto source = std::make_shared<const SourceFile>(kAnswersPath, text);
  try {
    Answers answers = parse_answers(source, fixed.trace);
    for (bool carry_errors : {false, true}) {
      GradeOptions options{{}, carry_errors};
      Grade grade = backprop::grade(fixed.trace, fixed.asked, fixed.weights,
                                    answers, options);
      report(fixed, grade, options);
    }
  } catch (const Failure& failure) {
    for (const Diagnostic& diagnostic : failure.diagnostics())
      render(diagnostic, source.get());
  }
  return 0;
}
