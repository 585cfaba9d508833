// Expressions: one small tree type shared by the parser, the symbolic
// derivative and the simplifier, stored in an arena.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "backprop/functions.hpp"

namespace backprop {

using ExprId = uint32_t;
using NodeId = uint32_t;

inline constexpr ExprId kNoExpr = std::numeric_limits<ExprId>::max();

enum class ExprKind : uint8_t {
  Number,    // a literal, whose value's bits `a` and `b` hold
  Name,      // `a` is a NodeId once names are resolved, a byte offset
             // before; `b` is the name's length in the source, or 0
  Negate,    // -a
  Add,       // a + b
  Subtract,  // a - b
  Multiply,  // a * b
  Divide,    // a / b
  Power,     // a ^ b
  Call,      // function(a) or function(a, b)
};

struct ExprNode {
  ExprKind kind;
  Function function;  // meaningful for Call only
  uint32_t a;
  uint32_t b;
};

/// An arena of expression nodes. Ids stay valid as the pool grows, and
/// nodes are never changed once built, except that names are resolved once.
///
/// The `make_*` constructors build exactly what they are given, as the
/// parser needs. The others (`add`, `multiply`, ...) simplify as they build,
/// the way a person writes a derivative: no `* 1`, no `+ 0`, no `^1`,
/// constants folded when the result stays short, a term repeated in a sum
/// collected (`y + y` is `2*y`).
class ExprPool {
 public:
  const ExprNode& operator[](ExprId id) const { return nodes_[id]; }
  size_t size() const { return nodes_.size(); }
  double number(ExprId id) const {
    const ExprNode& node = nodes_[id];
    return std::bit_cast<double>(uint64_t{node.b} << 32 | node.a);
  }
  bool is_number(ExprId id) const {
    return nodes_[id].kind == ExprKind::Number;
  }
  bool is_number(ExprId id, double value) const {
    return is_number(id) && number(id) == value;
  }

  /// The byte offset in the source where a parsed node starts, or
  /// kNoOffset for a node that a derivative built.
  static constexpr uint32_t kNoOffset = std::numeric_limits<uint32_t>::max();
  uint32_t offset(ExprId id) const {
    return id < offsets_.size() ? offsets_[id] : kNoOffset;
  }

  // Inline, as the parser calls them for every operand and operator.
  ExprId make_number(double value, uint32_t offset = kNoOffset) {
    const auto bits = std::bit_cast<uint64_t>(value);
    return add_node(
        {ExprKind::Number, Function::Sigma, static_cast<uint32_t>(bits),
         static_cast<uint32_t>(bits >> 32)},
        offset);
  }
  ExprId make_name(uint32_t name, uint32_t offset = kNoOffset,
                   uint32_t length = 0) {
    return add_node({ExprKind::Name, Function::Sigma, name, length}, offset);
  }
  ExprId make(ExprKind kind, ExprId a, ExprId b = kNoExpr,
              uint32_t offset = kNoOffset) {
    return add_node({kind, Function::Sigma, a, b}, offset);
  }
  ExprId make_call(Function function, ExprId a, ExprId b = kNoExpr,
                   uint32_t offset = kNoOffset) {
    return add_node({ExprKind::Call, function, a, b}, offset);
  }

  /// Points a Name node at the node it names.
  void resolve_name(ExprId id, NodeId node) { nodes_[id].a = node; }

  ExprId number_node(double value);
  ExprId negate(ExprId a);
  ExprId add(ExprId a, ExprId b);
  ExprId subtract(ExprId a, ExprId b);
  ExprId multiply(ExprId a, ExprId b);
  ExprId divide(ExprId a, ExprId b);
  ExprId power(ExprId a, ExprId b);
  ExprId call(Function function, ExprId a, ExprId b = kNoExpr);

  /// Whether two trees are the same expression, node by node.
  bool equal(ExprId x, ExprId y) const;

  /// Room for `nodes` nodes, of which `parsed` have an offset.
  void reserve(size_t nodes, size_t parsed);

 private:
  // A term of a sum split into its numeric coefficient and the rest:
  // 3*x is {3, x}, -x is {-1, x}, x is {1, x}.
  struct Term {
    double coefficient;
    ExprId rest;
  };
  Term split_term(ExprId id) const;
  // A factor split into its leading constant and the rest: 3*x is {3, x},
  // 3 is {3, kNoExpr}, x is {1, x}.
  Term split_product(ExprId id) const;
  ExprId scaled(double coefficient, ExprId rest);
  bool has_negative_coefficient(ExprId id) const;
  ExprId cancel_constants(ExprId a, ExprId b);

  // Inlined by force: the parser calls it for every node, a call costs as
  // much as its work, and the compiler, left to judge, keeps it out of
  // line (2 to 4% of an answer key of 1e5 statements).
  [[gnu::always_inline]] ExprId add_node(const ExprNode& node,
                                         uint32_t offset) {
    const auto id = static_cast<ExprId>(nodes_.size());
    nodes_.push_back(node);
    if (offset != kNoOffset) {
      if (offsets_.size() != id) [[unlikely]]
        pad_offsets(id);
      offsets_.push_back(offset);
    }
    return id;
  }
  // Gives the nodes since the last offset none, up to `id`.
  void pad_offsets(ExprId id);

  std::vector<ExprNode> nodes_;
  // Per node up to the last that has an offset: the nodes a derivative
  // builds, which outnumber the parsed ones, take no room here.
  std::vector<uint32_t> offsets_;
};

/// Evaluates a resolved expression with `values` indexed by NodeId.
double evaluate(const ExprPool& pool, ExprId id,
                std::span<const double> values);

}  // namespace backprop
