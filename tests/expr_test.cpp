// Tests of the expression pool: the simplifying constructors and `equal`.
#include "backprop/expr.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <string_view>

#include "backprop/spelling.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

// Builds expressions in the pool of a model whose leaves are x, y, u and v,
// and prints them in ASCII.
class ExprTest : public ::testing::Test {
 protected:
  ExprTest() : model_(testing::model("x = 1.5; y = 2; u = -3; v = 0.25")) {}

  ExprPool& pool() { return model_.graph.program.exprs; }
  ExprId name(std::string_view text) {
    return pool().make_name(*model_.graph.find(text));
  }
  ExprId num(double value) { return pool().number_node(value); }
  std::string ascii(ExprId id) {
    return print(model_.graph, id, {Style::Ascii, {}, 0});
  }

  Model model_;
};

TEST_F(ExprTest, MultiplyByOneIsTheOtherFactor) {
  EXPECT_EQ(ascii(pool().multiply(name("x"), num(1))), "x");
  EXPECT_EQ(ascii(pool().multiply(num(1), name("x"))), "x");
}

TEST_F(ExprTest, MultiplyByZeroIsZero) {
  EXPECT_EQ(ascii(pool().multiply(name("x"), num(0))), "0");
  EXPECT_EQ(ascii(pool().multiply(num(0), name("x"))), "0");
}

TEST_F(ExprTest, MultiplyByMinusOneNegates) {
  EXPECT_EQ(ascii(pool().multiply(num(-1), name("x"))), "-x");
  EXPECT_EQ(ascii(pool().multiply(name("x"), num(-1))), "-x");
}

TEST_F(ExprTest, AddZeroIsTheOtherTerm) {
  EXPECT_EQ(ascii(pool().add(name("x"), num(0))), "x");
  EXPECT_EQ(ascii(pool().add(num(0), name("x"))), "x");
}

TEST_F(ExprTest, SubtractZeroIsTheFirstTerm) {
  EXPECT_EQ(ascii(pool().subtract(name("x"), num(0))), "x");
}

TEST_F(ExprTest, ZeroMinusATermNegatesIt) {
  EXPECT_EQ(ascii(pool().subtract(num(0), name("x"))), "-x");
}

TEST_F(ExprTest, PowerOneIsTheBase) {
  EXPECT_EQ(ascii(pool().power(name("x"), num(1))), "x");
}

TEST_F(ExprTest, PowerZeroAndOneToAPowerAreOne) {
  EXPECT_EQ(ascii(pool().power(name("x"), num(0))), "1");
  EXPECT_EQ(ascii(pool().power(num(1), name("x"))), "1");
}

TEST_F(ExprTest, DivideByOneIsTheNumerator) {
  EXPECT_EQ(ascii(pool().divide(name("x"), num(1))), "x");
  EXPECT_EQ(ascii(pool().divide(name("x"), num(-1))), "-x");
}

TEST_F(ExprTest, ZeroDividedIsZero) {
  EXPECT_EQ(ascii(pool().divide(num(0), name("x"))), "0");
}

TEST_F(ExprTest, ATermDividedByItselfIsOne) {
  ExprId sum = pool().add(name("x"), name("y"));
  ExprId same = pool().add(name("x"), name("y"));
  EXPECT_EQ(ascii(pool().divide(sum, same)), "1");
}

TEST_F(ExprTest, ShortProductsOfConstantsFold) {
  EXPECT_EQ(ascii(pool().multiply(num(0.5), num(2))), "1");
  EXPECT_EQ(ascii(pool().multiply(num(3), num(4))), "12");
  EXPECT_EQ(
      ascii(pool().multiply(num(2), pool().multiply(num(0.5), name("x")))),
      "x");
}

TEST_F(ExprTest, LongProductsOfConstantsStayAsWritten) {
  // 0.1*3 is 0.30000000000000004 in binary floating point.
  EXPECT_EQ(ascii(pool().multiply(num(0.1), num(3))), "0.1*3");
  EXPECT_EQ(
      ascii(pool().multiply(num(0.1), pool().multiply(num(3), name("x")))),
      "0.1*3*x");
}

TEST_F(ExprTest, ShortSumsOfConstantsFold) {
  EXPECT_EQ(ascii(pool().add(num(2), num(3))), "5");
  EXPECT_EQ(ascii(pool().subtract(num(2), num(0.5))), "1.5");
  EXPECT_EQ(ascii(pool().divide(num(6), num(3))), "2");
  EXPECT_EQ(ascii(pool().divide(num(1), num(2))), "0.5");
  EXPECT_EQ(ascii(pool().power(num(2), num(3))), "8");
}

TEST_F(ExprTest, LongSumsOfConstantsStayAsWritten) {
  EXPECT_EQ(ascii(pool().add(num(0.1), num(0.2))), "0.1 + 0.2");
  EXPECT_EQ(ascii(pool().divide(num(1), num(3))), "1/3");
}

TEST_F(ExprTest, DivisionByZeroIsNotFolded) {
  EXPECT_EQ(ascii(pool().divide(num(1), num(0))), "1/0");
}

TEST_F(ExprTest, ARepeatedTermIsCollected) {
  EXPECT_EQ(ascii(pool().add(name("y"), name("y"))), "2*y");
  ExprId two_y = pool().multiply(num(2), name("y"));
  EXPECT_EQ(ascii(pool().add(two_y, name("y"))), "3*y");
  EXPECT_EQ(ascii(pool().add(name("y"), two_y)), "3*y");
}

TEST_F(ExprTest, TermsCancelInADifference) {
  ExprId two_y = pool().multiply(num(2), name("y"));
  EXPECT_EQ(ascii(pool().subtract(two_y, name("y"))), "y");
  EXPECT_EQ(ascii(pool().subtract(name("x"), name("x"))), "0");
  EXPECT_EQ(ascii(pool().add(pool().negate(name("x")), name("x"))), "0");
}

TEST_F(ExprTest, CollectedCoefficientsFoldOnlyWhenShort) {
  // 0.1 + 0.2 is 0.30000000000000004: the sum stays as written.
  ExprId tenth = pool().multiply(num(0.1), name("x"));
  ExprId fifth = pool().multiply(num(0.2), name("x"));
  EXPECT_EQ(ascii(pool().add(tenth, fifth)), "0.1*x + 0.2*x");
  ExprId half = pool().multiply(num(0.5), name("x"));
  EXPECT_EQ(ascii(pool().add(half, half)), "x");
}

TEST_F(ExprTest, CollectedTermsKeepWholeSubexpressions) {
  ExprId sum = pool().add(name("x"), name("u"));
  ExprId again = pool().add(name("x"), name("u"));
  EXPECT_EQ(ascii(pool().add(sum, again)), "2*(x + u)");
}

TEST_F(ExprTest, NegatingTwiceIsTheOriginal) {
  EXPECT_EQ(ascii(pool().negate(pool().negate(name("x")))), "x");
}

TEST_F(ExprTest, NegatingANumberFolds) {
  EXPECT_EQ(ascii(pool().negate(num(2))), "-2");
  EXPECT_EQ(ascii(pool().negate(num(-2))), "2");
}

TEST_F(ExprTest, NegatingADifferenceSwapsIt) {
  ExprId difference = pool().subtract(name("x"), name("y"));
  EXPECT_EQ(ascii(pool().negate(difference)), "y - x");
}

TEST_F(ExprTest, NegatingAProductNegatesItsConstant) {
  ExprId product = pool().multiply(num(3), name("x"));
  EXPECT_EQ(ascii(pool().negate(product)), "-3*x");
}

TEST_F(ExprTest, NegatingASumKeepsItsParentheses) {
  ExprId sum = pool().add(name("x"), name("y"));
  EXPECT_EQ(ascii(pool().negate(sum)), "-(x + y)");
}

TEST_F(ExprTest, AddingANegationSubtracts) {
  ExprId minus_y = pool().negate(name("y"));
  EXPECT_EQ(ascii(pool().add(name("x"), minus_y)), "x - y");
  EXPECT_EQ(ascii(pool().add(name("x"), num(-2))), "x - 2");
}

TEST_F(ExprTest, SubtractingANegationAdds) {
  ExprId minus_y = pool().negate(name("y"));
  EXPECT_EQ(ascii(pool().subtract(name("x"), minus_y)), "x + y");
  EXPECT_EQ(ascii(pool().subtract(name("x"), num(-2))), "x + 2");
}

TEST_F(ExprTest, AddingANegativeMultipleSubtracts) {
  ExprId minus_2y = pool().multiply(num(-2), name("y"));
  EXPECT_EQ(ascii(pool().add(name("x"), minus_2y)), "x - 2*y");
  EXPECT_EQ(ascii(pool().subtract(name("x"), minus_2y)), "x + 2*y");
}

TEST_F(ExprTest, NegationsMoveOutOfProducts) {
  ExprId minus_x = pool().negate(name("x"));
  ExprId minus_y = pool().negate(name("y"));
  EXPECT_EQ(ascii(pool().multiply(minus_x, name("y"))), "-x*y");
  EXPECT_EQ(ascii(pool().multiply(name("y"), minus_x)), "-y*x");
  EXPECT_EQ(ascii(pool().multiply(minus_x, minus_y)), "x*y");
}

TEST_F(ExprTest, NegationsMoveOutOfQuotients) {
  ExprId minus_x = pool().negate(name("x"));
  ExprId minus_y = pool().negate(name("y"));
  EXPECT_EQ(ascii(pool().divide(minus_x, name("y"))), "-x/y");
  EXPECT_EQ(ascii(pool().divide(name("x"), minus_y)), "-x/y");
  EXPECT_EQ(ascii(pool().divide(minus_x, minus_y)), "x/y");
}

TEST_F(ExprTest, ConstantsComeFirstInProducts) {
  EXPECT_EQ(ascii(pool().multiply(name("x"), num(2))), "2*x");
  ExprId two_x = pool().multiply(num(2), name("x"));
  EXPECT_EQ(ascii(pool().multiply(name("y"), two_x)), "2*y*x");
  EXPECT_EQ(ascii(pool().multiply(two_x, name("y"))), "2*x*y");
}

TEST_F(ExprTest, ConstantsOfAProductCombine) {
  ExprId two_x = pool().multiply(num(2), name("x"));
  ExprId three_y = pool().multiply(num(3), name("y"));
  EXPECT_EQ(ascii(pool().multiply(two_x, three_y)), "6*x*y");
}

TEST_F(ExprTest, ReciprocalTimesAFactorIsAQuotient) {
  ExprId reciprocal = pool().divide(num(1), name("u"));
  EXPECT_EQ(ascii(pool().multiply(reciprocal, name("v"))), "v/u");
  EXPECT_EQ(ascii(pool().multiply(name("v"), reciprocal)), "v/u");
  EXPECT_EQ(ascii(pool().multiply(num(2), reciprocal)), "2/u");
}

TEST_F(ExprTest, ASquareOfAFactorIsAPower) {
  EXPECT_EQ(ascii(pool().multiply(name("y"), name("y"))), "y^2");
}

TEST_F(ExprTest, EqualComparesNodeByNode) {
  ExprId first = pool().call(Function::Max, name("x"), num(2));
  ExprId second = pool().call(Function::Max, name("x"), num(2));
  EXPECT_TRUE(pool().equal(first, second));
  EXPECT_TRUE(pool().equal(first, first));
}

TEST_F(ExprTest, EqualTellsNamesNumbersAndOperatorsApart) {
  EXPECT_FALSE(pool().equal(name("x"), name("y")));
  EXPECT_FALSE(pool().equal(num(2), num(3)));
  EXPECT_FALSE(pool().equal(num(1), name("x")));
  ExprId sum = pool().make(ExprKind::Add, name("x"), name("y"));
  ExprId difference = pool().make(ExprKind::Subtract, name("x"), name("y"));
  EXPECT_FALSE(pool().equal(sum, difference));
}

TEST_F(ExprTest, EqualTellsFunctionsAndArgumentCountsApart) {
  ExprId sine = pool().call(Function::Sin, name("x"));
  ExprId cosine = pool().call(Function::Cos, name("x"));
  ExprId max_x = pool().make_call(Function::Max, name("x"), name("y"));
  ExprId max_y = pool().make_call(Function::Max, name("y"), name("x"));
  EXPECT_FALSE(pool().equal(sine, cosine));
  EXPECT_FALSE(pool().equal(max_x, max_y));
  EXPECT_FALSE(pool().equal(sine, pool().make_call(Function::Sin, name("y"))));
}

TEST_F(ExprTest, EqualDoesNotReorder) {
  ExprId xy = pool().make(ExprKind::Add, name("x"), name("y"));
  ExprId yx = pool().make(ExprKind::Add, name("y"), name("x"));
  EXPECT_FALSE(pool().equal(xy, yx));
}

TEST_F(ExprTest, MakeBuildsExactlyWhatItIsGiven) {
  ExprId product = pool().make(ExprKind::Multiply, name("x"), num(1));
  EXPECT_EQ(ascii(product), "x*1");
  EXPECT_EQ(pool().offset(product), ExprPool::kNoOffset);
}

// Offsets are kept only up to the last node that has one; every node
// before it without one, and every node after it, has none.
TEST(ExprPoolTest, OffsetsAreKeptOnlyWhereGiven) {
  ExprPool pool;
  ExprId derived = pool.number_node(2);
  ExprId parsed = pool.make_number(3, 17);
  ExprId between = pool.make(ExprKind::Negate, parsed);
  ExprId name = pool.make_name(0, 40, 1);
  ExprId last = pool.make(ExprKind::Add, name, between);
  EXPECT_EQ(pool.offset(derived), ExprPool::kNoOffset);
  EXPECT_EQ(pool.offset(parsed), 17u);
  EXPECT_EQ(pool.offset(between), ExprPool::kNoOffset);
  EXPECT_EQ(pool.offset(name), 40u);
  EXPECT_EQ(pool.offset(last), ExprPool::kNoOffset);
  EXPECT_EQ(pool.number(parsed), 3);
}

TEST_F(ExprTest, EvaluateFollowsTheTree) {
  // x/(y - u) + v^2 = 1.5/(2 + 3) + 0.0625 = 0.3625
  ExprId quotient =
      pool().divide(name("x"), pool().subtract(name("y"), name("u")));
  ExprId tree = pool().add(quotient, pool().power(name("v"), num(2)));
  const double values[] = {1.5, 2, -3, 0.25};
  EXPECT_DOUBLE_EQ(evaluate(pool(), tree, values), 0.3625);
}

}  // namespace
}  // namespace backprop
