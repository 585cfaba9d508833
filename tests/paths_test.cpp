// Tests of the chain rule written out path by path: the sums equal the
// bars, and the counts of paths and of multiplications.
#include "backprop/paths.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "backprop/evaluate.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

constexpr const char* kDiamond = R"(x = 0.8
h = x^2
p = sin(h)
q = cos(h)
y = p*q
)";

// A ladder of `rungs` diamonds: every rung doubles the paths from x.
std::string ladder(int rungs) {
  std::string text = "a0 = 0.5\n";
  for (int i = 1; i <= rungs; ++i) {
    text += "p" + std::to_string(i) + " = sin(a" + std::to_string(i - 1) +
            ")\nq" + std::to_string(i) + " = cos(a" + std::to_string(i - 1) +
            ")\na" + std::to_string(i) + " = p" + std::to_string(i) + " + q" +
            std::to_string(i) + "\n";
  }
  return text;
}

TEST(PathsTest, SumsEqualTheBarsInEveryGraph) {
  const std::filesystem::path graphs =
      std::filesystem::path(testing::source_dir()) / "graphs";
  for (const auto& entry : std::filesystem::directory_iterator(graphs)) {
    if (entry.path().extension() != ".expr")
      continue;
    Model model = testing::model(testing::read_file(entry.path()));
    Trace trace = evaluate(model);
    for (NodeId node = 0; node < model.graph.size(); ++node) {
      if (!trace.has_bar(node))
        continue;
      SCOPED_TRACE(entry.path().filename().string() + ": " +
                   std::string(model.graph.name(node)));
      ChainRule rule = chain_rule(trace, node);
      ASSERT_TRUE(rule.complete());
      const double bar = trace.bars[node];
      EXPECT_NEAR(rule.listed_sum, bar, 1e-12 * std::max(1.0, std::abs(bar)));
    }
  }
}

TEST(PathsTest, DiamondHasOnePathThroughEachSide) {
  Model model = testing::model(kDiamond);
  Trace trace = evaluate(model);
  ChainRule rule = chain_rule(trace, *model.graph.find("x"));
  ASSERT_EQ(rule.paths.size(), 2u);
  const Graph& graph = model.graph;
  EXPECT_EQ(graph.name(graph.edge_child(rule.paths[0].edges[1])), "p");
  EXPECT_EQ(graph.name(graph.edge_child(rule.paths[1].edges[1])), "q");
  // x -> h -> p -> y: 2x * cos(h) * q; x -> h -> q -> y: 2x * -sin(h) * p.
  const double h = 0.64;
  EXPECT_DOUBLE_EQ(rule.paths[0].product, 1.6 * std::cos(h) * std::cos(h));
  EXPECT_DOUBLE_EQ(rule.paths[1].product, 1.6 * -std::sin(h) * std::sin(h));
}

// The diamond, for x: the paths x -> h -> p -> y and x -> h -> q -> y have
// three edges each, so 2 + 2 multiplications, and one addition joins them.
// Backprop: pbar = q and qbar = p come free (their child is the output,
// whose bar is 1); hbar = pbar*cos(h) + qbar*(-sin(h)) is 2 multiplications
// and 1 addition; xbar = hbar*2x is 1 more: 3 and 1. The edge x -> h, which
// both paths share, is multiplied once instead of twice.
TEST(PathsTest, BackpropReusesTheSharedEdge) {
  Model model = testing::model(kDiamond);
  Trace trace = evaluate(model);
  ChainRule rule = chain_rule(trace, *model.graph.find("x"));
  EXPECT_EQ(rule.path_multiplications, 4);
  EXPECT_EQ(rule.path_additions, 1);
  EXPECT_EQ(rule.backprop_multiplications, 3);
  EXPECT_EQ(rule.backprop_additions, 1);
}

// The lecture's example, for w: the paths w -> z -> y -> L -> L_reg (4
// edges, 3 multiplications) and w -> R -> L_reg (2 edges, 1), added once:
// 4 and 1. Backprop multiplies on w -> z, z -> y, y -> L and w -> R, but not
// on L -> L_reg and R -> L_reg, whose child is the output with bar 1 (Lbar
// = 1, Rbar = lambda): 4; and adds once, at w, which has two children. The
// two paths share no edge, so for this one bar there is nothing to re-use.
TEST(PathsTest, LectureExampleCostsTheSameEitherWayForW) {
  const std::string path =
      testing::source_dir() + "/graphs/logistic_regression.expr";
  Model model = testing::model(testing::read_file(path));
  Trace trace = evaluate(model);
  ChainRule rule = chain_rule(trace, *model.graph.find("w"));
  EXPECT_EQ(rule.path_count, 2);
  EXPECT_EQ(rule.path_multiplications, 4);
  EXPECT_EQ(rule.path_additions, 1);
  EXPECT_EQ(rule.backprop_multiplications, 4);
  EXPECT_EQ(rule.backprop_additions, 1);
}

// Softmax, for z_1: z_1 -> e_1 -> p_1 -> L (3 edges, 2 multiplications)
// and z_1 -> e_1 -> s -> p_i -> L for i = 1, 2, 3 (4 edges, 3 each): 4
// paths, 2 + 3*3 = 11 multiplications, 3 additions. Backprop computes sbar
// once and re-uses it: a multiplication on each of z_1 -> e_1, e_1 -> s,
// e_1 -> p_1, s -> p_1, s -> p_2 and s -> p_3 (the edges p_i -> L go into
// the output): 6; an addition at e_1 (2 children) and two at s (3): 3.
TEST(PathsTest, SoftmaxReusesTheBarOfTheSum) {
  const std::string path = testing::source_dir() + "/graphs/softmax.expr";
  Model model = testing::model(testing::read_file(path));
  Trace trace = evaluate(model);
  ChainRule rule = chain_rule(trace, *model.graph.find("z_1"));
  EXPECT_EQ(rule.path_count, 4);
  EXPECT_EQ(rule.path_multiplications, 11);
  EXPECT_EQ(rule.path_additions, 3);
  EXPECT_EQ(rule.backprop_multiplications, 6);
  EXPECT_EQ(rule.backprop_additions, 3);
}

TEST(PathsTest, ManyPathsAreCountedButListedOnlyUpToTheLimit) {
  Model model = testing::model(ladder(40));
  Trace trace = evaluate(model);
  ChainRule rule = chain_rule(trace, *model.graph.find("a0"));
  EXPECT_EQ(rule.path_count, std::ldexp(1.0, 40));
  EXPECT_EQ(rule.paths.size(), kMaxListedPaths);
  EXPECT_FALSE(rule.complete());
  // Every path has 80 edges, so 79 multiplications. Backprop multiplies
  // once per edge, 4 a rung, but for the 2 into the output: 158; and adds
  // once at each a_i that feeds a rung: 40.
  EXPECT_EQ(rule.path_multiplications, 79 * std::ldexp(1.0, 40));
  EXPECT_EQ(rule.backprop_multiplications, 158);
  EXPECT_EQ(rule.backprop_additions, 40);
}

TEST(PathsTest, LongChainIsCountedButNotListed) {
  std::string text = "x0 = 1\n";
  for (int i = 1; i <= 3000; ++i) {
    text += "x" + std::to_string(i) + " = 2*x" + std::to_string(i - 1) + "\n";
  }
  Model model = testing::model(text);
  Trace trace = evaluate(model);
  ChainRule rule = chain_rule(trace, *model.graph.find("x0"));
  EXPECT_EQ(rule.path_count, 1);
  EXPECT_TRUE(rule.paths.empty());
  EXPECT_EQ(rule.path_multiplications, 2999);
}

TEST(PathsTest, OutputHasOnePathOfNoEdges) {
  Model model = testing::model(kDiamond);
  Trace trace = evaluate(model);
  ChainRule rule = chain_rule(trace, trace.output);
  ASSERT_EQ(rule.paths.size(), 1u);
  EXPECT_TRUE(rule.paths[0].edges.empty());
  EXPECT_EQ(rule.listed_sum, 1);
  EXPECT_EQ(rule.path_multiplications, 0);
}

}  // namespace
}  // namespace backprop
