// Symbolic differentiation of each right side by reverse accumulation over
// its tree: the adjoint of the root is 1, each node hands its children their
// share by the chain rule, and a name collects what reaches it.
#include "backprop/derive.hpp"

namespace backprop {
namespace {

class StatementDeriver {
 public:
  StatementDeriver(Graph& graph) : graph_(graph), pool_(graph.program.exprs) {
    slot_.assign(graph.size(), 0);
  }

  /// Fills `out` (one entry per parent of `node`) with the derivatives of
  /// the tree below `root` by each parent, given the root's adjoint.
  void derive(NodeId node, ExprId root, ExprId seed, ExprId* out);

 private:
  void mark_varying(const Statement& statement);
  bool varies(ExprId id) const {
    return id >= first_ && id - first_ < varies_.size() && varies_[id - first_];
  }
  void sweep(ExprId id, ExprId adjoint);
  void collect(NodeId parent, ExprId adjoint);

  Graph& graph_;
  ExprPool& pool_;
  std::vector<uint32_t> slot_;   // parent -> index among the node's parents
  std::vector<uint8_t> varies_;  // subtree names a node, for the tree's ids
  ExprId first_ = 0;
  ExprId* out_ = nullptr;
};

// Parsed trees number children before parents, so one ascending pass marks
// every subtree that names a node; constant subtrees are skipped later.
void StatementDeriver::mark_varying(const Statement& statement) {
  first_ = statement.first;
  varies_.assign(statement.value - statement.first + 1, 0);
  for (ExprId id = statement.first; id <= statement.value; ++id) {
    const ExprNode& node = pool_[id];
    bool result = node.kind == ExprKind::Name;
    if (node.kind != ExprKind::Number && node.kind != ExprKind::Name) {
      result = varies(node.a) || (node.b != kNoExpr && varies(node.b));
    }
    varies_[id - first_] = result;
  }
}

void StatementDeriver::derive(NodeId node, ExprId root, ExprId seed,
                              ExprId* out) {
  std::span<const NodeId> parents = graph_.parents(node);
  for (uint32_t i = 0; i < parents.size(); ++i) {
    slot_[parents[i]] = i;
    out[i] = kNoExpr;
  }
  mark_varying(graph_.statement(node));
  out_ = out;
  sweep(root, seed);
  for (uint32_t i = 0; i < parents.size(); ++i) {
    if (out[i] == kNoExpr)
      out[i] = pool_.number_node(0);
  }
}

void StatementDeriver::collect(NodeId parent, ExprId adjoint) {
  ExprId& sum = out_[slot_[parent]];
  sum = sum == kNoExpr ? adjoint : pool_.add(sum, adjoint);
}

void StatementDeriver::sweep(ExprId id, ExprId adjoint) {
  if (!varies(id) || pool_.is_number(adjoint, 0))
    return;
  const ExprNode node = pool_[id];
  const ExprId a = node.a;
  const ExprId b = node.b;
  switch (node.kind) {
    case ExprKind::Number:
      return;
    case ExprKind::Name:
      collect(a, adjoint);
      return;
    case ExprKind::Negate:
      sweep(a, pool_.negate(adjoint));
      return;
    case ExprKind::Add:  // d(a + b) = da + db
      sweep(a, adjoint);
      sweep(b, adjoint);
      return;
    case ExprKind::Subtract:  // d(a - b) = da - db
      sweep(a, adjoint);
      if (varies(b))
        sweep(b, pool_.negate(adjoint));
      return;
    case ExprKind::Multiply:  // d(a b) = b da + a db
      if (varies(a))
        sweep(a, pool_.multiply(adjoint, b));
      if (varies(b))
        sweep(b, pool_.multiply(adjoint, a));
      return;
    case ExprKind::Divide:  // d(a / b) = da / b - a db / b^2
      if (varies(a))
        sweep(a, pool_.divide(adjoint, b));
      if (varies(b)) {
        ExprId square = pool_.power(b, pool_.number_node(2));
        sweep(b,
              pool_.negate(pool_.divide(pool_.multiply(adjoint, a), square)));
      }
      return;
    case ExprKind::Power:  // d(a^b) = b a^(b-1) da + a^b log(a) db
      if (varies(a)) {
        ExprId lowered =
            pool_.power(a, pool_.subtract(b, pool_.number_node(1)));
        sweep(a, pool_.multiply(adjoint, pool_.multiply(b, lowered)));
      }
      if (varies(b)) {
        ExprId log = pool_.call(Function::Log, a);
        sweep(b, pool_.multiply(adjoint, pool_.multiply(id, log)));
      }
      return;
    case ExprKind::Call: {  // d f(a, b) = f_a da + f_b db
      const FunctionInfo& row = info(node.function);
      if (varies(a)) {
        sweep(a, pool_.multiply(adjoint, row.derivative(pool_, a, b, 0)));
      }
      if (b != kNoExpr && varies(b)) {
        sweep(b, pool_.multiply(adjoint, row.derivative(pool_, a, b, 1)));
      }
      return;
    }
  }
}

}  // namespace

LocalDerivatives derive(Graph& graph) {
  LocalDerivatives result;
  result.by_parent.assign(graph.edge_count(), kNoExpr);
  result.by_result.assign(graph.edge_count(), kNoExpr);
  StatementDeriver deriver(graph);
  ExprPool& pool = graph.program.exprs;

  for (NodeId node = 0; node < graph.size(); ++node) {
    const Statement& statement = graph.statement(node);
    if (statement.is_leaf)
      continue;
    uint32_t edge = graph.first_edge(node);
    deriver.derive(node, statement.value, pool.number_node(1),
                   &result.by_parent[edge]);

    // y = f(u): derive again from u, seeded with f′ written with y.
    const ExprNode root = pool[statement.value];
    if (root.kind != ExprKind::Call)
      continue;
    const FunctionInfo& row = info(root.function);
    if (row.arity != 1 || row.derivative_by_result == nullptr)
      continue;
    ExprId y = pool.make_name(node);
    deriver.derive(node, root.a, row.derivative_by_result(pool, y),
                   &result.by_result[edge]);
  }
  return result;
}

}  // namespace backprop
