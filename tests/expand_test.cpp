// Tests of --expand: one statement per operation, generated names, and the
// gradients of the file's own nodes left as they were.
#include "backprop/expand.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "backprop/spelling.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

ModelOptions expanded() {
  ModelOptions options;
  options.expand = true;
  return options;
}

// Every statement of a model as `name = right side`, in ASCII, file order.
std::vector<std::string> statements_of(const Model& model) {
  const Graph& graph = model.graph;
  std::vector<std::string> lines;
  for (NodeId node = 0; node < graph.size(); ++node) {
    std::string right =
        print(graph, graph.statement(node).value, {Style::Ascii, {}, 0});
    lines.push_back(std::string(graph.name(node)) + " = " + right);
  }
  return lines;
}

using Lines = std::vector<std::string>;

TEST(ExpandTest, EachOperationBecomesAStatement) {
  Model model =
      testing::model("w = 2; x = 3; b = 1\nz = w*x + b\n", expanded());
  EXPECT_EQ(statements_of(model),
            (Lines{"w = 2", "x = 3", "b = 1", "z1 = w*x", "z = z1 + b"}));
}

TEST(ExpandTest, OperationsAreNumberedInTheOrderTheyAreComputed) {
  Model model = testing::model("y = 2; t = 1\nL = 0.5*(y - t)^2\n", expanded());
  EXPECT_EQ(statements_of(model),
            (Lines{"y = 2", "t = 1", "L1 = y - t", "L2 = L1^2", "L = 0.5*L2"}));
}

TEST(ExpandTest, GeneratedNamesSkipNamesTheFileUses) {
  Model model = testing::model("z1 = 2; x = 3\nz = z1*x + x\n", expanded());
  EXPECT_EQ(statements_of(model),
            (Lines{"z1 = 2", "x = 3", "z2 = z1*x", "z = z2 + x"}));
}

TEST(ExpandTest, NameEndingInADigitGetsAnUnderscore) {
  Model model = testing::model("x = 1\nh_1 = tanh(2*x)\n", expanded());
  EXPECT_EQ(statements_of(model),
            (Lines{"x = 1", "h_1_1 = 2*x", "h_1 = tanh(h_1_1)"}));
}

TEST(ExpandTest, PartsThatNameNothingStayInline) {
  Model model = testing::model("x = 1\ny = (1 - 0.5)*x + log(2)\n", expanded());
  EXPECT_EQ(statements_of(model),
            (Lines{"x = 1", "y1 = (1 - 0.5)*x", "y = y1 + log(2)"}));
}

TEST(ExpandTest, SingleOperationsAndLeavesStayAsTheyAre) {
  Model model = testing::model("x = -2\ny = sigma(x)\nz = y\n", expanded());
  EXPECT_EQ(statements_of(model), (Lines{"x = -2", "y = sigma(x)", "z = y"}));
}

TEST(ExpandTest, CycleIsReportedWithTheFilesNames) {
  std::string error =
      testing::error_of("a = b*2 + 1\nb = a*3 + 1\n", expanded());
  EXPECT_NE(error.find("the statements form a cycle: a -> b -> a"),
            std::string::npos)
      << error;
}

TEST(ExpandTest, UndefinedNameIsReportedAsWithoutExpanding) {
  const std::string text = "x = 1\ny = 2*x + q\n";
  EXPECT_EQ(testing::error_of(text, expanded()), testing::error_of(text));
}

TEST(ExpandTest, SetAndOutputWorkOnTheExpandedModel) {
  ModelOptions options = expanded();
  options.sets = {{"x", 5}};
  options.output = "y1";
  Model model = testing::model("x = 1\ny = 3*x + x^2\n", options);
  Trace trace = evaluate(model);
  EXPECT_EQ(model.graph.name(trace.output), "y1");
  EXPECT_DOUBLE_EQ(trace.values[trace.output], 15);
  EXPECT_DOUBLE_EQ(trace.bars[*model.graph.find("x")], 3);
}

// The bar of every node of the file, with and without --expand, for each
// model in graphs/.
TEST(ExpandTest, GradientsOfNamedNodesAreUnchangedInEveryGraph) {
  const std::filesystem::path graphs =
      std::filesystem::path(testing::source_dir()) / "graphs";
  int checked = 0;
  int grown = 0;
  for (const auto& entry : std::filesystem::directory_iterator(graphs)) {
    if (entry.path().extension() != ".expr")
      continue;
    const std::string text = testing::read_file(entry.path());
    Model plain = testing::model(text);
    Model split = testing::model(text, expanded());
    Trace before = evaluate(plain);
    Trace after = evaluate(split);
    for (NodeId node = 0; node < plain.graph.size(); ++node) {
      std::string_view name = plain.graph.name(node);
      NodeId same = *split.graph.find(name);
      SCOPED_TRACE(entry.path().filename().string() + ": " + std::string(name));
      EXPECT_DOUBLE_EQ(after.values[same], before.values[node]);
      ASSERT_EQ(after.has_bar(same), before.has_bar(node));
      if (before.has_bar(node)) {
        const double bar = before.bars[node];
        EXPECT_NEAR(after.bars[same], bar,
                    1e-12 * std::max(1.0, std::abs(bar)));
      }
    }
    // A file of one operation per statement, such as chain.expr, stays
    // as it is.
    EXPECT_GE(split.graph.size(), plain.graph.size());
    grown += split.graph.size() > plain.graph.size();
    ++checked;
  }
  EXPECT_GE(checked, 10);
  EXPECT_GT(grown, 0);
}

}  // namespace
}  // namespace backprop
