// Tests of the Graphviz graph: shapes, labels, edges and ranks.
#include "backprop/render_dot.hpp"

#include <gtest/gtest.h>

#include <string>

#include "backprop/evaluate.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

constexpr const char* kModel = "w = 3; x = 2\ny = w*x\nq = 2*y\nL = y^2\n";

std::string dot_of(const std::string& text) {
  Model model = testing::model(text);
  Trace trace = evaluate(model);
  std::string out;
  {
    Sink sink(out);
    render_dot(trace, {}, sink);
  }
  return out;
}

// The line that declares node `id`.
std::string node_line(const std::string& dot, int id) {
  std::string start = "  n" + std::to_string(id) + " [";
  size_t at = dot.find(start);
  if (at == std::string::npos)
    return "";
  return dot.substr(at, dot.find('\n', at) - at);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RenderDotTest, LeavesInnerNodesAndOutputAreShapedApart) {
  std::string dot = dot_of(kModel);
  EXPECT_TRUE(contains(node_line(dot, 0), "shape=box")) << dot;
  EXPECT_TRUE(contains(node_line(dot, 2), "shape=ellipse, label="));
  EXPECT_TRUE(contains(node_line(dot, 4), "peripheries=2"));
}

TEST(RenderDotTest, NodesShowTheirValueAndBar) {
  std::string line = node_line(dot_of(kModel), 2);
  EXPECT_TRUE(contains(line, "<B>y</B> = w·x")) << line;
  EXPECT_TRUE(contains(line, ">y = 6<"));
  EXPECT_TRUE(contains(line, "><O>y</O> = 12<"));
  EXPECT_TRUE(contains(line, ">step 3<"));
}

TEST(RenderDotTest, NodeWithoutBarSaysSo) {
  std::string line = node_line(dot_of(kModel), 3);
  EXPECT_TRUE(contains(line, "no bar")) << line;
  EXPECT_TRUE(contains(line, "color=\"#999999\""));
}

TEST(RenderDotTest, EdgesCarryTheLocalDerivative) {
  std::string dot = dot_of(kModel);
  EXPECT_TRUE(contains(dot, "  n0 -> n2 [label=<∂y/∂w = x = 2>];\n")) << dot;
  EXPECT_TRUE(contains(dot, "  n2 -> n4 [label=<∂L/∂y = 2·y = 12>];\n"));
  EXPECT_TRUE(contains(dot, "  n2 -> n3 [label=<∂q/∂y = 2>, style=dashed];"));
}

TEST(RenderDotTest, RanksFollowTheLevelsOfTheOrder) {
  std::string dot = dot_of(kModel);
  EXPECT_TRUE(contains(dot,
                       "  { rank=same; n0; n1; }\n"
                       "  n0 -> n1 [style=invis];\n"
                       "  { rank=same; n2; }\n"
                       "  { rank=same; n3; n4; }\n"
                       "  n3 -> n4 [style=invis];\n"))
      << dot;
  EXPECT_TRUE(contains(dot, "rankdir=LR"));
}

// Graphviz's overline, which sits above a capital letter as it does above
// a small one, over the head of the name and not its subscript.
TEST(RenderDotTest, BarIsAnOverlineOverTheHeadOfTheName) {
  std::string dot = dot_of("lambda = 2; x_1 = 3\nL_reg = lambda*x_1\n");
  EXPECT_TRUE(contains(dot, "><O>L</O><SUB>reg</SUB> = 1<")) << dot;
  EXPECT_TRUE(contains(dot, "><O>λ</O> = 3<"));
  EXPECT_TRUE(contains(dot, "><O>x</O>₁ = 2<"));
}

TEST(RenderDotTest, SubscriptsAndMarkupAreHtml) {
  std::string dot = dot_of("x_1 = 1\nL_reg = max(x_1, 0)\n");
  EXPECT_TRUE(contains(dot, "<B>L<SUB>reg</SUB></B> = max(x₁, 0)")) << dot;
}

}  // namespace
}  // namespace backprop
