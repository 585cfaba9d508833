// Tests of grading: the tolerance, the marks, and credit for an error
// carried forward. The expected numbers of the exercise are worked out in
// the comments from its values: z = 1, y = σ(1) = 0.731059, R̅ = λ = 0.1,
// w = 0.8, x = 1.5.
#include "backprop/grade.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "backprop/diagnostic.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

constexpr const char* kExercise = R"(x = 1.5; t = 1
w = 0.8; b = -0.2; lambda = 0.1
z = w*x + b
y = sigma(z)
L = 0.5*(y - t)^2
R = 0.5*w^2
L_reg = L + lambda*R
)";

// ---- Tolerance --------------------------------------------------------------

TEST(ToleranceTest, EveryRoundingToThreeSignificantDigitsIsWithin) {
  std::mt19937_64 random(20240611);
  std::uniform_real_distribution<double> mantissa(1, 10);
  std::uniform_int_distribution<int> exponent(-8, 8);
  for (int i = 0; i < 200000; ++i) {
    double value = mantissa(random) * std::pow(10.0, exponent(random));
    if (i % 2 == 1)
      value = -value;
    double rounded = std::stod(fmt::format("{:.3g}", value));
    ASSERT_TRUE(within(rounded, value, {})) << value << " as " << rounded;
  }
}

TEST(ToleranceTest, HalfAUnitInTheThirdDigitIsTheWorstRounding) {
  // 1.00499... rounds to 1.00, off by 0.00499...: within 0.5% of 1.00499.
  EXPECT_TRUE(within(1.00, 1.004999, {}));
  EXPECT_TRUE(within(-0.0529, -0.052877092784266715, {}));
}

TEST(ToleranceTest, OnePercentOffIsNotWithin) {
  for (double value : {1e-6, 0.000684361, 0.5, 3.0, 12345.0}) {
    EXPECT_FALSE(within(value * 1.01, value, {})) << value;
    EXPECT_FALSE(within(value * 0.99, value, {})) << value;
  }
}

TEST(ToleranceTest, ZeroStandsForRoundingNoise) {
  EXPECT_TRUE(within(0, 2.7755575615628914e-17, {}));
  EXPECT_FALSE(within(0, 1e-6, {}));
}

TEST(ToleranceTest, OptionsWidenOrNarrowIt) {
  EXPECT_TRUE(within(1.05, 1, {0.1, 0}));
  EXPECT_FALSE(within(1.001, 1, {0, 0}));
  EXPECT_TRUE(within(0.3, 0, {0, 0.5}));
}

TEST(ToleranceTest, NonFiniteIsMatchedOnlyBySame) {
  EXPECT_TRUE(within(INFINITY, INFINITY, {}));
  EXPECT_FALSE(within(-INFINITY, INFINITY, {}));
  EXPECT_FALSE(within(1e308, INFINITY, {}));
  EXPECT_TRUE(within(NAN, NAN, {}));
  EXPECT_FALSE(within(NAN, 1, {}));
  EXPECT_FALSE(within(INFINITY, 1e308, {}));
}

// ---- Marks ------------------------------------------------------------------

class GradeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = testing::model(kExercise);
    trace_ = evaluate(model_);
  }

  Grade grade_of(
      const std::string& answers,
      const std::vector<std::string>& ask = {"values", "bars"},
      GradeOptions options = {},
      const std::vector<std::pair<std::string, double>>& weights = {}) {
    asked_ = asked_slots(trace_, ask);
    Answers parsed = parse_answers(testing::source(answers, "a.json"), trace_);
    return grade(trace_, asked_, slot_weights(trace_, asked_, weights), parsed,
                 options);
  }

  // The grade of the slot labelled `label`.
  const SlotGrade& slot(const Grade& grade, std::string_view label) const {
    for (const SlotGrade& slot : grade.slots) {
      if (slot_label(trace_.graph(), slot.slot) == label)
        return slot;
    }
    throw std::runtime_error("no slot " + std::string(label));
  }

  std::string inputs(const SlotGrade& slot) const {
    std::string labels;
    for (Slot input : slot.inputs)
      labels += (labels.empty() ? "" : " ") + slot_label(trace_.graph(), input);
    return labels;
  }

  Model model_;
  Trace trace_;
  std::vector<Slot> asked_;
};

TEST_F(GradeTest, RoundedAnswersAreAllCorrect) {
  Grade grade = grade_of(R"({"values": {"z": 1, "y": 0.731, "L": 0.0362,
    "R": 0.32, "L_reg": 0.0682}, "bars": {"R": 0.1, "L": 1, "y": -0.269,
    "z": -0.0529, "lambda": 0.32, "b": -0.0529, "w": 0.000684, "t": 0.269,
    "x": -0.0423}})");
  EXPECT_EQ(grade.score, 14);
  EXPECT_EQ(grade.max_score, 14);
}

TEST_F(GradeTest, UnansweredIsMissingAndTextIsNotANumber) {
  Grade grade = grade_of(R"({"values": {"z": null, "y": "0.7x",
    "L": false}})");
  EXPECT_EQ(slot(grade, "z").mark, Mark::Missing);
  EXPECT_EQ(slot(grade, "y").mark, Mark::NotANumber);
  EXPECT_EQ(slot(grade, "y").answer, "0.7x");
  EXPECT_EQ(slot(grade, "L").mark, Mark::NotANumber);
  EXPECT_EQ(slot(grade, "R").mark, Mark::Missing);
  EXPECT_FALSE(slot(grade, "R").answer);
  EXPECT_EQ(grade.score, 0);
}

TEST_F(GradeTest, HugeNumberIsWrong) {
  Grade grade = grade_of(R"({"values": {"z": 1e999}})");
  EXPECT_EQ(slot(grade, "z").mark, Mark::Wrong);
}

TEST_F(GradeTest, BarsFollowingFromAWrongChildBarAreCarriedForward) {
  // The student took σ′(z) for y: z̅ = −0.269·0.731 = −0.197 (wrong). From
  // it, b̅ = z̅ = −0.197, w̅ = z̅·x + R̅·w = −0.197·1.5 + 0.1·0.8 = −0.2155 and
  // x̅ = z̅·w = −0.197·0.8 = −0.1576.
  Grade grade = grade_of(R"({"bars": {"R": 0.1, "y": -0.269, "z": -0.197,
    "b": -0.197, "w": -0.2155, "x": -0.158}})",
                         {"bars"});
  EXPECT_EQ(slot(grade, "zbar").mark, Mark::Wrong);
  for (std::string_view label : {"bbar", "wbar", "xbar"}) {
    EXPECT_EQ(slot(grade, label).mark, Mark::CarriedForward) << label;
    EXPECT_EQ(inputs(slot(grade, label)), "zbar") << label;
  }
  EXPECT_DOUBLE_EQ(*slot(grade, "wbar").recomputed, -0.2155);
  EXPECT_DOUBLE_EQ(*slot(grade, "xbar").recomputed, -0.1576);
  EXPECT_EQ(slot(grade, "wbar").score, 0);
}

TEST_F(GradeTest, CarryErrorsGivesCarriedAnswersCredit) {
  Grade grade =
      grade_of(R"({"bars": {"z": -0.197, "b": -0.197}})", {"bars"}, {{}, true});
  EXPECT_EQ(slot(grade, "zbar").score, 0);
  EXPECT_EQ(slot(grade, "bbar").mark, Mark::CarriedForward);
  EXPECT_EQ(slot(grade, "bbar").score, 1);
}

TEST_F(GradeTest, WrongAnswerUnrelatedToTheInputsIsWrong) {
  Grade grade = grade_of(R"({"bars": {"z": -0.197, "b": -0.5}})", {"bars"});
  EXPECT_EQ(slot(grade, "bbar").mark, Mark::Wrong);
  EXPECT_FALSE(slot(grade, "bbar").recomputed);
}

TEST_F(GradeTest, ValueFollowingFromAWrongParentIsCarriedForward) {
  // L = 0.05 is wrong; L_reg = L + λ·R = 0.05 + 0.1·0.32 = 0.082 follows.
  Grade grade = grade_of(R"({"values": {"L": 0.05, "R": 0.32,
    "L_reg": 0.082}})");
  EXPECT_EQ(slot(grade, "L").mark, Mark::Wrong);
  EXPECT_EQ(slot(grade, "L_reg").mark, Mark::CarriedForward);
  EXPECT_EQ(inputs(slot(grade, "L_reg")), "L");
}

TEST_F(GradeTest, BarsFromAWrongForwardValueAreCarriedForward) {
  // y = 0.8 is wrong. With it, y̅ = L̅·(y − t) = 1·(0.8 − 1) = −0.2, and
  // z̅ = y̅·y(1 − y) = −0.2·0.8·0.2 = −0.032: the derivative of σ written
  // with the student's own y.
  Grade grade = grade_of(R"({"values": {"y": 0.8}, "bars": {"L": 1,
    "y": -0.2, "z": -0.032}})");
  EXPECT_EQ(slot(grade, "y").mark, Mark::Wrong);
  EXPECT_EQ(slot(grade, "ybar").mark, Mark::CarriedForward);
  EXPECT_EQ(inputs(slot(grade, "ybar")), "y");
  EXPECT_EQ(slot(grade, "zbar").mark, Mark::CarriedForward);
  EXPECT_EQ(inputs(slot(grade, "zbar")), "ybar y");
}

TEST_F(GradeTest, AnswerFromRoundedRightInputsIsCorrect) {
  // w̅ = z̅·x + R̅·w cancels: from z̅ rounded to −0.0529 it is
  // −0.07935 + 0.08 = 0.00065, 5% from 0.000684361 but right work.
  Grade grade = grade_of(R"({"bars": {"R": 0.1, "z": -0.0529,
    "w": 0.00065}})",
                         {"bars"});
  const SlotGrade& w = slot(grade, "wbar");
  EXPECT_FALSE(within(0.00065, w.expected, {}));
  EXPECT_EQ(w.mark, Mark::Correct);
  EXPECT_EQ(inputs(w), "zbar Rbar");
  EXPECT_EQ(w.score, 1);
}

TEST_F(GradeTest, AnswersToSlotsNotAskedAreIgnored) {
  // z̅ = −0.197 is not asked, so w̅ is recomputed from nothing of the
  // student's and −0.2155 is simply wrong.
  Grade grade = grade_of(R"({"bars": {"z": -0.197, "w": -0.2155}})", {"wbar"});
  ASSERT_EQ(grade.slots.size(), 1u);
  EXPECT_EQ(grade.slots[0].mark, Mark::Wrong);
}

TEST_F(GradeTest, WeightsApplyBySelectorAndTheLaterWins) {
  Grade grade = grade_of(R"({"bars": {"w": 0.000684, "b": 1}})", {"gradients"},
                         {}, {{"gradients", 2}, {"wbar", 5}});
  EXPECT_EQ(slot(grade, "wbar").weight, 5);
  EXPECT_EQ(slot(grade, "wbar").score, 5);
  EXPECT_EQ(slot(grade, "bbar").weight, 2);
  EXPECT_EQ(slot(grade, "bbar").score, 0);
  // λ̅, b̅, t̅, x̅ at 2 and w̅ at 5.
  EXPECT_EQ(grade.max_score, 13);
  EXPECT_EQ(grade.score, 5);
}

TEST_F(GradeTest, WeightOfASlotNotAskedIsAnError) {
  try {
    grade_of("{}", {"gradients"}, {}, {{"zbar", 2}});
    ADD_FAILURE() << "weighed a slot that is not asked";
  } catch (const Failure& failure) {
    EXPECT_EQ(render(failure.diagnostics().front(), nullptr),
              "backprop-trace: error: --weights 'zbar' selects no slot that "
              "is asked; --ask chooses them\n");
  }
}

}  // namespace
}  // namespace backprop
