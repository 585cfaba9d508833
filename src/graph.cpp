// Building the graph (resolving names, linking parents and children) and
// ordering it topologically.
#include "backprop/graph.hpp"

#include <algorithm>
#include <functional>
#include <queue>

#include "backprop/diagnostic.hpp"

namespace backprop {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

// The name that starts at a byte offset of the source.
std::string_view name_at(std::string_view text, uint32_t offset) {
  uint32_t end = offset;
  while (end < text.size() && is_name_char(text[end]))
    ++end;
  return text.substr(offset, end - offset);
}

Span span_of(std::string_view name, uint32_t offset) {
  return {offset, offset + static_cast<uint32_t>(name.size())};
}

[[noreturn]] void fail_undefined(const Graph& graph, std::string_view name,
                                 uint32_t offset) {
  std::vector<std::string_view> known = graph.names();
  std::vector<std::string> close = nearest_names(name, known);
  std::string message = fmt::format("undefined name '{}'", name);
  if (!close.empty())
    message += fmt::format("; did you mean '{}'?", close[0]);
  Diagnostic error = Diagnostic::error(span_of(name, offset), message);
  error.notes.push_back({Severity::Note,
                         std::nullopt,
                         fmt::format("the file assigns {}", quoted_list(known)),
                         {}});
  throw Failure(error);
}

[[noreturn]] void fail_assigned_twice(const Graph& graph, NodeId node,
                                      NodeId earlier) {
  const Statement& statement = graph.statement(node);
  Diagnostic error =
      Diagnostic::error(statement.name_span,
                        fmt::format("'{}' is assigned twice", statement.name));
  error.with_note(Diagnostic::note(
      graph.statement(earlier).name_span,
      fmt::format("'{}' was first assigned here", statement.name)));
  throw Failure(error);
}

// Where `child`'s right side first uses `parent`.
Span use_of(const Graph& graph, NodeId child, NodeId parent) {
  const Statement& statement = graph.statement(child);
  for (ExprId id = statement.first; id <= statement.value; ++id) {
    const ExprNode& node = graph.program.exprs[id];
    if (node.kind == ExprKind::Name && node.a == parent) {
      uint32_t offset = graph.program.exprs.offset(id);
      return span_of(graph.name(parent), offset);
    }
  }
  return statement.name_span;
}

// A cycle longer than twice this is shown by its first and last names and
// uses (this many of each), so that a generated file's long cycle stays a
// readable diagnostic.
constexpr size_t kCycleShown = 8;

bool is_long(const std::vector<NodeId>& cycle) {
  return cycle.size() > 2 * kCycleShown;
}

// "a -> b -> c -> a", or for a long cycle its first and last names around
// "... (N more) ...".
std::string cycle_path(const Graph& graph, const std::vector<NodeId>& cycle) {
  std::string path;
  for (size_t i = 0; i < cycle.size(); ++i) {
    const bool hidden =
        is_long(cycle) && i >= kCycleShown - 2 && i + 2 < cycle.size();
    if (!hidden)
      path += fmt::format("{} -> ", graph.name(cycle[i]));
    else if (i == kCycleShown - 2)
      path += fmt::format("... ({} more) -> ", cycle.size() - kCycleShown);
  }
  return path + std::string(graph.name(cycle.front()));
}

[[noreturn]] void fail_cycle(const Graph& graph, std::vector<NodeId> cycle) {
  // Start the cycle at its statement that comes first in the file.
  auto earliest = std::min_element(cycle.begin(), cycle.end());
  std::rotate(cycle.begin(), earliest, cycle.end());

  const std::string path = cycle_path(graph, cycle);
  NodeId first = cycle.front();
  std::string message =
      cycle.size() == 1 ? fmt::format("'{}' is defined in terms of itself: {}",
                                      graph.name(first), path)
                        : fmt::format("the statements form a cycle: {}", path);
  Diagnostic error =
      Diagnostic::error(graph.statement(first).name_span, message);
  for (size_t i = 0; i < cycle.size(); ++i) {
    // The uses shown: the first ones and the one that closes the cycle.
    if (is_long(cycle) && i + 1 == kCycleShown) {
      error.with_note({Severity::Note,
                       std::nullopt,
                       fmt::format("{} more uses continue the cycle",
                                   cycle.size() - kCycleShown),
                       {}});
    }
    if (is_long(cycle) && i + 1 >= kCycleShown && i + 1 < cycle.size())
      continue;
    NodeId child = cycle[i];
    NodeId parent = cycle[(i + 1) % cycle.size()];
    error.with_note(
        Diagnostic::note(use_of(graph, child, parent),
                         fmt::format("'{}' uses '{}' here", graph.name(child),
                                     graph.name(parent))));
  }
  throw Failure(error);
}

// Walks from a node that Kahn's algorithm could not order, always to a
// parent that it could not order either, until a node repeats.
std::vector<NodeId> find_cycle(const Graph& graph,
                               const std::vector<uint32_t>& waiting) {
  NodeId start = 0;
  while (waiting[start] == 0)
    ++start;
  std::vector<uint32_t> position(graph.size(), UINT32_MAX);
  std::vector<NodeId> path;
  NodeId node = start;
  while (position[node] == UINT32_MAX) {
    position[node] = static_cast<uint32_t>(path.size());
    path.push_back(node);
    for (NodeId parent : graph.parents(node)) {
      if (waiting[parent] > 0) {
        node = parent;
        break;
      }
    }
  }
  return {path.begin() + position[node], path.end()};
}

}  // namespace

std::optional<NodeId> Graph::find(std::string_view name) const {
  return index_.find(name, [this](NodeId node) { return this->name(node); });
}

std::vector<std::string_view> Graph::names() const {
  std::vector<std::string_view> result;
  result.reserve(size());
  for (const Statement& statement : program.statements) {
    result.push_back(statement.name);
  }
  return result;
}

// The name that a Name node of the program spells.
std::string_view Graph::spelled(ExprId id) const {
  const ExprNode& node = program.exprs[id];
  const uint32_t offset = program.exprs.offset(id);
  if (offset == ExprPool::kNoOffset)
    return program.extra_names[node.a];
  if (node.b != 0)
    return source().text().substr(offset, node.b);
  return name_at(source().text(), offset);
}

void Graph::index_names() {
  auto name_of = [this](NodeId node) { return name(node); };
  // One pass both assigns and looks up: a name used soon after its
  // statement, as in most files, is found while its slot is still in the
  // cache. Names used before their statement wait in `later`.
  std::vector<ExprId> later;
  index_.reserve(size());
  // The statements go in blocks: the slots of a block's names are fetched
  // all at once, so that their cache misses overlap, before the names are
  // looked up and assigned one at a time, in order.
  struct Key {
    std::string_view name;
    uint32_t hash;
  };
  constexpr NodeId kBlock = 16;
  std::vector<Key> keys;
  for (NodeId block = 0; block < size(); block += kBlock) {
    const auto end =
        static_cast<NodeId>(std::min<size_t>(block + kBlock, size()));
    keys.clear();
    for (NodeId node = block; node < end; ++node) {
      const Statement& statement = this->statement(node);
      for (ExprId id = statement.first; id <= statement.value; ++id) {
        if (program.exprs[id].kind != ExprKind::Name)
          continue;
        const std::string_view name = spelled(id);
        keys.push_back({name, index_.prefetch(name)});
      }
      keys.push_back({statement.name, index_.prefetch(statement.name)});
    }
    const Key* key = keys.data();
    for (NodeId node = block; node < end; ++node) {
      const Statement& statement = this->statement(node);
      for (ExprId id = statement.first; id <= statement.value; ++id) {
        if (program.exprs[id].kind != ExprKind::Name)
          continue;
        ++names_used_;
        std::optional<NodeId> parent =
            index_.find(key->name, key->hash, name_of);
        ++key;
        if (parent)
          program.exprs.resolve_name(id, *parent);
        else
          later.push_back(id);
      }
      std::optional<NodeId> earlier =
          index_.insert(key->name, key->hash, node, name_of);
      ++key;
      if (earlier)
        fail_assigned_twice(*this, node, *earlier);
    }
  }
  parents_precede_ = later.empty();
  for (ExprId id : later) {
    std::optional<NodeId> parent = index_.find(spelled(id), name_of);
    if (!parent)
      fail_undefined(*this, spelled(id), program.exprs.offset(id));
    program.exprs.resolve_name(id, *parent);
  }
}

Graph Graph::build(Program program) {
  Graph graph;
  graph.program = std::move(program);
  const size_t count = graph.size();
  graph.output = static_cast<NodeId>(count - 1);
  graph.index_names();

  // Each node's distinct parents, in order of first use; there are at most
  // as many as there are names used.
  std::vector<NodeId> last_child(count, UINT32_MAX);
  graph.parents_.reserve(graph.names_used_);
  graph.edge_child_.reserve(graph.names_used_);
  graph.parent_begin_.reserve(count + 1);
  graph.parent_begin_.push_back(0);
  for (NodeId node = 0; node < count; ++node) {
    const Statement& statement = graph.statement(node);
    for (ExprId id = statement.first; id <= statement.value; ++id) {
      const ExprNode& expr = graph.program.exprs[id];
      if (expr.kind != ExprKind::Name || last_child[expr.a] == node)
        continue;
      last_child[expr.a] = node;
      graph.parents_.push_back(expr.a);
      graph.edge_child_.push_back(node);
    }
    graph.parent_begin_.push_back(static_cast<uint32_t>(graph.parents_.size()));
  }

  // Children, by counting sort on the parent; scanning edges in file order
  // keeps each node's children in file order.
  graph.child_begin_.assign(count + 1, 0);
  for (NodeId parent : graph.parents_)
    ++graph.child_begin_[parent + 1];
  for (size_t i = 0; i < count; ++i) {
    graph.child_begin_[i + 1] += graph.child_begin_[i];
  }
  std::vector<uint32_t> next(graph.child_begin_.begin(),
                             graph.child_begin_.end() - 1);
  graph.child_edges_.resize(graph.parents_.size());
  for (uint32_t edge = 0; edge < graph.parents_.size(); ++edge) {
    graph.child_edges_[next[graph.parents_[edge]]++] = edge;
  }
  return graph;
}

std::vector<NodeId> topological_order(const Graph& graph) {
  const size_t count = graph.size();
  // When every statement comes after the ones it uses, as in most files,
  // Kahn's algorithm with ties to the earliest statement yields the file's
  // own order: by induction, statement k is ready once 0..k-1 are out, and
  // it is then the earliest that is left.
  if (graph.parents_precede()) {
    std::vector<NodeId> order(count);
    for (NodeId node = 0; node < count; ++node)
      order[node] = node;
    return order;
  }
  std::vector<uint32_t> waiting(count);  // parents not yet ordered
  std::priority_queue<NodeId, std::vector<NodeId>, std::greater<>> ready;
  for (NodeId node = 0; node < count; ++node) {
    waiting[node] = static_cast<uint32_t>(graph.parents(node).size());
    if (waiting[node] == 0)
      ready.push(node);
  }

  std::vector<NodeId> order;
  order.reserve(count);
  while (!ready.empty()) {
    NodeId node = ready.top();
    ready.pop();
    order.push_back(node);
    for (uint32_t edge : graph.child_edges(node)) {
      NodeId child = graph.edge_child(edge);
      if (--waiting[child] == 0)
        ready.push(child);
    }
  }
  if (order.size() < count)
    fail_cycle(graph, find_cycle(graph, waiting));
  return order;
}

std::vector<bool> ancestors_of(const Graph& graph, NodeId output) {
  std::vector<bool> marked(graph.size(), false);
  std::vector<NodeId> stack{output};
  marked[output] = true;
  while (!stack.empty()) {
    NodeId node = stack.back();
    stack.pop_back();
    for (NodeId parent : graph.parents(node)) {
      if (!marked[parent]) {
        marked[parent] = true;
        stack.push_back(parent);
      }
    }
  }
  return marked;
}

}  // namespace backprop
