// Tests of the graph: resolving names, parents and children, Kahn's order,
// the cycle walk, and ancestors_of.
#include "backprop/graph.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "backprop/diagnostic.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

using Names = std::vector<std::string>;

Graph graph_of(std::string text) {
  return Graph::build(parse(testing::source(std::move(text))));
}

Names names_of(const Graph& graph, const std::vector<NodeId>& nodes) {
  Names names;
  for (NodeId node : nodes)
    names.emplace_back(graph.name(node));
  return names;
}

Names parents_of(const Graph& graph, std::string_view name) {
  std::span<const NodeId> parents = graph.parents(*graph.find(name));
  return names_of(graph, {parents.begin(), parents.end()});
}

Names children_of(const Graph& graph, std::string_view name) {
  Names children;
  for (uint32_t edge : graph.child_edges(*graph.find(name)))
    children.emplace_back(graph.name(graph.edge_child(edge)));
  return children;
}

Names order_of(std::string text) {
  Graph graph = graph_of(std::move(text));
  return names_of(graph, topological_order(graph));
}

// The rendered diagnostics of building and sorting `text`, or "".
std::string graph_error(std::string text) {
  auto source = testing::source(std::move(text));
  try {
    topological_order(Graph::build(parse(source)));
  } catch (const Failure& failure) {
    std::string rendered;
    for (const Diagnostic& diagnostic : failure.diagnostics())
      rendered += render(diagnostic, source.get());
    return rendered;
  }
  return "";
}

std::string chain(size_t length) {
  std::string text = "n0 = 1\n";
  for (size_t i = 1; i < length; ++i)
    text += fmt::format("n{} = n{} + 1\n", i, i - 1);
  return text;
}

// ---- Building --------------------------------------------------------------

TEST(GraphTest, NodesFollowTheFileOrder) {
  Graph graph = graph_of("y = a*b\na = 1\nb = 2\n");
  EXPECT_EQ(graph.names(), (std::vector<std::string_view>{"y", "a", "b"}));
  EXPECT_EQ(*graph.find("a"), 1u);
  EXPECT_FALSE(graph.find("q").has_value());
}

TEST(GraphTest, OutputIsTheLastStatement) {
  Graph graph = graph_of("a = 1\ny = 2*a\nz = a\n");
  EXPECT_EQ(graph.name(graph.output), "z");
}

TEST(GraphTest, ParentsAreDistinctInOrderOfFirstUse) {
  Graph graph = graph_of("a = 1\nb = 2\ny = b*a + b^2\n");
  EXPECT_EQ(parents_of(graph, "y"), (Names{"b", "a"}));
  EXPECT_EQ(parents_of(graph, "a"), Names{});
}

TEST(GraphTest, ChildrenComeInTheFileOrder) {
  Graph graph = graph_of("z = 3*w\nw = 1\ny = w + 1\nu = w*y\n");
  EXPECT_EQ(children_of(graph, "w"), (Names{"z", "y", "u"}));
  EXPECT_EQ(children_of(graph, "u"), Names{});
}

TEST(GraphTest, EdgesIntoAChildAreConsecutive) {
  Graph graph = graph_of("a = 1\nb = 2\ny = a + b\n");
  NodeId y = *graph.find("y");
  uint32_t edge = graph.first_edge(y);
  EXPECT_EQ(graph.edge_count(), 2u);
  EXPECT_EQ(graph.name(graph.edge_parent(edge)), "a");
  EXPECT_EQ(graph.name(graph.edge_parent(edge + 1)), "b");
  EXPECT_EQ(graph.edge_child(edge), y);
}

TEST(GraphTest, NameAssignedTwicePointsAtBoth) {
  EXPECT_EQ(graph_error("x = 1.5\nw = 0.8\nx = 2\n"),
            "test.expr:3:1: error: 'x' is assigned twice\n"
            "    x = 2\n"
            "    ^\n"
            "test.expr:1:1: note: 'x' was first assigned here\n"
            "    x = 1.5\n"
            "    ^\n");
}

// Names are looked up in blocks of statements: every kind of reference
// must resolve the same across and within them, whatever the block size.
// s{i} uses the statement just before it, one 37 statements back and, with
// `ahead`, one 23 statements ahead, which the file assigns later.
std::string references(int count, bool ahead) {
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += fmt::format("s{} = 1", i);
    if (i > 0)
      text += fmt::format(" + s{}", i - 1);
    if (i >= 37)
      text += fmt::format(" * s{}", i - 37);
    if (ahead && i + 23 < count)
      text += fmt::format(" - s{}", i + 23);
    text += "\n";
  }
  return text;
}

TEST(GraphTest, NamesResolveAcrossManyStatements) {
  const int count = 200;
  for (bool ahead : {false, true}) {
    Graph graph = graph_of(references(count, ahead));
    // Found as each statement is reached, unless assigned later.
    EXPECT_EQ(graph.parents_precede(), !ahead);
    for (int i = 0; i < count; ++i) {
      Names expected;
      if (i > 0)
        expected.push_back(fmt::format("s{}", i - 1));
      if (i >= 37)
        expected.push_back(fmt::format("s{}", i - 37));
      if (ahead && i + 23 < count)
        expected.push_back(fmt::format("s{}", i + 23));
      EXPECT_EQ(parents_of(graph, fmt::format("s{}", i)), expected) << i;
    }
  }
  EXPECT_TRUE(graph_error(references(count, true) + "s5 = 2\n")
                  .starts_with("test.expr:201:1: error: 's5' is assigned "
                               "twice\n"));
}

TEST(GraphTest, UndefinedNameListsTheNamesThatExist) {
  EXPECT_EQ(graph_error("x = 1\ny = 2*q\n"),
            "test.expr:2:7: error: undefined name 'q'\n"
            "    y = 2*q\n"
            "          ^\n"
            "test.expr: note: the file assigns 'x' and 'y'\n");
}

TEST(GraphTest, UndefinedNameListsAtMostTwelveNames) {
  std::string text;
  for (int i = 0; i < 20; ++i)
    text += fmt::format("node{} = {}\n", i, i);
  text += "y = q\n";
  EXPECT_TRUE(graph_error(text).ends_with(
      "note: the file assigns 'node0', 'node1', 'node2', 'node3', 'node4', "
      "'node5', 'node6', 'node7', 'node8', 'node9', 'node10', 'node11' and "
      "9 more\n"));
}

// ---- Order -----------------------------------------------------------------

TEST(GraphTest, ParentsComeBeforeTheirChildren) {
  EXPECT_EQ(order_of("y = a + b\na = 1\nb = 2\n"), (Names{"a", "b", "y"}));
}

TEST(GraphTest, FileOrderIsKeptWhenItIsTopological) {
  EXPECT_EQ(order_of("x = 1; w = 2\nz = w*x\ny = z^2\n"),
            (Names{"x", "w", "z", "y"}));
}

TEST(GraphTest, TiesGoToTheEarliestStatementInTheFile) {
  // Ready at first: a and b. Once a is ordered, c (statement 0) is ready
  // and comes before b (statement 3), which was ready all along.
  EXPECT_EQ(order_of("c = a\na = 1\nd = b\nb = 2\n"),
            (Names{"a", "c", "b", "d"}));
}

TEST(GraphTest, DiamondOrdersEachNodeOnce) {
  EXPECT_EQ(order_of("y = u*v\nu = x + 1\nv = x^2\nx = 3\n"),
            (Names{"x", "u", "v", "y"}));
}

TEST(GraphTest, LongChainSortsWithoutRecursion) {
  Graph graph = graph_of(chain(200000));
  std::vector<NodeId> order = topological_order(graph);
  ASSERT_EQ(order.size(), 200000u);
  EXPECT_EQ(order.front(), 0u);
  EXPECT_EQ(order.back(), 199999u);
}

// ---- Cycles ----------------------------------------------------------------

TEST(GraphTest, CycleIsSpelledOutWithNotes) {
  EXPECT_EQ(graph_error("a = b + 1\nb = a * 2\n"),
            "test.expr:1:1: error: the statements form a cycle: a -> b -> a\n"
            "    a = b + 1\n"
            "    ^\n"
            "test.expr:1:5: note: 'a' uses 'b' here\n"
            "    a = b + 1\n"
            "        ^\n"
            "test.expr:2:5: note: 'b' uses 'a' here\n"
            "    b = a * 2\n"
            "        ^\n");
}

TEST(GraphTest, SelfReferenceIsACycleOfOne) {
  EXPECT_EQ(graph_error("x = 1\nh = 2*h + x\n"),
            "test.expr:2:1: error: 'h' is defined in terms of itself: h -> h\n"
            "    h = 2*h + x\n"
            "    ^\n"
            "test.expr:2:7: note: 'h' uses 'h' here\n"
            "    h = 2*h + x\n"
            "          ^\n");
}

TEST(GraphTest, CycleWalkSkipsNodesThatOnlyDependOnTheCycle) {
  // 'y' comes first and cannot be ordered, but it is not in the cycle.
  std::string error = graph_error("y = b\nx = 1\nb = c + x\nc = 2*b\n");
  EXPECT_TRUE(error.starts_with(
      "test.expr:3:1: error: the statements form a cycle: b -> c -> b\n"));
}

TEST(GraphTest, CycleStartsAtItsEarliestStatement) {
  std::string error = graph_error("c = a\nb = c\na = b\n");
  EXPECT_TRUE(error.starts_with(
      "test.expr:1:1: error: the statements form a cycle: c -> a -> b -> c\n"));
}

TEST(GraphTest, LongCycleIsFoundWithoutRecursion) {
  std::string text = chain(100000);
  text.replace(0, text.find('\n'), "n0 = n99999 + 1");
  Graph graph = graph_of(text);
  try {
    topological_order(graph);
    FAIL() << "expected a cycle";
  } catch (const Failure& failure) {
    const Diagnostic& error = failure.diagnostics().front();
    // Six names, the count of the hidden ones (100000 - 8), the last two.
    EXPECT_EQ(error.message,
              "the statements form a cycle: n0 -> n99999 -> n99998 -> "
              "n99997 -> n99996 -> n99995 -> ... (99992 more) -> n2 -> n1 "
              "-> n0");
    // Seven uses, a note of the 99992 hidden ones, and the use closing it.
    ASSERT_EQ(error.notes.size(), 9u);
    EXPECT_EQ(error.notes[7].message, "99992 more uses continue the cycle");
    EXPECT_FALSE(error.notes[7].span.has_value());
    EXPECT_EQ(error.notes[8].message, "'n1' uses 'n0' here");
  }
}

TEST(GraphTest, CycleOfSixteenIsSpelledOutWhole) {
  std::string text;
  for (int i = 0; i < 16; ++i)
    text += fmt::format("a{} = a{}\n", i, (i + 1) % 16);
  std::string error = graph_error(text);
  EXPECT_TRUE(error.starts_with(
      "test.expr:1:1: error: the statements form a cycle: a0 -> a1 -> a2 -> "
      "a3 -> a4 -> a5 -> a6 -> a7 -> a8 -> a9 -> a10 -> a11 -> a12 -> a13 -> "
      "a14 -> a15 -> a0\n"))
      << error;
}

// ---- Ancestors -------------------------------------------------------------

TEST(GraphTest, AncestorsAreWhatTheOutputDependsOn) {
  Graph graph = graph_of("x = 1\nu = 2\nz = 3*x\ny = z + 1\nw = u\n");
  std::vector<bool> marked = ancestors_of(graph, *graph.find("y"));
  EXPECT_EQ(marked, (std::vector<bool>{true, false, true, true, false}));
}

TEST(GraphTest, AncestorsIncludeTheOutputItself) {
  Graph graph = graph_of("x = 1\ny = 2\n");
  EXPECT_EQ(ancestors_of(graph, 0), (std::vector<bool>{true, false}));
}

TEST(GraphTest, AncestorsReachEveryPathOfADiamond) {
  Graph graph = graph_of("x = 3\nu = x + 1\nv = x^2\ny = u*v\nz = v\n");
  std::vector<bool> marked = ancestors_of(graph, *graph.find("y"));
  EXPECT_EQ(marked, (std::vector<bool>{true, true, true, true, false}));
}

TEST(GraphTest, AncestorsOfALongChainNeedNoRecursion) {
  Graph graph = graph_of(chain(200000));
  std::vector<bool> marked = ancestors_of(graph, graph.output);
  EXPECT_EQ(std::count(marked.begin(), marked.end(), true), 200000);
}

}  // namespace
}  // namespace backprop
