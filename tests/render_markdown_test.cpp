// Tests of the Markdown trace: its tables and the math in $...$.
#include "backprop/render_markdown.hpp"

#include <gtest/gtest.h>

#include <string>

#include "backprop/evaluate.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

std::string markdown_of(const std::string& text) {
  Model model = testing::model(text);
  Trace trace = evaluate(model);
  std::string out;
  {
    Sink sink(out);
    render_markdown(trace, {}, sink);
  }
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RenderMarkdownTest, ForwardPassIsATableWithMath) {
  std::string out = markdown_of("w = 3; x = 2\ny = w*x\n");
  EXPECT_TRUE(contains(out,
                       "## Forward pass\n\n"
                       "| step | node | formula | value |\n"
                       "|---:|:---|:---|---:|\n"
                       "| 1 | $w$ |  | $3$ |\n"))
      << out;
  EXPECT_TRUE(contains(out, "| 3 | $y$ | $w \\cdot x = 3 \\cdot 2$ | $6$ |\n"));
}

TEST(RenderMarkdownTest, BackwardStepsContinueTheNumbering) {
  std::string out = markdown_of("w = 3; x = 2\ny = w*x\n");
  EXPECT_TRUE(contains(out, "| 4 | $\\bar{y}$ |  | $1$ |\n")) << out;
  EXPECT_TRUE(contains(out,
                       "| 6 | $\\bar{w}$ | $\\bar{y} \\cdot x = 1 \\cdot 2$ | "
                       "$2$ |\n"));
}

TEST(RenderMarkdownTest, GradientsArePartials) {
  std::string out = markdown_of("x = 2\ny = x^2\n");
  EXPECT_TRUE(contains(out, "| $\\frac{\\partial y}{\\partial x}$ | $4$ |"))
      << out;
}

TEST(RenderMarkdownTest, HeadingNamesTheFileAsCode) {
  std::string out = markdown_of("x = 2\ny = x^2\n");
  EXPECT_TRUE(out.starts_with("# Backpropagation through `test.expr`\n"));
}

TEST(RenderMarkdownTest, UnusedNodesAreListed) {
  std::string out = markdown_of("x = 2\nq = 3*x\ny = x^2\n");
  EXPECT_TRUE(contains(out, "Not used by $y$ (no bar): $q$.")) << out;
}

}  // namespace
}  // namespace backprop
