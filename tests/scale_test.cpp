// Inputs far larger or deeper than a lecture's: they must be handled
// without a crash and in time linear in their size.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "backprop/render_json.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

// x0 = 0.5, then x_i = 0.5*tanh(x_(i-1)) + 0.25 for i = 1..n-1.
std::string chain_text(size_t statements) {
  std::string text = "x0 = 0.5\n";
  text.reserve(statements * 40);
  for (size_t i = 1; i < statements; ++i) {
    text += fmt::format("x{} = 0.5*tanh(x{}) + 0.25\n", i, i - 1);
  }
  return text;
}

TEST(ScaleTest, MillionStatementChainIsTraced) {
  const size_t n = 1'000'000;
  Model chain = testing::model(chain_text(n));
  Trace trace = evaluate(chain);

  // Forward-mode by hand: value and derivative along the chain, with
  // d x_i / d x_(i-1) = 0.5*(1 - tanh(x_(i-1))^2).
  double x = 0.5;
  double derivative = 1;
  for (size_t i = 1; i < n; ++i) {
    double t = std::tanh(x);
    derivative *= 0.5 * (1 - t * t);
    x = 0.5 * t + 0.25;
  }
  EXPECT_DOUBLE_EQ(trace.values[trace.output], x);
  EXPECT_NEAR(trace.bars[0], derivative, 1e-12 * std::abs(derivative));

  std::FILE* sink_file = std::fopen("/dev/null", "wb");
  ASSERT_NE(sink_file, nullptr);
  {
    Sink sink(sink_file);
    render_json(trace, {}, sink);
    EXPECT_TRUE(sink.flush());
  }
  std::fclose(sink_file);
}

TEST(ScaleTest, MillionStatementChainAnswerKeyMatchesSymbolic) {
  const size_t n = 1'000'000;
  ModelOptions numeric;
  numeric.symbolic = false;
  Trace fast = evaluate(testing::model(chain_text(n), numeric));
  Trace full = evaluate(testing::model(chain_text(n)));
  EXPECT_NEAR(fast.bars[0], full.bars[0], 1e-12 * std::abs(full.bars[0]));
}

TEST(ScaleTest, HundredThousandParenthesesAreAnError) {
  std::string text = "y = " + std::string(100'000, '(') + "1" +
                     std::string(100'000, ')') + "\n";
  std::string error = testing::error_of(text);
  EXPECT_NE(error.find("test.expr:1:"), std::string::npos) << error;
  EXPECT_NE(error.find("nested too deeply"), std::string::npos) << error;
}

TEST(ScaleTest, LongSumOnOneLineIsTraced) {
  // A sum of 5,000 terms is a tree 5,000 levels tall; every stage that
  // recurses over a tree must take it.
  std::string text = "x = 2\ny = x";
  for (int i = 1; i < 5000; ++i)
    text += " + x";
  Trace trace = evaluate(testing::model(text + "\n"));
  EXPECT_DOUBLE_EQ(trace.values[trace.output], 10000);
  EXPECT_DOUBLE_EQ(trace.bars[0], 5000);  // d(5000 x)/dx
}

}  // namespace
}  // namespace backprop
