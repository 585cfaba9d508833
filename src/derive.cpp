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
  ExprId simple(ExprId id);
  ExprId rebuild(const ExprNode& node, ExprId a, ExprId b);
  void sweep(ExprId id, ExprId adjoint);
  void sweep_power(ExprId id, ExprId adjoint);
  void collect(NodeId parent, ExprId adjoint);

  Graph& graph_;
  ExprPool& pool_;
  std::vector<uint32_t> slot_;   // parent -> index among the node's parents
  std::vector<uint8_t> varies_;  // subtree names a node, for the tree's ids
  std::vector<ExprId> simple_;   // subtrees rebuilt, for the tree's ids
  ExprId first_ = 0;
  ExprId* out_ = nullptr;
};

// Parsed trees number children before parents, so one ascending pass marks
// every subtree that names a node; constant subtrees are skipped later.
void StatementDeriver::mark_varying(const Statement& statement) {
  first_ = statement.first;
  varies_.assign(statement.value - statement.first + 1, 0);
  simple_.assign(statement.value - statement.first + 1, kNoExpr);
  for (ExprId id = statement.first; id <= statement.value; ++id) {
    const ExprNode& node = pool_[id];
    bool result = node.kind == ExprKind::Name;
    if (node.kind != ExprKind::Number && node.kind != ExprKind::Name) {
      result = varies(node.a) || (node.b != kNoExpr && varies(node.b));
    }
    varies_[id - first_] = result;
  }
}

// A subtree as the simplifying constructors build it, made the first time a
// rule takes it as a factor. So the x*x of x*x*x collects with the x^2 that
// the product rule makes: 3*x^2, not 2*x^2 + x*x.
ExprId StatementDeriver::simple(ExprId id) {
  const ExprNode node = pool_[id];
  if (node.kind == ExprKind::Number || node.kind == ExprKind::Name)
    return id;
  if (simple_[id - first_] != kNoExpr)
    return simple_[id - first_];
  ExprId a = simple(node.a);
  ExprId b = node.b == kNoExpr ? kNoExpr : simple(node.b);
  ExprId result = rebuild(node, a, b);
  simple_[id - first_] = result;
  return result;
}

ExprId StatementDeriver::rebuild(const ExprNode& node, ExprId a, ExprId b) {
  switch (node.kind) {
    case ExprKind::Negate:
      return pool_.negate(a);
    case ExprKind::Add:
      return pool_.add(a, b);
    case ExprKind::Subtract:
      return pool_.subtract(a, b);
    case ExprKind::Multiply:
      return pool_.multiply(a, b);
    case ExprKind::Divide:
      return pool_.divide(a, b);
    case ExprKind::Power:
      return pool_.power(a, b);
    case ExprKind::Call:
      return pool_.call(node.function, a, b);
    case ExprKind::Number:
    case ExprKind::Name:
      break;
  }
  return kNoExpr;
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
        sweep(a, pool_.multiply(adjoint, simple(b)));
      if (varies(b))
        sweep(b, pool_.multiply(adjoint, simple(a)));
      return;
    case ExprKind::Divide:  // d(a / b) = da / b - a db / b^2
      if (varies(a))
        sweep(a, pool_.divide(adjoint, simple(b)));
      if (varies(b)) {
        ExprId square = pool_.power(simple(b), pool_.number_node(2));
        ExprId top = pool_.multiply(adjoint, simple(a));
        sweep(b, pool_.negate(pool_.divide(top, square)));
      }
      return;
    case ExprKind::Power:
      sweep_power(id, adjoint);
      return;
    case ExprKind::Call: {  // d f(a, b) = f_a da + f_b db
      const FunctionInfo& row = info(node.function);
      ExprId u = simple(a);
      ExprId v = b == kNoExpr ? kNoExpr : simple(b);
      if (varies(a))
        sweep(a, pool_.multiply(adjoint, row.derivative(pool_, u, v, 0)));
      if (b != kNoExpr && varies(b))
        sweep(b, pool_.multiply(adjoint, row.derivative(pool_, u, v, 1)));
      return;
    }
  }
}

// d(a^b) = b a^(b-1) da + a^b log(a) db
void StatementDeriver::sweep_power(ExprId id, ExprId adjoint) {
  const ExprNode node = pool_[id];
  const ExprId base = simple(node.a);
  const ExprId exponent = simple(node.b);
  if (varies(node.a)) {
    ExprId lowered = pool_.subtract(exponent, pool_.number_node(1));
    ExprId slope = pool_.multiply(exponent, pool_.power(base, lowered));
    sweep(node.a, pool_.multiply(adjoint, slope));
  }
  if (varies(node.b)) {
    ExprId log = pool_.call(Function::Log, base);
    sweep(node.b, pool_.multiply(adjoint, pool_.multiply(simple(id), log)));
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
