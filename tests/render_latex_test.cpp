// Tests of the LaTeX trace: bars, partials, line breaks, the standalone
// document and the escaping of text.
#include "backprop/render_latex.hpp"

#include <gtest/gtest.h>

#include <string>

#include "backprop/evaluate.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

std::string latex_of(const std::string& text, LatexOptions options = {}) {
  Model model = testing::model(text);
  Trace trace = evaluate(model);
  std::string out;
  {
    Sink sink(out);
    render_latex(trace, options, sink);
  }
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RenderLatexTest, RowsAreAlignedAtTheEqualsSign) {
  std::string out = latex_of("w = 3; x = 2\ny = w*x\n");
  EXPECT_TRUE(contains(out, "y &= w \\cdot x = 3 \\cdot 2 = 6 \\\\\n")) << out;
}

TEST(RenderLatexTest, BarsAndGreekLettersAreLatexCommands) {
  std::string out = latex_of("lambda = 2; nll = 1\nL_reg = lambda*nll\n");
  EXPECT_TRUE(contains(out,
                       "\\bar{\\lambda} &= \\bar{L}_{\\mathrm{reg}} "
                       "\\cdot \\mathit{nll}"))
      << out;
  EXPECT_TRUE(contains(out, "\\overline{\\mathit{nll}} &="));
}

TEST(RenderLatexTest, GradientsArePartials) {
  std::string out = latex_of("x = 2\ny = sigma(x)\n");
  EXPECT_TRUE(contains(out, "\\frac{\\partial y}{\\partial x} &= 0.104994"))
      << out;
  EXPECT_TRUE(contains(out, "\\bar{v} = \\frac{\\partial y}{\\partial v}"));
}

TEST(RenderLatexTest, LastRowHasNoLineBreak) {
  std::string out = latex_of("x = 2\ny = x^2\n");
  EXPECT_TRUE(out.ends_with("\\frac{\\partial y}{\\partial x} &= 4\n")) << out;
}

TEST(RenderLatexTest, LongRowGoesOnOverSeveralLines) {
  std::string out = latex_of(
      "x_1 = 0.123456; x_2 = 0.234567; x_3 = 0.345678\n"
      "s = exp(x_1)*x_2 + exp(x_2)*x_3 + exp(x_3)*x_1\n");
  EXPECT_TRUE(contains(out, "\\\\\n  &= ")) << out;
}

TEST(RenderLatexTest, StandaloneIsAWholeDocument) {
  std::string out = latex_of("x = 2\ny = x^2\n", {6, true});
  EXPECT_TRUE(
      out.starts_with("\\documentclass{article}\n"
                      "\\usepackage{amsmath}\n"))
      << out;
  EXPECT_TRUE(contains(out, "\\begin{align*}\n"));
  EXPECT_TRUE(out.ends_with("\\end{align*}\n\\end{document}\n"));
}

TEST(RenderLatexTest, FragmentHasNoEnvironmentOfItsOwn) {
  std::string out = latex_of("x = 2\ny = x^2\n");
  EXPECT_FALSE(contains(out, "\\begin"));
  EXPECT_TRUE(out.starts_with("% backprop-trace: test.expr,"));
}

TEST(RenderLatexTest, ScientificNumbersAreWrittenWithPowersOfTen) {
  std::string out = latex_of("x = 0.00001\ny = x^2\n");
  EXPECT_TRUE(contains(out, "\\left(1 \\cdot 10^{-5}\\right)^{2}")) << out;
}

TEST(RenderLatexTest, SquareRootIsARadical) {
  std::string out = latex_of("x = 4\ny = sqrt(x + 1)\n");
  EXPECT_TRUE(contains(out, "y &= \\sqrt{x + 1}")) << out;
}

TEST(RenderLatexTest, OmicronIsAnO) {
  std::string out = latex_of("omicron = 4\ny = 2*omicron\n");
  EXPECT_FALSE(contains(out, "\\omicron")) << out;
  EXPECT_TRUE(contains(out, "y &= 2 \\cdot o"));
}

TEST(RenderLatexTest, TextEscapesWhatLatexTreatsSpecially) {
  EXPECT_EQ(latex_text("a_b#1%&$~^\\{x}<é>"),
            "a\\_b\\#1\\%\\&\\$\\textasciitilde{}\\textasciicircum{}"
            "\\textbackslash{}\\{x\\}\\textless{}??\\textgreater{}");
}

}  // namespace
}  // namespace backprop
