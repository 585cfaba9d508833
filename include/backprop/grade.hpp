// Grading: a student's answers compared with the trace slot by slot, with
// credit for an error carried forward as a human grader gives it.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backprop/answers.hpp"
#include "backprop/trace.hpp"

namespace backprop {

/// How close an answer must be to count:
/// |answer − expected| ≤ atol + rtol·|expected|. The default rtol forgives
/// any answer rounded to 3 significant digits, which is off by at most half
/// a unit in the third digit: 0.5% of the value. The default atol lets 0
/// stand for a value that is 0 up to rounding (such as 1e-17).
struct Tolerance {
  double rtol = 5e-3;
  double atol = 1e-9;
};

/// Whether `answer` is within `tolerance` of `expected`. A NaN or infinite
/// expected value is matched only by the same.
bool within(double answer, double expected, const Tolerance& tolerance);

enum class Mark : uint8_t {
  Correct,
  Wrong,
  Missing,     // not answered
  NotANumber,  // answered with something that does not read as a number
  /// Wrong, but what the right rule gives from the student's own wrong
  /// inputs: the error was made earlier.
  CarriedForward,
};

/// The mark in words for people: "correct", "not a number", "follows from
/// an earlier error".
std::string_view describe(Mark mark);

/// The mark as a key for programs: "correct", "not_a_number",
/// "carried_forward".
std::string_view mark_key(Mark mark);

struct GradeOptions {
  Tolerance tolerance;
  /// Give answers that follow from an earlier error full credit.
  bool carry_errors = false;
};

/// How one slot was graded.
struct SlotGrade {
  Slot slot;
  Mark mark = Mark::Missing;
  double expected = 0;
  std::optional<std::string> answer;  // as written; absent if not in the file
  std::optional<double> given;        // the answer as a number
  /// What the slot's rule gives from the student's own inputs, when the
  /// answer is that rather than the expected value.
  std::optional<double> recomputed;
  /// The inputs of `recomputed`: for CarriedForward the wrong ones, for
  /// Correct the student's own (rounded) ones.
  std::vector<Slot> inputs;
  double weight = 1;
  double score = 0;
};

struct Grade {
  std::vector<SlotGrade> slots;  // in the order asked
  double score = 0;
  double max_score = 0;
};

/// Grades `answers` on the `asked` slots, weighted by `weights` (one per
/// slot). Per slot: Missing when not answered, NotANumber when the answer
/// does not read as a number, Correct when it is within tolerance of the
/// trace. Otherwise the slot is recomputed from the student's own inputs:
/// a value from the values written for its parents; a bar as the sum of
/// c̅·∂c/∂n over its children, from the bars written for them, with the
/// local derivatives of the trace and again at the values written. An
/// answer within tolerance of a recomputation is CarriedForward when one
/// of its inputs is wrong or carried, and Correct when they are all right
/// (the student's rounding made the difference). Anything else is Wrong.
///
/// Answers to slots that are not asked are ignored, and so are their
/// numbers. A slot scores its weight when Correct, and when CarriedForward
/// under `carry_errors`.
Grade grade(const Trace& trace, std::span<const Slot> asked,
            std::span<const double> weights, const Answers& answers,
            const GradeOptions& options);

/// The weight of each asked slot: 1, unless an entry (selector, weight) of
/// `weights` selects it as select_slots() does; a later entry wins. Throws
/// Failure when a selector is unknown or selects no asked slot.
std::vector<double> slot_weights(
    const Trace& trace, std::span<const Slot> asked,
    const std::vector<std::pair<std::string, double>>& weights);

}  // namespace backprop
