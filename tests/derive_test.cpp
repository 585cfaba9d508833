// Tests of the symbolic local derivatives: how each one prints, and that its
// value agrees with a central finite difference.
#include "backprop/derive.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include "backprop/spelling.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

// Loads one model and reads the local derivative dc/dn of its edges.
class DeriveTest : public ::testing::Test {
 protected:
  void load(std::string text) {
    model_ = testing::model(std::move(text));
    trace_ = evaluate(model_);
  }

  // d child / d parent, printed.
  std::string local(std::string_view child, std::string_view parent,
                    Style style = Style::Ascii) {
    return print(model_.graph, model_.locals.by_parent[edge(child, parent)],
                 {style, {}, 0});
  }

  // The same derivative written with the child's own value, or "" if none.
  std::string by_result(std::string_view child, std::string_view parent,
                        Style style = Style::Ascii) {
    ExprId id = model_.locals.by_result[edge(child, parent)];
    return id == kNoExpr ? "" : print(model_.graph, id, {style, {}, 0});
  }

  // The value of the derivative at the model's values.
  double value(std::string_view child, std::string_view parent) {
    ExprId id = model_.locals.by_parent[edge(child, parent)];
    return evaluate(model_.graph.program.exprs, id, trace_.values);
  }

  // The slope of the child by the parent, from the left (side < 0), the
  // right (side > 0) or both sides (side == 0), with every other node that
  // the child uses held at its value.
  double slope(std::string_view child, std::string_view parent, int side) {
    NodeId c = *model_.graph.find(child);
    NodeId n = *model_.graph.find(parent);
    double x = trace_.values[n];
    double h = 1e-6 * std::max(1.0, std::abs(x));
    double up = side < 0 ? trace_.values[c] : output_value(model_, c, n, x + h);
    double down =
        side > 0 ? trace_.values[c] : output_value(model_, c, n, x - h);
    return (up - down) / (side == 0 ? 2 * h : h);
  }

  // The symbolic derivative's value (and its by-result form's, if any)
  // agrees with a central finite difference.
  ::testing::AssertionResult matches_finite_difference(
      std::string_view child, std::string_view parent) {
    double symbolic = value(child, parent);
    double numeric = slope(child, parent, 0);
    double tolerance = 1e-7 * std::max({1.0, std::abs(symbolic)});
    if (!(std::abs(symbolic - numeric) <= tolerance)) {
      return ::testing::AssertionFailure()
             << "d" << child << "/d" << parent << " = " << symbolic
             << ", but the finite difference is " << numeric;
    }
    ExprId alternative = model_.locals.by_result[edge(child, parent)];
    if (alternative == kNoExpr)
      return ::testing::AssertionSuccess();
    double other =
        evaluate(model_.graph.program.exprs, alternative, trace_.values);
    if (!(std::abs(other - symbolic) <=
          1e-12 * std::max(1.0, std::abs(symbolic)))) {
      return ::testing::AssertionFailure()
             << "by its result, d" << child << "/d" << parent << " = " << other
             << ", not " << symbolic;
    }
    return ::testing::AssertionSuccess();
  }

  uint32_t edge(std::string_view child, std::string_view parent) const {
    const Graph& graph = model_.graph;
    NodeId c = *graph.find(child);
    NodeId n = *graph.find(parent);
    std::span<const NodeId> parents = graph.parents(c);
    auto at = std::find(parents.begin(), parents.end(), n);
    EXPECT_NE(at, parents.end()) << parent << " is no parent of " << child;
    return graph.first_edge(c) + static_cast<uint32_t>(at - parents.begin());
  }

  Model model_;
  Trace trace_;
};

// ---- Operators ---------------------------------------------------------

TEST_F(DeriveTest, SumPassesTheBarToBothTerms) {
  load("x = 1.5; y = -2\nz = x + y");
  EXPECT_EQ(local("z", "x"), "1");
  EXPECT_EQ(local("z", "y"), "1");
  EXPECT_TRUE(matches_finite_difference("z", "x"));
  EXPECT_TRUE(matches_finite_difference("z", "y"));
}

TEST_F(DeriveTest, DifferenceNegatesTheSecondTerm) {
  load("x = 1.5; y = -2\nz = x - y");
  EXPECT_EQ(local("z", "x"), "1");
  EXPECT_EQ(local("z", "y"), "-1");
  EXPECT_TRUE(matches_finite_difference("z", "x"));
  EXPECT_TRUE(matches_finite_difference("z", "y"));
}

TEST_F(DeriveTest, NegationIsMinusOne) {
  load("x = 1.5\nz = -x");
  EXPECT_EQ(local("z", "x"), "-1");
  EXPECT_TRUE(matches_finite_difference("z", "x"));
}

TEST_F(DeriveTest, AffineMapTakesTheOtherFactor) {
  load("w = 0.8; x = 1.5; b = -0.2\nz = w*x + b");
  EXPECT_EQ(local("z", "w"), "x");
  EXPECT_EQ(local("z", "x"), "w");
  EXPECT_EQ(local("z", "b"), "1");
  EXPECT_TRUE(matches_finite_difference("z", "w"));
  EXPECT_TRUE(matches_finite_difference("z", "x"));
  EXPECT_TRUE(matches_finite_difference("z", "b"));
}

TEST_F(DeriveTest, QuotientByNumeratorIsReciprocal) {
  load("x = 1.5; y = -2\nz = x/y");
  EXPECT_EQ(local("z", "x"), "1/y");
  EXPECT_TRUE(matches_finite_difference("z", "x"));
}

TEST_F(DeriveTest, QuotientByDenominatorIsMinusOverSquare) {
  load("x = 1.5; y = -2\nz = x/y");
  EXPECT_EQ(local("z", "y"), "-x/y^2");
  EXPECT_EQ(local("z", "y", Style::Unicode), "\u2212x/y\u00b2");
  EXPECT_TRUE(matches_finite_difference("z", "y"));
}

TEST_F(DeriveTest, ReciprocalByItsDenominator) {
  load("x = 1.5\nz = 1/x");
  EXPECT_EQ(local("z", "x"), "-1/x^2");
  EXPECT_TRUE(matches_finite_difference("z", "x"));
}

TEST_F(DeriveTest, QuotientOfASumByAProduct) {
  load("a = 1; b = 2; c = 0.5; d = -3\nz = (a + b)/(c*d)");
  EXPECT_EQ(local("z", "a"), "1/(c*d)");
  EXPECT_EQ(local("z", "c"), "-(a + b)*d/(c*d)^2");
  EXPECT_TRUE(matches_finite_difference("z", "a"));
  EXPECT_TRUE(matches_finite_difference("z", "c"));
  EXPECT_TRUE(matches_finite_difference("z", "d"));
}

TEST_F(DeriveTest, HalfSquaredErrorIsTheResidual) {
  load("y = 0.7; t = 1\nL = 0.5*(y - t)^2");
  EXPECT_EQ(local("L", "y"), "y - t");
  EXPECT_EQ(local("L", "t"), "t - y");
  EXPECT_TRUE(matches_finite_difference("L", "y"));
  EXPECT_TRUE(matches_finite_difference("L", "t"));
}

TEST_F(DeriveTest, HalfSquareOfAWeightIsTheWeight) {
  load("w = 0.8\nR = 0.5*w^2");
  EXPECT_EQ(local("R", "w"), "w");
  EXPECT_TRUE(matches_finite_difference("R", "w"));
}

TEST_F(DeriveTest, ProductWithItselfIsTwiceIt) {
  load("y = 0.7\nz = y*y");
  EXPECT_EQ(local("z", "y"), "2*y");
  EXPECT_TRUE(matches_finite_difference("z", "y"));
}

TEST_F(DeriveTest, CubeWrittenAsProductIsThreeSquares) {
  load("x = 1.5\nz = x*x*x\nv = x*(x*x)");
  EXPECT_EQ(local("z", "x"), "3*x^2");
  EXPECT_EQ(local("v", "x"), "3*x^2");
  EXPECT_EQ(local("z", "x", Style::Unicode), "3\u00b7x\u00b2");
  EXPECT_TRUE(matches_finite_difference("z", "x"));
  EXPECT_TRUE(matches_finite_difference("v", "x"));
}

TEST_F(DeriveTest, SquareTimesItselfIsThreeSquares) {
  load("x = 1.5\nz = x^2*x");
  EXPECT_EQ(local("z", "x"), "3*x^2");
  EXPECT_TRUE(matches_finite_difference("z", "x"));
}

TEST_F(DeriveTest, PowerWithConstantExponentLowersIt) {
  load("x = 1.5\nz = x^3\nh = (x + 1)^2");
  EXPECT_EQ(local("z", "x"), "3*x^2");
  EXPECT_EQ(local("h", "x"), "2*(x + 1)");
  EXPECT_TRUE(matches_finite_difference("z", "x"));
  EXPECT_TRUE(matches_finite_difference("h", "x"));
}

TEST_F(DeriveTest, PowerWithFractionalExponent) {
  load("x = 1.5\nz = x^0.5");
  EXPECT_EQ(local("z", "x"), "0.5*x^(-0.5)");
  EXPECT_TRUE(matches_finite_difference("z", "x"));
}

TEST_F(DeriveTest, PowerWithNegatedExponentFoldsTheSign) {
  // d x^(-1)/dx = -1*x^(-1 - 1) = -x^(-2)
  load("x = 1.5\nz = x^-1");
  EXPECT_EQ(local("z", "x"), "-x^(-2)");
  EXPECT_EQ(local("z", "x", Style::Unicode), "\u2212x\u207b\u00b2");
  EXPECT_TRUE(matches_finite_difference("z", "x"));
}

TEST_F(DeriveTest, PowerWithVariableExponent) {
  load("x = 1.5; y = 2.5\nz = x^y");
  EXPECT_EQ(local("z", "x"), "y*x^(y - 1)");
  EXPECT_EQ(local("z", "y"), "x^y*log(x)");
  EXPECT_TRUE(matches_finite_difference("z", "x"));
  EXPECT_TRUE(matches_finite_difference("z", "y"));
}

TEST_F(DeriveTest, ConstantToAVariablePower) {
  load("x = 1.5\nz = 2^x");
  EXPECT_EQ(local("z", "x"), "2^x*log(2)");
  EXPECT_TRUE(matches_finite_difference("z", "x"));
}

TEST_F(DeriveTest, ConstantSubexpressionsFold) {
  load("x = 1.5\nz = 2*3*x\nv = x*(2 - 2)");
  EXPECT_EQ(local("z", "x"), "6");
  EXPECT_EQ(local("v", "x"), "0");
  EXPECT_TRUE(matches_finite_difference("z", "x"));
  EXPECT_TRUE(matches_finite_difference("v", "x"));
}

TEST_F(DeriveTest, ParentUsedTwiceGetsOneDerivative) {
  load("x = 1.5; w = 0.8\nz = x*w + x\nv = 3*x - x");
  EXPECT_EQ(local("z", "x"), "w + 1");
  EXPECT_EQ(local("v", "x"), "2");
  EXPECT_TRUE(matches_finite_difference("z", "x"));
  EXPECT_TRUE(matches_finite_difference("v", "x"));
}

TEST_F(DeriveTest, ParentThatCancelsHasZeroDerivative) {
  load("x = 1.5; w = 0.8\nz = x - x + w");
  EXPECT_EQ(local("z", "x"), "0");
  EXPECT_TRUE(matches_finite_difference("z", "x"));
}

// ---- Functions ---------------------------------------------------------

TEST_F(DeriveTest, SigmaPrintsItsDerivativeAndTheResultForm) {
  load("z = 1\ny = sigma(z)");
  EXPECT_EQ(local("y", "z"), "sigma'(z)");
  EXPECT_EQ(local("y", "z", Style::Unicode), "\u03c3\u2032(z)");
  EXPECT_EQ(by_result("y", "z"), "y*(1 - y)");
  EXPECT_EQ(by_result("y", "z", Style::Unicode), "y\u00b7(1 \u2212 y)");
  EXPECT_TRUE(matches_finite_difference("y", "z"));
}

TEST_F(DeriveTest, SigmoidIsSigma) {
  load("z = -0.5\ny = sigmoid(z)");
  EXPECT_EQ(local("y", "z"), "sigma'(z)");
  EXPECT_EQ(by_result("y", "z"), "y*(1 - y)");
  EXPECT_TRUE(matches_finite_difference("y", "z"));
}

TEST_F(DeriveTest, TanhPrintsItsDerivativeAndTheResultForm) {
  load("z = 0.3\ny = tanh(z)");
  EXPECT_EQ(local("y", "z"), "tanh'(z)");
  EXPECT_EQ(by_result("y", "z"), "1 - y^2");
  EXPECT_EQ(by_result("y", "z", Style::Unicode), "1 \u2212 y\u00b2");
  EXPECT_TRUE(matches_finite_difference("y", "z"));
}

TEST_F(DeriveTest, ReluIsABracket) {
  load("z = 0.3\ny = relu(z)\nz2 = -0.3\ny2 = relu(z2)");
  EXPECT_EQ(local("y", "z"), "[z > 0]");
  EXPECT_EQ(by_result("y", "z"), "");
  EXPECT_DOUBLE_EQ(value("y", "z"), 1);
  EXPECT_DOUBLE_EQ(value("y2", "z2"), 0);
  EXPECT_TRUE(matches_finite_difference("y", "z"));
  EXPECT_TRUE(matches_finite_difference("y2", "z2"));
}

TEST_F(DeriveTest, ReluAtItsKinkIsZero) {
  load("z = 0\ny = relu(z)");
  EXPECT_DOUBLE_EQ(value("y", "z"), 0);
  EXPECT_NEAR(slope("y", "z", -1), 0, 1e-9);
  EXPECT_NEAR(slope("y", "z", 1), 1, 1e-9);
}

TEST_F(DeriveTest, ExpIsItself) {
  load("z = 0.3\ny = exp(z)");
  EXPECT_EQ(local("y", "z"), "exp(z)");
  EXPECT_EQ(by_result("y", "z"), "y");
  EXPECT_TRUE(matches_finite_difference("y", "z"));
}

TEST_F(DeriveTest, ExpOfANegationBringsOutTheSign) {
  load("z = 0.3\ny = exp(-z)");
  EXPECT_EQ(local("y", "z"), "-exp(-z)");
  EXPECT_EQ(by_result("y", "z"), "-y");
  EXPECT_TRUE(matches_finite_difference("y", "z"));
}

TEST_F(DeriveTest, LogIsReciprocal) {
  load("z = 0.3\ny = log(z)");
  EXPECT_EQ(local("y", "z"), "1/z");
  EXPECT_TRUE(matches_finite_difference("y", "z"));
}

TEST_F(DeriveTest, LogOfOnePlusSquare) {
  load("x = -1.5\ny = log(1 + x^2)");
  EXPECT_EQ(local("y", "x"), "2*x/(1 + x^2)");
  EXPECT_TRUE(matches_finite_difference("y", "x"));
}

TEST_F(DeriveTest, SqrtPrintsItsDerivativeAndTheResultForm) {
  load("z = 0.3\ny = sqrt(z)");
  EXPECT_EQ(local("y", "z"), "1/(2*sqrt(z))");
  EXPECT_EQ(by_result("y", "z"), "1/(2*y)");
  EXPECT_TRUE(matches_finite_difference("y", "z"));
}

TEST_F(DeriveTest, SqrtOfOnePlusSquareCancelsTheTwo) {
  // 2*x/(2*sqrt(1 + x^2)) = x/sqrt(1 + x^2)
  load("x = -1.5\ny = sqrt(1 + x^2)");
  EXPECT_EQ(local("y", "x"), "x/sqrt(1 + x^2)");
  EXPECT_EQ(by_result("y", "x"), "x/y");
  EXPECT_TRUE(matches_finite_difference("y", "x"));
}

TEST_F(DeriveTest, AbsIsTheSign) {
  load("z = -0.3\ny = abs(z)");
  EXPECT_EQ(local("y", "z"), "sign(z)");
  EXPECT_DOUBLE_EQ(value("y", "z"), -1);
  EXPECT_TRUE(matches_finite_difference("y", "z"));
}

TEST_F(DeriveTest, AbsAtItsKinkIsZero) {
  load("z = 0\ny = abs(z)");
  EXPECT_DOUBLE_EQ(value("y", "z"), 0);
  EXPECT_NEAR(slope("y", "z", -1), -1, 1e-9);
  EXPECT_NEAR(slope("y", "z", 1), 1, 1e-9);
}

TEST_F(DeriveTest, SinIsCos) {
  load("z = 0.3\ny = sin(z)");
  EXPECT_EQ(local("y", "z"), "cos(z)");
  EXPECT_TRUE(matches_finite_difference("y", "z"));
}

TEST_F(DeriveTest, CosIsMinusSin) {
  load("z = 0.3\ny = cos(z)");
  EXPECT_EQ(local("y", "z"), "-sin(z)");
  EXPECT_EQ(local("y", "z", Style::Unicode), "\u2212sin(z)");
  EXPECT_TRUE(matches_finite_difference("y", "z"));
}

TEST_F(DeriveTest, MaxSendsTheBarToTheLarger) {
  load("a = 2; b = 3\nm = max(a, b)");
  EXPECT_EQ(local("m", "a"), "[a >= b]");
  EXPECT_EQ(local("m", "b"), "[a < b]");
  EXPECT_EQ(local("m", "a", Style::Unicode), "[a \u2265 b]");
  EXPECT_DOUBLE_EQ(value("m", "a"), 0);
  EXPECT_DOUBLE_EQ(value("m", "b"), 1);
  EXPECT_TRUE(matches_finite_difference("m", "a"));
  EXPECT_TRUE(matches_finite_difference("m", "b"));
}

TEST_F(DeriveTest, MinSendsTheBarToTheSmaller) {
  load("a = 2; b = 3\nm = min(a, b)");
  EXPECT_EQ(local("m", "a"), "[a <= b]");
  EXPECT_EQ(local("m", "b"), "[a > b]");
  EXPECT_EQ(local("m", "a", Style::Unicode), "[a \u2264 b]");
  EXPECT_DOUBLE_EQ(value("m", "a"), 1);
  EXPECT_DOUBLE_EQ(value("m", "b"), 0);
  EXPECT_TRUE(matches_finite_difference("m", "a"));
  EXPECT_TRUE(matches_finite_difference("m", "b"));
}

TEST_F(DeriveTest, MaxTieGoesToTheFirstArgument) {
  load("a = 2; b = 2\nm = max(a, b)");
  EXPECT_DOUBLE_EQ(value("m", "a"), 1);
  EXPECT_DOUBLE_EQ(value("m", "b"), 0);
  // At the tie each convention lies between the one-sided slopes.
  EXPECT_NEAR(slope("m", "a", 1), 1, 1e-9);
  EXPECT_NEAR(slope("m", "a", -1), 0, 1e-9);
  EXPECT_NEAR(slope("m", "b", -1), 0, 1e-9);
  EXPECT_NEAR(slope("m", "b", 1), 1, 1e-9);
}

TEST_F(DeriveTest, MinTieGoesToTheFirstArgument) {
  load("a = 2; b = 2\nm = min(a, b)");
  EXPECT_DOUBLE_EQ(value("m", "a"), 1);
  EXPECT_DOUBLE_EQ(value("m", "b"), 0);
  EXPECT_NEAR(slope("m", "a", -1), 1, 1e-9);
  EXPECT_NEAR(slope("m", "a", 1), 0, 1e-9);
}

TEST_F(DeriveTest, MaxOfExpressionsKeepsThemInTheBracket) {
  load("x = 1.5; w = 0.8\nm = max(w*x, 1 - x)");
  EXPECT_EQ(local("m", "w"), "[w*x >= 1 - x]*x");
  EXPECT_EQ(local("m", "x"), "[w*x >= 1 - x]*w - [w*x < 1 - x]");
  EXPECT_TRUE(matches_finite_difference("m", "w"));
  EXPECT_TRUE(matches_finite_difference("m", "x"));
}

// ---- Lecture statements ------------------------------------------------

TEST_F(DeriveTest, NeuronChainsThroughItsArgument) {
  load("w = 0.8; x = 1.5; b = -0.2\ny = sigma(w*x + b)");
  EXPECT_EQ(local("y", "w"), "sigma'(w*x + b)*x");
  EXPECT_EQ(local("y", "b"), "sigma'(w*x + b)");
  EXPECT_EQ(by_result("y", "w"), "y*(1 - y)*x");
  EXPECT_TRUE(matches_finite_difference("y", "w"));
  EXPECT_TRUE(matches_finite_difference("y", "x"));
  EXPECT_TRUE(matches_finite_difference("y", "b"));
}

TEST_F(DeriveTest, RegularizedLossSplitsAcrossStatements) {
  load(
      "L = 0.3; R = 0.32; lambda = 0.1\n"
      "L_reg = L + lambda*R");
  EXPECT_EQ(local("L_reg", "L"), "1");
  EXPECT_EQ(local("L_reg", "R"), "lambda");
  EXPECT_EQ(local("L_reg", "R", Style::Unicode), "\u03bb");
  EXPECT_EQ(local("L_reg", "lambda"), "R");
  EXPECT_TRUE(matches_finite_difference("L_reg", "R"));
  EXPECT_TRUE(matches_finite_difference("L_reg", "lambda"));
}

TEST_F(DeriveTest, CrossEntropyOfASigmoid) {
  load(
      "z = 0.4; t = 1\n"
      "y = sigma(z)\n"
      "E = -(t*log(y) + (1 - t)*log(1 - y))");
  EXPECT_EQ(local("E", "y"), "-t/y - (t - 1)/(1 - y)");
  EXPECT_EQ(local("E", "t"), "-log(y) + log(1 - y)");
  EXPECT_TRUE(matches_finite_difference("E", "y"));
  EXPECT_TRUE(matches_finite_difference("E", "t"));
}

TEST_F(DeriveTest, SoftplusDerivativeIsALogisticFraction) {
  load("z = 0.4\ny = log(1 + exp(z))");
  EXPECT_EQ(local("y", "z"), "exp(z)/(1 + exp(z))");
  EXPECT_TRUE(matches_finite_difference("y", "z"));
}

}  // namespace
}  // namespace backprop
