// Expanding statements into one statement per operation.
#include "backprop/expand.hpp"

#include <fmt/format.h>

#include <unordered_set>

#include "backprop/graph.hpp"

namespace backprop {
namespace {

class Expander {
 public:
  explicit Expander(const Program& program) : in_(program) {
    out_.source = program.source;
    for (const Statement& statement : program.statements)
      taken_.insert(statement.name);
  }

  Program run();

 private:
  bool is_operation(ExprId id) const {
    ExprKind kind = in_.exprs[id].kind;
    return kind != ExprKind::Number && kind != ExprKind::Name;
  }
  void copy_statement(const Statement& statement);
  void split_statement(const Statement& statement);
  ExprId copy_tree(ExprId id);
  ExprId operand(ExprId id);
  ExprId copy_node(ExprId id, ExprId a, ExprId b);
  std::string_view fresh_name(std::string_view base, uint32_t& counter);

  const Program& in_;
  Program out_;
  std::unordered_set<std::string_view> taken_;
  // Per id of the statement being split: whether its subtree names
  // something, and the generated name (an index into extra_names) of an
  // operation that became a statement.
  std::vector<uint8_t> varies_;
  std::vector<uint32_t> generated_;
  ExprId first_ = 0;
};

Program Expander::run() {
  for (const Statement& statement : in_.statements) {
    const bool splits = !statement.is_leaf && is_operation(statement.value);
    if (splits)
      split_statement(statement);
    else
      copy_statement(statement);
  }
  return std::move(out_);
}

// The same statement, its tree copied into the new pool.
void Expander::copy_statement(const Statement& statement) {
  Statement copy = statement;
  copy.first = static_cast<ExprId>(out_.exprs.size());
  copy.value = copy_tree(statement.value);
  out_.statements.push_back(copy);
}

// Walks the tree children first (its ids ascend that way) and makes a
// statement of every operation on something that varies.
void Expander::split_statement(const Statement& statement) {
  first_ = statement.first;
  const size_t size = statement.value - statement.first + 1;
  varies_.assign(size, 0);
  generated_.assign(size, UINT32_MAX);
  uint32_t counter = 0;
  for (ExprId id = statement.first; id <= statement.value; ++id) {
    const ExprNode& node = in_.exprs[id];
    bool varies = node.kind == ExprKind::Name;
    if (is_operation(id)) {
      varies = varies_[node.a - first_] ||
               (node.b != kNoExpr && node.kind != ExprKind::Negate &&
                varies_[node.b - first_]);
    }
    varies_[id - first_] = varies;
    if (!varies || !is_operation(id))
      continue;

    Statement split = statement;
    split.first = static_cast<ExprId>(out_.exprs.size());
    ExprId a = operand(node.a);
    ExprId b = node.b == kNoExpr || node.kind == ExprKind::Negate
                   ? node.b
                   : operand(node.b);
    split.value = copy_node(id, a, b);
    if (id != statement.value) {
      split.name = fresh_name(statement.name, counter);
      generated_[id - first_] =
          static_cast<uint32_t>(out_.extra_names.size() - 1);
      uint32_t offset = in_.exprs.offset(id);
      if (offset != ExprPool::kNoOffset)
        split.name_span = {offset, offset + 1};
    }
    out_.statements.push_back(split);
  }
}

// An operand of a split operation: the name of the statement it became, a
// name of the file, or a part that names nothing, copied whole.
ExprId Expander::operand(ExprId id) {
  uint32_t generated = generated_[id - first_];
  if (generated != UINT32_MAX)
    return out_.exprs.make_name(generated);
  return copy_tree(id);
}

ExprId Expander::copy_tree(ExprId id) {
  const ExprNode& node = in_.exprs[id];
  if (node.kind == ExprKind::Number || node.kind == ExprKind::Name)
    return copy_node(id, kNoExpr, kNoExpr);
  ExprId a = copy_tree(node.a);
  ExprId b = node.b == kNoExpr || node.kind == ExprKind::Negate
                 ? node.b
                 : copy_tree(node.b);
  return copy_node(id, a, b);
}

// Node `id` of the input with new operands.
ExprId Expander::copy_node(ExprId id, ExprId a, ExprId b) {
  const ExprNode& node = in_.exprs[id];
  const uint32_t offset = in_.exprs.offset(id);
  ExprPool& pool = out_.exprs;
  switch (node.kind) {
    case ExprKind::Number:
      return pool.make_number(in_.exprs.number(id), offset);
    case ExprKind::Name:
      return pool.make_name(node.a, offset, node.b);
    case ExprKind::Call:
      return pool.make_call(node.function, a, b, offset);
    default:
      return pool.make(node.kind, a, b, offset);
  }
}

// `z1`, `z2`, ... (`h_1_1` after a digit), skipping names in use.
std::string_view Expander::fresh_name(std::string_view base,
                                      uint32_t& counter) {
  const bool after_digit = base.back() >= '0' && base.back() <= '9';
  std::string name;
  do {
    name = fmt::format("{}{}{}", base, after_digit ? "_" : "", ++counter);
  } while (taken_.count(name) > 0);
  out_.extra_names.push_back(std::move(name));
  std::string_view stored = out_.extra_names.back();
  taken_.insert(stored);
  return stored;
}

}  // namespace

Program expand(Program program) {
  topological_order(Graph::build(program));
  return Expander(program).run();
}

}  // namespace backprop
