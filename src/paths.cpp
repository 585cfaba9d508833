// Counting and listing the paths from a node to the output.
#include "backprop/paths.hpp"

#include <algorithm>

namespace backprop {
namespace {

// The nodes on some path from `node` to the output, `node` included.
std::vector<bool> on_paths(const Trace& trace, NodeId node) {
  const Graph& graph = trace.graph();
  std::vector<bool> marked(graph.size(), false);
  std::vector<NodeId> stack{node};
  marked[node] = true;
  while (!stack.empty()) {
    NodeId next = stack.back();
    stack.pop_back();
    for (uint32_t edge : graph.child_edges(next)) {
      NodeId child = graph.edge_child(edge);
      if (trace.has_bar(child) && !marked[child]) {
        marked[child] = true;
        stack.push_back(child);
      }
    }
  }
  return marked;
}

// Counts the paths and their edges by dynamic programming from the output
// back, and what backprop does instead, on the nodes between.
void count(const Trace& trace, ChainRule& rule) {
  const Graph& graph = trace.graph();
  const std::vector<bool> between = on_paths(trace, rule.node);
  std::vector<double> paths(graph.size(), 0);
  std::vector<double> edges(graph.size(), 0);  // summed over the paths
  const std::vector<NodeId>& order = trace.model->order;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const NodeId node = *it;
    if (!between[node])
      continue;
    if (node == trace.output) {
      paths[node] = 1;
      continue;
    }
    double children = 0;
    for (uint32_t edge : graph.child_edges(node)) {
      NodeId child = graph.edge_child(edge);
      if (!trace.has_bar(child))
        continue;
      paths[node] += paths[child];
      edges[node] += edges[child] + paths[child];
      rule.backprop_multiplications += child == trace.output ? 0 : 1;
      ++children;
    }
    rule.backprop_additions += children - 1;
  }
  rule.path_count = paths[rule.node];
  rule.path_multiplications =
      std::max(0.0, edges[rule.node] - paths[rule.node]);
  rule.path_additions = paths[rule.node] - 1;
}

// Lists paths depth first, children in file order, within the limits.
void list(const Trace& trace, ChainRule& rule) {
  const Graph& graph = trace.graph();
  struct Frame {
    NodeId node;
    size_t next;  // the next child edge to follow
  };
  std::vector<Frame> stack{{rule.node, 0}};
  std::vector<uint32_t> edges;  // the edge into each frame but the first
  size_t listed_edges = 0;
  auto pop = [&] {
    stack.pop_back();
    if (!stack.empty())
      edges.pop_back();
  };
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.node == trace.output) {
      if (rule.paths.size() == kMaxListedPaths ||
          listed_edges + edges.size() > kMaxListedEdges) {
        return;
      }
      double product = 1;
      for (uint32_t edge : edges)
        product *= trace.local_values[edge];
      rule.paths.push_back({edges, product});
      rule.listed_sum += product;
      listed_edges += edges.size();
      pop();
      continue;
    }
    std::span<const uint32_t> children = graph.child_edges(top.node);
    while (top.next < children.size() &&
           !trace.has_bar(graph.edge_child(children[top.next]))) {
      ++top.next;
    }
    if (top.next == children.size()) {
      pop();
      continue;
    }
    uint32_t edge = children[top.next++];
    edges.push_back(edge);
    stack.push_back({graph.edge_child(edge), 0});
  }
}

}  // namespace

ChainRule chain_rule(const Trace& trace, NodeId node) {
  ChainRule rule;
  rule.node = node;
  count(trace, rule);
  list(trace, rule);
  return rule;
}

}  // namespace backprop
