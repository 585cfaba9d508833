// Grade reports: one student's, for people, for programs and for
// Gradescope's autograder, and a class's summary table.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "backprop/grade.hpp"
#include "backprop/sink.hpp"

namespace backprop {

/// The version of the JSON grade report's layout, its "schema" key.
inline constexpr std::string_view kGradeSchema = "backprop-grade/1";

/// One graded answers file and what it was graded with.
struct GradeReport {
  const Trace& trace;
  const Grade& grade;
  std::string_view answers_path;
  const GradeOptions& options;
};

/// A table of every slot (the answer as written, the expected value with 6
/// significant digits, the points and the mark, naming the inputs that a
/// carried or recomputed answer came from), then the score and the
/// tolerance.
void render_grade_text(const GradeReport& report, Sink& out);

/// The same for programs: one JSON object with "schema" kGradeSchema, the
/// paths, the options, "score", "max_score" and "slots", whose numbers
/// read back to the same double.
void render_grade_json(const GradeReport& report, Sink& out);

/// The results.json that Gradescope's autograder reads: "score",
/// "max_score", "output", and "tests", one per slot with its "name"
/// (`zbar = dL/dz`), "score", "max_score", "status" and "output" (what the
/// student wrote, the value, and why it was marked so).
void render_gradescope(const GradeReport& report, Sink& out);

/// One student's answers file in a batch: graded, or why it could not be.
struct GradedFile {
  std::string path;
  std::optional<Grade> grade;
  std::string error;  // one line, when there is no grade
};

/// The class's table as CSV: a row per file (its path, score, max_score,
/// one mark per slot, and the error that kept it from being graded), then a
/// row "share right" holding per slot the share of the graded files whose
/// answer is right at that step: correct, or following from an earlier
/// error.
void render_summary(const Trace& trace, std::span<const Slot> asked,
                    std::span<const GradedFile> files, Sink& out);

}  // namespace backprop
