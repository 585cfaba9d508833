// Tests of the parser: the trees it builds (precedence, associativity, line
// continuation), the statements and leaves it finds, and its diagnostics.
#include "backprop/parser.hpp"

#include <gtest/gtest.h>

#include <string>

#include "backprop/diagnostic.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

// A parsed node written out with every operation in parentheses.
std::string tree(const Program& program, ExprId id) {
  const ExprNode& node = program.exprs[id];
  auto sub = [&](ExprId child) { return tree(program, child); };
  switch (node.kind) {
    case ExprKind::Number:
      return fmt::format("{}", program.exprs.number(id));
    case ExprKind::Name: {
      // Before names are resolved, `a` is the name's byte offset.
      std::string_view rest = program.source->text().substr(node.a);
      return std::string(rest.substr(0, rest.find_first_of(" +-*/^(),;\n")));
    }
    case ExprKind::Negate:
      return "(-" + sub(node.a) + ")";
    case ExprKind::Add:
      return "(" + sub(node.a) + "+" + sub(node.b) + ")";
    case ExprKind::Subtract:
      return "(" + sub(node.a) + "-" + sub(node.b) + ")";
    case ExprKind::Multiply:
      return "(" + sub(node.a) + "*" + sub(node.b) + ")";
    case ExprKind::Divide:
      return "(" + sub(node.a) + "/" + sub(node.b) + ")";
    case ExprKind::Power:
      return "(" + sub(node.a) + "^" + sub(node.b) + ")";
    case ExprKind::Call: {
      std::string call =
          std::string(info(node.function).name) + "(" + sub(node.a);
      if (node.b != kNoExpr)
        call += ", " + sub(node.b);
      return call + ")";
    }
  }
  return "?";
}

Program parse_text(std::string text) {
  return parse(testing::source(std::move(text)));
}

// The tree of the right side of a file's only (or last) statement.
std::string right_side(std::string text) {
  Program program = parse_text(std::move(text));
  return tree(program, program.statements.back().value);
}

// The rendered diagnostics of parsing `text`, or "".
std::string parse_error(std::string text) {
  auto source = testing::source(std::move(text));
  try {
    parse(source);
  } catch (const Failure& failure) {
    std::string rendered;
    for (const Diagnostic& diagnostic : failure.diagnostics())
      rendered += render(diagnostic, source.get());
    return rendered;
  }
  return "";
}

// ---- Trees -----------------------------------------------------------------

TEST(ParserTest, ProductBindsTighterThanSum) {
  EXPECT_EQ(right_side("y = a + b*c"), "(a+(b*c))");
  EXPECT_EQ(right_side("y = a*b - c/d"), "((a*b)-(c/d))");
}

TEST(ParserTest, SumAndDifferenceAreLeftAssociative) {
  EXPECT_EQ(right_side("y = a - b + c"), "((a-b)+c)");
}

TEST(ParserTest, ProductAndQuotientAreLeftAssociative) {
  EXPECT_EQ(right_side("y = a / b * c"), "((a/b)*c)");
}

TEST(ParserTest, PowerBindsTighterThanUnaryMinus) {
  EXPECT_EQ(right_side("y = -x^2"), "(-(x^2))");
}

TEST(ParserTest, PowerIsRightAssociative) {
  EXPECT_EQ(right_side("y = a^b^c"), "(a^(b^c))");
}

TEST(ParserTest, ExponentMayCarryASign) {
  EXPECT_EQ(right_side("y = 2^-1"), "(2^(-1))");
  EXPECT_EQ(right_side("y = x^-a^2"), "(x^(-(a^2)))");
}

TEST(ParserTest, UnaryMinusBindsTighterThanProduct) {
  EXPECT_EQ(right_side("y = -a*b"), "((-a)*b)");
}

TEST(ParserTest, UnaryPlusLeavesItsOperand) {
  EXPECT_EQ(right_side("y = +x"), "x");
}

TEST(ParserTest, ParenthesesGroup) {
  EXPECT_EQ(right_side("y = (a + b)*c"), "((a+b)*c)");
  EXPECT_EQ(right_side("y = (-x)^2"), "((-x)^2)");
}

TEST(ParserTest, CallsTakeTheirArguments) {
  EXPECT_EQ(right_side("y = sigma(w*x)"), "sigma((w*x))");
  EXPECT_EQ(right_side("y = max(a, b + 1)"), "max(a, (b+1))");
}

TEST(ParserTest, SigmoidNamesSigma) {
  EXPECT_EQ(right_side("y = sigmoid(z)"), "sigma(z)");
}

TEST(ParserTest, LineBreakInsideParenthesesContinues) {
  EXPECT_EQ(right_side("y = (a\n  + b\n)\n"), "(a+b)");
}

TEST(ParserTest, LineBreakAfterAnOperatorContinues) {
  EXPECT_EQ(right_side("y = a +\n  b *\n  c\n"), "(a+(b*c))");
}

TEST(ParserTest, LineBreakAfterEqualsContinues) {
  EXPECT_EQ(right_side("y =\n  a + b\n"), "(a+b)");
}

TEST(ParserTest, LineBreakInsideACallContinues) {
  EXPECT_EQ(right_side("y = max(a,\n        b)\n"), "max(a, b)");
}

TEST(ParserTest, LineBreakAfterAnOperandEndsTheStatement) {
  EXPECT_TRUE(parse_error("a = 1\n-2\n")
                  .starts_with("test.expr:2:1: error: expected a name to start "
                               "a statement but found "
                               "'-'"));
}

// ---- Statements ------------------------------------------------------------

TEST(ParserTest, SemicolonsSeparateStatements) {
  Program program = parse_text("a = 1; b = 2;c = a");
  ASSERT_EQ(program.statements.size(), 3u);
  EXPECT_EQ(program.statements[0].name, "a");
  EXPECT_EQ(program.statements[1].name, "b");
  EXPECT_EQ(program.statements[2].name, "c");
}

TEST(ParserTest, CommentsAndBlankLinesAreSkipped) {
  Program program = parse_text("# a model\n\n  a = 1  # one\n;;\n\nb = a\n");
  ASSERT_EQ(program.statements.size(), 2u);
  EXPECT_EQ(program.statements[1].name, "b");
}

TEST(ParserTest, LastStatementNeedsNoLineBreak) {
  Program program = parse_text("a = 1\nb = a");
  EXPECT_EQ(program.statements.size(), 2u);
}

TEST(ParserTest, StatementKnowsWhereItsNameIs) {
  Program program = parse_text("a = 1\n  L_reg = a");
  EXPECT_EQ(program.statements[1].name_span.begin, 8u);
  EXPECT_EQ(program.statements[1].name_span.end, 13u);
}

TEST(ParserTest, TreeOccupiesItsOwnRangeOfIds) {
  Program program = parse_text("a = 1\nb = a*2 + 3");
  const Statement& b = program.statements[1];
  EXPECT_GT(b.first, program.statements[0].value);
  EXPECT_EQ(b.value + 1, program.exprs.size());
}

TEST(ParserTest, NumberOnTheRightMakesALeaf) {
  EXPECT_TRUE(parse_text("x = 1.5").statements[0].is_leaf);
}

TEST(ParserTest, NegativeNumberMakesALeaf) {
  EXPECT_TRUE(parse_text("x = -0.2").statements[0].is_leaf);
}

TEST(ParserTest, ArithmeticOfNumbersMakesALeaf) {
  EXPECT_TRUE(parse_text("x = 1/3").statements[0].is_leaf);
  EXPECT_TRUE(parse_text("x = exp(1)").statements[0].is_leaf);
}

TEST(ParserTest, RightSideThatNamesANodeIsNotALeaf) {
  Program program = parse_text("x = 1\ny = -x\nz = 2*(1 + x)");
  EXPECT_FALSE(program.statements[1].is_leaf);
  EXPECT_FALSE(program.statements[2].is_leaf);
}

// ---- Diagnostics -----------------------------------------------------------

TEST(ParserTest, EmptyFileHasNoStatements) {
  EXPECT_EQ(parse_error(""),
            "test.expr:1:1: error: the file has no statements; write one "
            "such as 'y = x^2'\n");
}

TEST(ParserTest, OnlyCommentsPointAfterTheLastLine) {
  EXPECT_EQ(parse_error("# nothing\n# here\n\n"),
            "test.expr:2:7: error: the file has no statements; write one "
            "such as 'y = x^2'\n"
            "    # here\n"
            "          ^\n");
}

TEST(ParserTest, MissingEqualsNamesWhatCame) {
  EXPECT_EQ(parse_error("x 1.5"),
            "test.expr:1:3: error: expected '=' after 'x' but found a number "
            "'1.5'\n"
            "    x 1.5\n"
            "      ^~~\n");
}

TEST(ParserTest, MissingNameBeforeEquals) {
  EXPECT_EQ(parse_error("= 2"),
            "test.expr:1:1: error: expected a name before '='\n"
            "    = 2\n"
            "    ^\n");
}

TEST(ParserTest, MissingRightSidePointsAfterTheEquals) {
  EXPECT_EQ(parse_error("x = 1\ny =\n"),
            "test.expr:2:4: error: expected an expression after '=' but found "
            "the end of the file\n"
            "    y =\n"
            "       ^\n");
}

TEST(ParserTest, LineBreakAfterEqualsIsExplainedInANote) {
  EXPECT_EQ(parse_error("x =\ny = 2\n"),
            "test.expr:2:3: error: expected an operator or the end of the "
            "statement but found '='\n"
            "    y = 2\n"
            "      ^\n"
            "test.expr:1:3: note: the line break after this '=' does not end "
            "the statement\n"
            "    x =\n"
            "      ^\n");
}

TEST(ParserTest, MissingOperandPointsAfterTheOperator) {
  EXPECT_EQ(parse_error("y = x +"),
            "test.expr:1:8: error: expected an expression after '+' but found "
            "the end of the file\n"
            "    y = x +\n"
            "           ^\n");
}

TEST(ParserTest, MissingOperandBeforeAnotherOperator) {
  EXPECT_EQ(parse_error("y = 2 * * x"),
            "test.expr:1:9: error: expected an expression after '*' but found "
            "'*'\n"
            "    y = 2 * * x\n"
            "            ^\n");
}

TEST(ParserTest, DoubleStarSuggestsCaret) {
  EXPECT_EQ(parse_error("y = x**2"),
            "test.expr:1:6: error: '**' is not an operator; write '^' for a "
            "power\n"
            "    y = x**2\n"
            "         ^~\n");
}

TEST(ParserTest, ParenthesisAfterAnOperandSuggestsAProduct) {
  EXPECT_EQ(parse_error("y = 2(x + 1)"),
            "test.expr:1:6: error: expected an operator or the end of the "
            "statement but found '('; write '*' for a product\n"
            "    y = 2(x + 1)\n"
            "         ^\n");
}

TEST(ParserTest, TwoStatementsOnALineSuggestASeparator) {
  EXPECT_EQ(parse_error("x = 1 y = 2"),
            "test.expr:1:7: error: expected an operator or the end of the "
            "statement but found a name 'y'; separate statements with ';' or "
            "a line break\n"
            "    x = 1 y = 2\n"
            "          ^\n");
}

TEST(ParserTest, UnclosedParenthesisPointsAtBothEnds) {
  EXPECT_EQ(parse_error("y = 2*(x + 1\n"),
            "test.expr:1:13: error: expected ')' but found the end of the "
            "file\n"
            "    y = 2*(x + 1\n"
            "                ^\n"
            "test.expr:1:7: note: to match this '('\n"
            "    y = 2*(x + 1\n"
            "          ^\n");
}

TEST(ParserTest, UnclosedParenthesisStopsAtTheNextStatement) {
  EXPECT_EQ(parse_error("y = (x\nz = 1\n"),
            "test.expr:2:1: error: expected ')' but found a name 'z'\n"
            "    z = 1\n"
            "    ^\n"
            "test.expr:1:5: note: to match this '('\n"
            "    y = (x\n"
            "        ^\n");
}

TEST(ParserTest, UnclosedCallNamesTheFunction) {
  EXPECT_EQ(parse_error("y = max(x, 2"),
            "test.expr:1:13: error: expected ',' or ')' in the call of 'max' "
            "but found the end of the file\n"
            "    y = max(x, 2\n"
            "                ^\n"
            "test.expr:1:8: note: to match this '('\n"
            "    y = max(x, 2\n"
            "           ^\n");
}

TEST(ParserTest, UnmatchedClosingParenthesis) {
  EXPECT_EQ(parse_error("y = 2*x + 1)"),
            "test.expr:1:12: error: unmatched ')': no '(' is open here\n"
            "    y = 2*x + 1)\n"
            "               ^\n");
}

TEST(ParserTest, ClosingParenthesisWhereAnOperandBelongs) {
  EXPECT_EQ(parse_error("y = max(1,)"),
            "test.expr:1:11: error: expected an expression after ',' but "
            "found ')'\n"
            "    y = max(1,)\n"
            "              ^\n");
}

TEST(ParserTest, FunctionUsedAsAnOperand) {
  EXPECT_EQ(parse_error("y = sigma + 1"),
            "test.expr:1:5: error: 'sigma' is a function; call it as "
            "'sigma(...)'\n"
            "    y = sigma + 1\n"
            "        ^~~~~\n");
}

TEST(ParserTest, FunctionUsedAsATarget) {
  EXPECT_EQ(parse_error("sigma = 2"),
            "test.expr:1:1: error: 'sigma' is a function and cannot be "
            "assigned; choose another name\n"
            "    sigma = 2\n"
            "    ^~~~~\n");
}

TEST(ParserTest, UnknownFunctionSuggestsTheNearest) {
  EXPECT_EQ(parse_error("y = sigmoidd(z)"),
            "test.expr:1:5: error: unknown function 'sigmoidd'; did you mean "
            "'sigmoid'?\n"
            "    y = sigmoidd(z)\n"
            "        ^~~~~~~~\n");
}

TEST(ParserTest, UnknownFunctionWithSwappedLettersIsRecognised) {
  EXPECT_TRUE(
      parse_error("y = tnah(z)")
          .starts_with(
              "test.expr:1:5: error: unknown function 'tnah'; did you mean "
              "'tanh'?\n"));
}

TEST(ParserTest, UnknownFunctionFarFromAnyListsTheFunctions) {
  EXPECT_TRUE(parse_error("y = softplus(z)")
                  .starts_with("test.expr:1:5: error: unknown function "
                               "'softplus'; the functions are "
                               "'sigma', 'sigmoid', "));
}

TEST(ParserTest, TooFewArguments) {
  EXPECT_EQ(parse_error("y = max(a)"),
            "test.expr:1:5: error: 'max' takes 2 arguments, but 1 was given\n"
            "    y = max(a)\n"
            "        ^~~~~~\n");
}

TEST(ParserTest, TooManyArguments) {
  EXPECT_EQ(parse_error("y = exp(a, 2)"),
            "test.expr:1:5: error: 'exp' takes 1 argument, but 2 were given\n"
            "    y = exp(a, 2)\n"
            "        ^~~~~~~~~\n");
}

// ---- Limits ----------------------------------------------------------------

std::string repeated(std::string_view piece, size_t count) {
  std::string text;
  for (size_t i = 0; i < count; ++i)
    text += piece;
  return text;
}

constexpr const char* kTooDeep =
    "error: expression nested too deeply (more than 256 levels); split it "
    "into several statements\n";

TEST(ParserTest, NestingAtTheLimitParses) {
  std::string text = "y = " + repeated("(", kMaxNestingDepth) + "1" +
                     repeated(")", kMaxNestingDepth);
  EXPECT_EQ(parse_error(text), "");
}

TEST(ParserTest, HundredThousandParenthesesAreAnErrorNotACrash) {
  std::string text =
      "y = " + repeated("(", 100000) + "1" + repeated(")", 100000) + "\n";
  EXPECT_TRUE(parse_error(text).starts_with(
      fmt::format("test.expr:1:{}: {}", 4 + kMaxNestingDepth + 1, kTooDeep)));
}

TEST(ParserTest, HundredThousandUnaryMinusesAreAnErrorNotACrash) {
  std::string text = "y = " + repeated("-", 100000) + "1\n";
  EXPECT_TRUE(parse_error(text).starts_with(
      fmt::format("test.expr:1:{}: {}", 4 + kMaxNestingDepth + 1, kTooDeep)));
}

TEST(ParserTest, PowerTowerIsAnErrorNotACrash) {
  std::string text = "y = 2" + repeated("^2", 100000) + "\n";
  EXPECT_TRUE(parse_error(text).starts_with(
      fmt::format("test.expr:1:{}: {}", 6 + 2 * kMaxNestingDepth, kTooDeep)));
}

TEST(ParserTest, DeeplyNestedCallsAreAnErrorNotACrash) {
  std::string text =
      "y = " + repeated("exp(", 100000) + "1" + repeated(")", 100000) + "\n";
  EXPECT_NE(parse_error(text).find(kTooDeep), std::string::npos);
}

TEST(ParserTest, SumTooLongForOneTreeIsAnError) {
  std::string text = "y = x" + repeated(" + x", kMaxTreeHeight + 5) + "\n";
  EXPECT_NE(parse_error(text).find("error: expression too long (more than "
                                   "10000 operations in a row); split it "
                                   "into several statements\n"),
            std::string::npos);
}

}  // namespace
}  // namespace backprop
