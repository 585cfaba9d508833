// Tests of how names, bars, values and expressions are written out.
#include "backprop/spelling.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace backprop {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// ---- Names ---------------------------------------------------------------

TEST(SpellingTest, GreekNamesBecomeLetters) {
  EXPECT_EQ(spell_name("lambda", Style::Unicode), "\u03bb");
  EXPECT_EQ(spell_name("alpha", Style::Unicode), "\u03b1");
  EXPECT_EQ(spell_name("Delta", Style::Unicode), "\u0394");
  EXPECT_EQ(spell_name("lambda", Style::Latex), "\\lambda");
  EXPECT_EQ(spell_name("Delta", Style::Latex), "\\Delta");
}

TEST(SpellingTest, AsciiKeepsNamesAsWritten) {
  EXPECT_EQ(spell_name("lambda", Style::Ascii), "lambda");
  EXPECT_EQ(spell_name("w_1", Style::Ascii), "w_1");
  EXPECT_EQ(spell_name("L_reg", Style::Ascii), "L_reg");
}

TEST(SpellingTest, NamesThatOnlyStartLikeGreekStayAsWritten) {
  EXPECT_EQ(spell_name("lambdas", Style::Unicode), "lambdas");
  EXPECT_EQ(spell_name("beta2", Style::Unicode), "beta2");
}

TEST(SpellingTest, DigitSubscriptsAreLowered) {
  EXPECT_EQ(spell_name("w_1", Style::Unicode), "w\u2081");
  EXPECT_EQ(spell_name("w_12", Style::Unicode), "w\u2081\u2082");
  EXPECT_EQ(spell_name("lambda_1", Style::Unicode), "\u03bb\u2081");
  EXPECT_EQ(spell_name("w_1", Style::Latex), "w_{1}");
  EXPECT_EQ(spell_name("lambda_12", Style::Latex), "\\lambda_{12}");
}

TEST(SpellingTest, WordSubscriptsKeepTheUnderscore) {
  EXPECT_EQ(spell_name("L_reg", Style::Unicode), "L_reg");
  EXPECT_EQ(spell_name("L_reg", Style::Latex), "L_{\\mathrm{reg}}");
  EXPECT_EQ(spell_name("x_i", Style::Latex), "x_{i}");
}

TEST(SpellingTest, GreekSubscriptsBecomeLetters) {
  EXPECT_EQ(spell_name("x_alpha", Style::Unicode), "x_\u03b1");
  EXPECT_EQ(spell_name("x_alpha", Style::Latex), "x_{\\alpha}");
}

TEST(SpellingTest, UnderscoreAtAnEndIsNoSubscript) {
  EXPECT_EQ(spell_name("w_", Style::Unicode), "w_");
  EXPECT_EQ(spell_name("_w", Style::Unicode), "_w");
}

TEST(SpellingTest, LongNamesAreItalicWordsInLatex) {
  EXPECT_EQ(spell_name("x", Style::Latex), "x");
  EXPECT_EQ(spell_name("loss", Style::Latex), "\\mathit{loss}");
  EXPECT_EQ(spell_name("loss_1", Style::Latex), "\\mathit{loss}_{1}");
}

// ---- Bars ----------------------------------------------------------------

TEST(SpellingTest, BarsInEachStyle) {
  EXPECT_EQ(spell_bar("w", Style::Unicode), "w\u0305");
  EXPECT_EQ(spell_bar("w", Style::Ascii), "wbar");
  EXPECT_EQ(spell_bar("w", Style::Latex), "\\bar{w}");
}

TEST(SpellingTest, BarOfASubscriptedNameStaysOffTheSubscript) {
  EXPECT_EQ(spell_bar("w_1", Style::Unicode), "w\u0305\u2081");
  EXPECT_EQ(spell_bar("w_1", Style::Ascii), "w_1_bar");
  EXPECT_EQ(spell_bar("w_1", Style::Latex), "\\bar{w}_{1}");
}

TEST(SpellingTest, BarOfARegularizedLoss) {
  EXPECT_EQ(spell_bar("L_reg", Style::Unicode), "L\u0305_reg");
  EXPECT_EQ(spell_bar("L_reg", Style::Ascii), "L_reg_bar");
  EXPECT_EQ(spell_bar("L_reg", Style::Latex), "\\bar{L}_{\\mathrm{reg}}");
}

TEST(SpellingTest, BarOfAGreekName) {
  EXPECT_EQ(spell_bar("lambda", Style::Unicode), "\u03bb\u0305");
  EXPECT_EQ(spell_bar("lambda", Style::Ascii), "lambdabar");
  EXPECT_EQ(spell_bar("lambda", Style::Latex), "\\bar{\\lambda}");
}

TEST(SpellingTest, BarOfALongNameCoversEveryLetter) {
  EXPECT_EQ(spell_bar("loss", Style::Unicode), "l\u0305o\u0305s\u0305s\u0305");
  EXPECT_EQ(spell_bar("loss", Style::Latex), "\\overline{\\mathit{loss}}");
}

TEST(SpellingTest, CombiningBarsTakeNoColumns) {
  EXPECT_EQ(display_width(spell_bar("loss", Style::Unicode)), 4u);
  EXPECT_EQ(display_width(spell_bar("lambda_1", Style::Unicode)), 2u);
  EXPECT_EQ(display_width("\u2212x\u00b7y\u00b2"), 5u);
}

// ---- Values --------------------------------------------------------------

TEST(SpellingTest, ValuesWithoutPrecisionRoundTrip) {
  EXPECT_EQ(spell_value(0.1 + 0.2, 0, Style::Ascii), "0.30000000000000004");
  EXPECT_EQ(spell_value(1.5, 0, Style::Ascii), "1.5");
  EXPECT_EQ(spell_value(2, 0, Style::Ascii), "2");
}

TEST(SpellingTest, ValuesWithPrecisionAreRounded) {
  EXPECT_EQ(spell_value(0.1 + 0.2, 6, Style::Ascii), "0.3");
  EXPECT_EQ(spell_value(2.0 / 3, 4, Style::Ascii), "0.6667");
  EXPECT_EQ(spell_value(123456789, 3, Style::Ascii), "1.23e+08");
}

// Whole numbers take a shortcut past fmt; every value, whole or not, must
// still be spelled as fmt's "{}" and "{:.Ng}" spell it.
TEST(SpellingTest, ValuesAreSpelledAsFmtSpellsThem) {
  std::mt19937_64 random(12);
  std::vector<double> values = {0,     1,      9,      10,
                                99999, 100000, 123456, 999999999999999,
                                1e15,  1e16,   0.5,    2.5e-7};
  for (int i = 0; i < 20000; ++i) {
    const int digits = static_cast<int>(random() % 18);
    const double whole = std::floor(
        std::ldexp(static_cast<double>(random() % (uint64_t{1} << 53)),
                   -static_cast<int>(random() % 53)));
    values.push_back(std::fmod(whole, std::pow(10.0, digits)));
    values.push_back(whole / std::pow(10.0, digits));
  }
  for (double value : values) {
    ASSERT_EQ(spell_value(value, 0, Style::Ascii), fmt::format("{}", value))
        << value;
    for (int precision = 1; precision <= 17; ++precision) {
      ASSERT_EQ(spell_value(value, precision, Style::Ascii),
                fmt::format("{:.{}g}", value, precision))
          << value << " to " << precision;
    }
  }
}

TEST(SpellingTest, UnicodeWritesAMinusSign) {
  EXPECT_EQ(spell_value(-2.5, 0, Style::Unicode), "\u22122.5");
  EXPECT_EQ(spell_value(-2.5, 0, Style::Ascii), "-2.5");
  EXPECT_EQ(spell_value(-2.5, 0, Style::Latex), "-2.5");
  EXPECT_EQ(spell_value(-2.0 / 3, 3, Style::Unicode), "\u22120.667");
}

TEST(SpellingTest, NegativeZeroHasNoSign) {
  EXPECT_EQ(spell_value(-0.0, 0, Style::Unicode), "0");
  EXPECT_EQ(spell_value(-0.0, 4, Style::Ascii), "0");
}

TEST(SpellingTest, NotANumberAndInfinity) {
  const double nan = std::nan("");
  EXPECT_EQ(spell_value(nan, 0, Style::Unicode), "NaN");
  EXPECT_EQ(spell_value(nan, 6, Style::Latex), "\\mathrm{NaN}");
  EXPECT_EQ(spell_value(kInfinity, 0, Style::Unicode), "\u221e");
  EXPECT_EQ(spell_value(kInfinity, 0, Style::Ascii), "inf");
  EXPECT_EQ(spell_value(kInfinity, 0, Style::Latex), "\\infty");
  EXPECT_EQ(spell_value(-kInfinity, 0, Style::Unicode), "\u2212\u221e");
  EXPECT_EQ(spell_value(-kInfinity, 0, Style::Ascii), "-inf");
  EXPECT_EQ(spell_value(-kInfinity, 0, Style::Latex), "-\\infty");
}

// ---- Expressions ---------------------------------------------------------

// A literal of the file is spelled from its digits when that is safe; the
// text must be fmt's "{}" of the value it reads as, whatever the literal.
TEST(SpellingTest, LiteralsAreSpelledAsTheirValues) {
  std::mt19937_64 random(7);
  std::string text;
  std::vector<std::string> literals = {"0",
                                       "0.000",
                                       "5.",
                                       ".25",
                                       "007.500",
                                       "0.0001",
                                       "0.00001",
                                       "100000",
                                       "999999999999999",
                                       "1000000000000000",
                                       "123456789012345.6",
                                       "1e3",
                                       "2.5E-7"};
  for (int i = 0; i < 20000; ++i) {
    std::string digits;
    const int length = 1 + static_cast<int>(random() % 18);
    for (int j = 0; j < length; ++j) {
      const bool zero = random() % 3 == 0;
      digits += zero ? '0' : static_cast<char>('0' + random() % 10);
    }
    const size_t point = random() % (digits.size() + 2);
    if (point <= digits.size())
      digits.insert(point, ".");
    literals.push_back(digits == "." ? "0" : digits);
  }
  for (size_t i = 0; i < literals.size(); ++i)
    text += fmt::format("x{} = {}\n", i, literals[i]);
  const Model model = testing::model(text);
  for (size_t i = 0; i < literals.size(); ++i) {
    double value = 0;
    std::from_chars(literals[i].data(), literals[i].data() + literals[i].size(),
                    value);
    std::string printed;
    append_expr(printed, model.graph, model.graph.statement(i).value,
                {Style::Ascii, {}, 0});
    ASSERT_EQ(printed, fmt::format("{}", value)) << literals[i];
  }
}

// Loads a model and prints the output's right side.
class PrintTest : public ::testing::Test {
 protected:
  void load(std::string text) {
    model_ = testing::model(std::move(text));
    trace_ = evaluate(model_);
  }

  // The output's right side of `text`, with names.
  std::string right(std::string text, Style style = Style::Ascii) {
    load(std::move(text));
    return print(model_.graph, root(), {style, {}, 0});
  }

  // The output's right side of `text`, with values.
  std::string values(std::string text, Style style = Style::Ascii,
                     int precision = 0) {
    load(std::move(text));
    return print(model_.graph, root(), {style, trace_.values, precision});
  }

  std::string factor(std::string text) {
    load(std::move(text));
    return print_factor(model_.graph, root(), {Style::Ascii, {}, 0});
  }

  ExprId root() const { return model_.graph.statement(trace_.output).value; }

  Model model_;
  Trace trace_;
};

TEST_F(PrintTest, SmallIntegerPowersAreSuperscripts) {
  EXPECT_EQ(right("x = 2; y = x^2", Style::Unicode), "x\u00b2");
  EXPECT_EQ(right("x = 2; y = x^10", Style::Unicode), "x\u00b9\u2070");
  EXPECT_EQ(right("x = 2; y = x^2", Style::Ascii), "x^2");
  EXPECT_EQ(right("x = 2; y = x^2", Style::Latex), "x^{2}");
}

TEST_F(PrintTest, NegativePowersAreSuperscriptsWithAMinus) {
  load("x = 2; y = x");
  ExprPool& pool = model_.graph.program.exprs;
  ExprId x = pool.make_name(0);
  ExprId power = pool.power(x, pool.number_node(-3));
  EXPECT_EQ(print(model_.graph, power, {Style::Unicode, {}, 0}),
            "x\u207b\u00b3");
  EXPECT_EQ(print(model_.graph, power, {Style::Ascii, {}, 0}), "x^(-3)");
  EXPECT_EQ(print(model_.graph, power, {Style::Latex, {}, 0}), "x^{-3}");
}

TEST_F(PrintTest, OtherPowersKeepTheCaret) {
  EXPECT_EQ(right("x = 2; y = x^0.5", Style::Unicode), "x^0.5");
  EXPECT_EQ(right("x = 2; y = x^1000", Style::Unicode), "x^1000");
  EXPECT_EQ(right("x = 2; t = 3; y = x^t", Style::Unicode), "x^t");
  EXPECT_EQ(right("x = 2; t = 3; y = x^(t + 1)", Style::Latex), "x^{t + 1}");
  EXPECT_EQ(right("x = 2; y = x^-1", Style::Unicode), "x^(\u22121)");
}

TEST_F(PrintTest, NegatedPowerNeedsNoParentheses) {
  EXPECT_EQ(right("x = 2; y = -(x^2)"), "-x^2");
  EXPECT_EQ(right("x = 2; y = -x^2", Style::Unicode), "\u2212x\u00b2");
}

TEST_F(PrintTest, PowerOfANegationKeepsItsParentheses) {
  EXPECT_EQ(right("x = 2; y = (-x)^2"), "(-x)^2");
  EXPECT_EQ(right("x = 2; y = (-x)^2", Style::Unicode), "(\u2212x)\u00b2");
}

TEST_F(PrintTest, PowerOfAPowerKeepsItsParentheses) {
  EXPECT_EQ(right("x = 2; y = (x^2)^3"), "(x^2)^3");
  EXPECT_EQ(right("x = 2; y = 2^x^2"), "2^(x^2)");
}

TEST_F(PrintTest, PowerOfASignedPowerNeedsNoExtraParentheses) {
  EXPECT_EQ(right("x = 2; a = 1; y = a + (-x)^2"), "a + (-x)^2");
}

TEST_F(PrintTest, NegationOfANegationKeepsItsParentheses) {
  EXPECT_EQ(right("x = 2; y = -(-x)"), "-(-x)");
}

TEST_F(PrintTest, NegationOfASumKeepsItsParentheses) {
  EXPECT_EQ(right("a = 1; b = 2; y = -(a + b)"), "-(a + b)");
}

TEST_F(PrintTest, DifferenceOfASumKeepsParentheses) {
  EXPECT_EQ(right("a = 1; b = 2; c = 3; y = a - (b + c)"), "a - (b + c)");
  EXPECT_EQ(right("a = 1; b = 2; c = 3; y = a - (b - c)"), "a - (b - c)");
  EXPECT_EQ(right("a = 1; b = 2; c = 3; y = (a - b) - c"), "a - b - c");
}

TEST_F(PrintTest, QuotientByAProductKeepsParentheses) {
  EXPECT_EQ(right("a = 1; b = 2; c = 3; y = a/(b*c)"), "a/(b*c)");
  EXPECT_EQ(right("a = 1; b = 2; c = 3; y = a/(b/c)"), "a/(b/c)");
  EXPECT_EQ(right("a = 1; b = 2; c = 3; y = a/b/c"), "a/b/c");
  EXPECT_EQ(right("a = 1; b = 2; c = 3; y = (a*b)/c"), "a*b/c");
  EXPECT_EQ(right("a = 1; b = 2; y = a/b^2"), "a/b^2");
}

TEST_F(PrintTest, ProductOfSumsKeepsParentheses) {
  EXPECT_EQ(right("a = 1; b = 2; c = 3; y = (a + b)*(c - a)"),
            "(a + b)*(c - a)");
  EXPECT_EQ(right("a = 1; b = 2; c = 3; y = (a + b)*(c - a)", Style::Unicode),
            "(a + b)\u00b7(c \u2212 a)");
}

TEST_F(PrintTest, SignedOperandsGetParentheses) {
  EXPECT_EQ(right("a = 1; b = 2; y = a*-b"), "a*(-b)");
  EXPECT_EQ(right("a = 1; b = 2; y = a - -b"), "a - (-b)");
  EXPECT_EQ(right("a = 1; b = 2; y = a + -b"), "a + (-b)");
  EXPECT_EQ(right("a = 1; b = 2; y = a/-b"), "a/(-b)");
  EXPECT_EQ(right("x = 2; y = 2^-x"), "2^(-x)");
}

TEST_F(PrintTest, LeadingSignNeedsNoParentheses) {
  EXPECT_EQ(right("a = 1; b = 2; y = -a*b"), "-a*b");
  EXPECT_EQ(right("a = 1; b = 2; y = -a + b"), "-a + b");
}

TEST_F(PrintTest, CallsHoldTheirArguments) {
  EXPECT_EQ(right("a = 1; b = 2; c = 3; y = max(a + b, -c)"), "max(a + b, -c)");
  EXPECT_EQ(right("z = 1; y = sigmoid(z)"), "sigma(z)");
  EXPECT_EQ(right("z = 1; y = sigmoid(z)", Style::Unicode), "\u03c3(z)");
  EXPECT_EQ(right("z = 1; y = sigmoid(z)", Style::Latex),
            "\\sigma\\mathopen{}\\left(z\\right)");
}

TEST_F(PrintTest, LatexWritesFractionsAndDots) {
  EXPECT_EQ(right("a = 1; b = 2; c = 3; y = (a + b)/c", Style::Latex),
            "\\frac{a + b}{c}");
  EXPECT_EQ(right("a = 1; b = 2; y = a*b", Style::Latex), "a \\cdot b");
  EXPECT_EQ(right("a = 1; b = 2; y = (a + b)*a", Style::Latex),
            "\\left(a + b\\right) \\cdot a");
}

TEST_F(PrintTest, GreekNamesInExpressions) {
  std::string text = "lambda = 0.1; w_1 = 2; y = lambda*w_1";
  EXPECT_EQ(right(text, Style::Unicode), "\u03bb\u00b7w\u2081");
  EXPECT_EQ(right(text, Style::Latex), "\\lambda \\cdot w_{1}");
  EXPECT_EQ(right(text, Style::Ascii), "lambda*w_1");
}

TEST_F(PrintTest, NumbersPrintShortest) {
  EXPECT_EQ(right("x = 2; y = 0.1*x + 1e-7"), "0.1*x + 1e-07");
}

TEST_F(PrintTest, SubstitutedNegativeValuesGetParentheses) {
  const std::string names = "a = -2; b = 3\n";
  EXPECT_EQ(values(names + "y = b*a"), "3*(-2)");
  EXPECT_EQ(values(names + "y = b*a", Style::Unicode), "3\u00b7(\u22122)");
  EXPECT_EQ(values(names + "y = b - a"), "3 - (-2)");
  EXPECT_EQ(values(names + "y = b + a"), "3 + (-2)");
  EXPECT_EQ(values(names + "y = b/a"), "3/(-2)");
  EXPECT_EQ(values(names + "y = a^2"), "(-2)^2");
  EXPECT_EQ(values(names + "y = a^2", Style::Unicode), "(\u22122)\u00b2");
  EXPECT_EQ(values(names + "y = b^a"), "3^(-2)");
  EXPECT_EQ(values(names + "y = -a"), "-(-2)");
}

TEST_F(PrintTest, SubstitutedNegativeValuesFirstNeedNoParentheses) {
  const std::string names = "a = -2; b = 3\n";
  EXPECT_EQ(values(names + "y = a*b"), "-2*3");
  EXPECT_EQ(values(names + "y = a + b"), "-2 + 3");
  EXPECT_EQ(values(names + "y = sigma(a)", Style::Unicode), "\u03c3(\u22122)");
}

TEST_F(PrintTest, SubstitutedValuesUseThePrecision) {
  const std::string text = "a = 0.123456789; y = 2*a";
  EXPECT_EQ(values(text, Style::Ascii, 3), "2*0.123");
  EXPECT_EQ(values(text, Style::Ascii, 0), "2*0.123456789");
}

TEST_F(PrintTest, FactorsWrapSumsAndLeadingSigns) {
  EXPECT_EQ(factor("a = 1; b = 2; y = a + b"), "(a + b)");
  EXPECT_EQ(factor("a = 1; b = 2; y = -a*b"), "(-a*b)");
  EXPECT_EQ(factor("a = 1; b = 2; y = a*b"), "a*b");
  EXPECT_EQ(factor("a = 1; b = 2; y = a/b"), "a/b");
  EXPECT_EQ(factor("a = 1; y = a^2"), "a^2");
}

TEST_F(PrintTest, BracketsSpellTheirComparison) {
  load("a = 1; b = 2; y = max(a, b)");
  ExprPool& pool = model_.graph.program.exprs;
  ExprId bracket =
      pool.call(Function::AtLeast, pool.make_name(0), pool.make_name(1));
  EXPECT_EQ(print(model_.graph, bracket, {Style::Unicode, {}, 0}),
            "[a \u2265 b]");
  EXPECT_EQ(print(model_.graph, bracket, {Style::Ascii, {}, 0}), "[a >= b]");
  EXPECT_EQ(print(model_.graph, bracket, {Style::Latex, {}, 0}), "[a \\geq b]");
}

}  // namespace
}  // namespace backprop
