// End-to-end checks of the library on the lecture's example.
#include <gtest/gtest.h>

#include <cmath>

#include "backprop/spelling.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

constexpr const char* kLecture = R"(x = 1.5; t = 1
w = 0.8; b = -0.2; lambda = 0.1
z = w*x + b
y = sigma(z)
L = 0.5*(y - t)^2
R = 0.5*w^2
L_reg = L + lambda*R
)";

// The backward message of `node` as the text renderer's symbolic column
// writes it, in ASCII.
std::string message_of(const Model& model, std::string_view node) {
  const Graph& graph = model.graph;
  NodeId id = *graph.find(node);
  std::string result;
  for (uint32_t edge : graph.child_edges(id)) {
    NodeId child = graph.edge_child(edge);
    ExprId local = model.locals.by_parent[edge];
    std::string bar = spell_bar(graph.name(child), Style::Ascii);
    if (!result.empty())
      result += " + ";
    result +=
        graph.program.exprs.is_number(local, 1)
            ? bar
            : bar + "*" + print_factor(graph, local, {Style::Ascii, {}, 0});
  }
  return result;
}

TEST(PipelineTest, LectureMessagesReadAsOnTheBoard) {
  Model lecture = testing::model(kLecture);
  EXPECT_EQ(message_of(lecture, "R"), "L_reg_bar*lambda");
  EXPECT_EQ(message_of(lecture, "L"), "L_reg_bar");
  EXPECT_EQ(message_of(lecture, "y"), "Lbar*(y - t)");
  EXPECT_EQ(message_of(lecture, "z"), "ybar*sigma'(z)");
  EXPECT_EQ(message_of(lecture, "w"), "zbar*x + Rbar*w");
  EXPECT_EQ(message_of(lecture, "b"), "zbar");
}

TEST(PipelineTest, LectureGradientsMatchHandDerivation) {
  Model lecture = testing::model(kLecture);
  Trace trace = evaluate(lecture);
  auto bar = [&](std::string_view name) {
    return trace.bars[*lecture.graph.find(name)];
  };
  // By hand: z = 0.8*1.5 - 0.2 = 1, y = sigma(1), ybar = y - t,
  // zbar = ybar*y*(1 - y), wbar = zbar*x + lambda*w, bbar = zbar.
  const double y = 1 / (1 + std::exp(-1.0));
  const double zbar = (y - 1) * y * (1 - y);
  EXPECT_DOUBLE_EQ(bar("y"), y - 1);
  EXPECT_DOUBLE_EQ(bar("z"), zbar);
  EXPECT_DOUBLE_EQ(bar("w"), zbar * 1.5 + 0.1 * 0.8);
  EXPECT_DOUBLE_EQ(bar("b"), zbar);
  EXPECT_DOUBLE_EQ(bar("lambda"), 0.5 * 0.8 * 0.8);
}

}  // namespace
}  // namespace backprop
