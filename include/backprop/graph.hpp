// The computational graph: one node per statement, an edge from each name a
// right side uses (the parent) to the statement that uses it (the child).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backprop/name_index.hpp"
#include "backprop/parser.hpp"

namespace backprop {

/// A graph built from a program, with every name resolved. NodeId i is the
/// program's statement i, so node ids follow the file's order.
///
/// Edges are numbered so that the edges into a child are consecutive: the
/// parents of node n are edges [parent_begin[n], parent_begin[n + 1]).
class Graph {
 public:
  Program program;
  NodeId output = 0;

  size_t size() const { return program.statements.size(); }
  const Statement& statement(NodeId node) const {
    return program.statements[node];
  }
  std::string_view name(NodeId node) const { return statement(node).name; }
  const SourceFile& source() const { return *program.source; }

  /// The distinct names that a node's right side uses, in order of first use.
  std::span<const NodeId> parents(NodeId node) const {
    return {parents_.data() + parent_begin_[node],
            parents_.data() + parent_begin_[node + 1]};
  }
  uint32_t first_edge(NodeId node) const { return parent_begin_[node]; }
  size_t edge_count() const { return parents_.size(); }
  NodeId edge_parent(uint32_t edge) const { return parents_[edge]; }
  const NodeId& edge_child(uint32_t edge) const { return edge_child_[edge]; }

  /// The edges out of a node, ordered by their child's place in the file.
  std::span<const uint32_t> child_edges(NodeId node) const {
    return {child_edges_.data() + child_begin_[node],
            child_edges_.data() + child_begin_[node + 1]};
  }

  /// Whether every statement comes after the statements it uses.
  bool parents_precede() const { return parents_precede_; }

  /// The node of a name, if a statement assigns it.
  std::optional<NodeId> find(std::string_view name) const;

  /// Every node's name, in file order.
  std::vector<std::string_view> names() const;

  /// Resolves the program's names and links the nodes. Throws Failure on a
  /// name assigned twice (with a note at the first assignment) or a name
  /// that no statement assigns (with the nearest names).
  static Graph build(Program program);

 private:
  /// Adds every statement's name to the index and resolves every name
  /// used; throws as build() says.
  void index_names();
  std::string_view spelled(ExprId id) const;

  std::vector<uint32_t> parent_begin_;
  std::vector<NodeId> parents_;
  std::vector<NodeId> edge_child_;
  std::vector<uint32_t> child_begin_;
  std::vector<uint32_t> child_edges_;
  NameIndex index_;
  size_t names_used_ = 0;  // Name nodes in the program
  bool parents_precede_ = true;
};

/// The nodes in topological order by Kahn's algorithm: every node after its
/// parents, and among the nodes that are ready, the one first in the file
/// first. Throws Failure naming the cycle (`a -> b -> a`) if there is one.
std::vector<NodeId> topological_order(const Graph& graph);

/// Marks the nodes whose value the output depends on, the output included.
std::vector<bool> ancestors_of(const Graph& graph, NodeId output);

}  // namespace backprop
