// The expression arena and its simplifying constructors.
#include "backprop/expr.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <cmath>

namespace backprop {
namespace {

// Whether folding `a op b` into `result` keeps the written form short: 0.5*2
// folds to 1, but 0.1*3 stays as it is rather than print 0.30000000000000004.
// How many bytes the shortest form of a number takes, as traces spell it:
// a whole number below 1e15 is spelled as an integer.
size_t spelled_length(double value) {
  const double magnitude = std::fabs(value);
  if (magnitude < 1e15 && magnitude == std::trunc(magnitude)) {
    size_t length = std::signbit(value) ? 2 : 1;  // fmt writes "-0"
    for (double bound = 10; bound <= magnitude; bound *= 10)
      ++length;
    return length;
  }
  char text[32];  // the longest is 24 bytes, as in -1.2345678901234567e-308
  return static_cast<size_t>(fmt::format_to(text, FMT_COMPILE("{}"), value) -
                             text);
}

bool folds_short(double result, double a, double b) {
  if (!std::isfinite(result))
    return false;
  size_t longest = std::max(spelled_length(a), spelled_length(b));
  return spelled_length(result) <= longest + 2;
}

}  // namespace

void ExprPool::reserve(size_t nodes, size_t parsed) {
  nodes_.reserve(nodes);
  offsets_.reserve(parsed);
}

void ExprPool::pad_offsets(ExprId id) {
  offsets_.resize(id, kNoOffset);
}

ExprId ExprPool::number_node(double value) {
  return make_number(value);
}

ExprId ExprPool::negate(ExprId a) {
  // Copies, not references: building a node may move the arena.
  const ExprNode node = nodes_[a];
  switch (node.kind) {
    case ExprKind::Number:
      return number_node(-number(a));
    case ExprKind::Negate:
      return node.a;
    case ExprKind::Subtract:
      return subtract(node.b, node.a);
    case ExprKind::Multiply:
      if (is_number(node.a)) {
        return multiply(number_node(-number(node.a)), node.b);
      }
      break;
    default:
      break;
  }
  return make(ExprKind::Negate, a);
}

ExprPool::Term ExprPool::split_term(ExprId id) const {
  const ExprNode& node = nodes_[id];
  if (node.kind == ExprKind::Multiply && is_number(node.a)) {
    return {number(node.a), node.b};
  }
  if (node.kind == ExprKind::Negate) {
    Term inner = split_term(node.a);
    return {-inner.coefficient, inner.rest};
  }
  return {1, id};
}

ExprId ExprPool::scaled(double coefficient, ExprId rest) {
  return multiply(number_node(coefficient), rest);
}

bool ExprPool::has_negative_coefficient(ExprId id) const {
  const ExprNode& node = nodes_[id];
  return node.kind == ExprKind::Multiply && is_number(node.a) &&
         number(node.a) < 0;
}

// c*p / (d*q) cancels the constants when their ratio is short: 2*x/(2*u)
// is x/u, 4*x/(2*u) is 2*x/u and 2*x/(4*u) is x/(2*u). A number alone on
// either side counts as c*1 or d*1, but 1/(2*u) stays as it is.
ExprId ExprPool::cancel_constants(ExprId a, ExprId b) {
  const Term top = split_product(a);
  const Term bottom = split_product(b);
  const double c = top.coefficient;
  const double d = bottom.coefficient;
  const bool up = std::abs(c) >= std::abs(d);
  const double ratio = up ? c / d : d / c;
  if (c == 1 || d == 1 || !folds_short(ratio, c, d))
    return make(ExprKind::Divide, a, b);

  ExprId p = top.rest == kNoExpr ? number_node(1) : top.rest;
  ExprId q = bottom.rest == kNoExpr ? number_node(1) : bottom.rest;
  ExprId factor = number_node(std::abs(ratio));
  ExprId result =
      up ? multiply(factor, divide(p, q)) : divide(p, multiply(factor, q));
  return ratio < 0 ? negate(result) : result;
}

ExprPool::Term ExprPool::split_product(ExprId id) const {
  const ExprNode& node = nodes_[id];
  if (is_number(id))
    return {number(id), kNoExpr};
  if (node.kind == ExprKind::Multiply && is_number(node.a))
    return {number(node.a), node.b};
  return {1, id};
}

ExprId ExprPool::add(ExprId a, ExprId b) {
  if (is_number(a) && is_number(b)) {
    double sum = number(a) + number(b);
    if (folds_short(sum, number(a), number(b)))
      return number_node(sum);
  }
  if (is_number(a, 0))
    return b;
  if (is_number(b, 0))
    return a;
  if (nodes_[b].kind == ExprKind::Negate)
    return subtract(a, nodes_[b].a);
  if (is_number(b) && number(b) < 0) {
    return subtract(a, number_node(-number(b)));
  }
  if (has_negative_coefficient(b))
    return subtract(a, negate(b));
  Term left = split_term(a);
  Term right = split_term(b);
  double sum = left.coefficient + right.coefficient;
  if (!is_number(left.rest) && equal(left.rest, right.rest) &&
      folds_short(sum, left.coefficient, right.coefficient)) {
    return scaled(sum, left.rest);
  }
  return make(ExprKind::Add, a, b);
}

ExprId ExprPool::subtract(ExprId a, ExprId b) {
  if (is_number(a) && is_number(b)) {
    double difference = number(a) - number(b);
    if (folds_short(difference, number(a), number(b))) {
      return number_node(difference);
    }
  }
  if (is_number(b, 0))
    return a;
  if (is_number(a, 0))
    return negate(b);
  if (nodes_[b].kind == ExprKind::Negate)
    return add(a, nodes_[b].a);
  if (is_number(b) && number(b) < 0)
    return add(a, number_node(-number(b)));
  if (has_negative_coefficient(b))
    return add(a, negate(b));
  Term left = split_term(a);
  Term right = split_term(b);
  double difference = left.coefficient - right.coefficient;
  if (!is_number(left.rest) && equal(left.rest, right.rest) &&
      folds_short(difference, left.coefficient, right.coefficient)) {
    return scaled(difference, left.rest);
  }
  return make(ExprKind::Subtract, a, b);
}

ExprId ExprPool::multiply(ExprId a, ExprId b) {
  if (is_number(a) && is_number(b)) {
    double product = number(a) * number(b);
    if (folds_short(product, number(a), number(b))) {
      return number_node(product);
    }
    return make(ExprKind::Multiply, a, b);
  }
  if (is_number(b))
    return multiply(b, a);  // constants go first
  if (is_number(a, 0))
    return a;
  if (is_number(a, 1))
    return b;
  if (is_number(a, -1))
    return negate(b);

  const ExprNode left = nodes_[a];
  const ExprNode right = nodes_[b];
  if (left.kind == ExprKind::Negate)
    return negate(multiply(left.a, b));
  if (right.kind == ExprKind::Negate)
    return negate(multiply(a, right.a));
  if (right.kind == ExprKind::Multiply && is_number(right.a)) {
    // a * (c*r) is (a*c) * r when a is a number, else c * (a*r).
    if (!is_number(a))
      return multiply(right.a, multiply(a, right.b));
    double product = number(a) * number(right.a);
    if (folds_short(product, number(a), number(right.a))) {
      return multiply(number_node(product), right.b);
    }
    return make(ExprKind::Multiply, a, b);
  }
  if (left.kind == ExprKind::Multiply && is_number(left.a) && !is_number(a)) {
    return multiply(left.a, multiply(left.b, b));
  }
  // A quotient takes the other factor into its numerator: 1/u * v is v/u.
  if (right.kind == ExprKind::Divide)
    return divide(multiply(a, right.a), right.b);
  if (left.kind == ExprKind::Divide)
    return divide(multiply(left.a, b), left.b);
  if (!is_number(a) && equal(a, b))
    return power(a, number_node(2));
  return make(ExprKind::Multiply, a, b);
}

ExprId ExprPool::divide(ExprId a, ExprId b) {
  if (is_number(a) && is_number(b) && number(b) != 0) {
    double quotient = number(a) / number(b);
    if (folds_short(quotient, number(a), number(b))) {
      return number_node(quotient);
    }
  }
  if (is_number(a, 0))
    return a;
  if (is_number(b, 1))
    return a;
  if (is_number(b, -1))
    return negate(a);
  if (nodes_[a].kind == ExprKind::Negate) {
    return negate(divide(nodes_[a].a, b));
  }
  if (nodes_[b].kind == ExprKind::Negate) {
    return negate(divide(a, nodes_[b].a));
  }
  if (is_number(b) && number(b) < 0)
    return negate(divide(a, number_node(-number(b))));
  // One fraction bar: (p/q)/b is p/(q*b), and a/(p/q) is a*q/p.
  if (nodes_[a].kind == ExprKind::Divide) {
    const ExprNode top = nodes_[a];
    return divide(top.a, multiply(top.b, b));
  }
  if (nodes_[b].kind == ExprKind::Divide) {
    const ExprNode bottom = nodes_[b];
    return divide(multiply(a, bottom.b), bottom.a);
  }
  if (equal(a, b))
    return number_node(1);
  return cancel_constants(a, b);
}

ExprId ExprPool::power(ExprId a, ExprId b) {
  if (is_number(b, 1))
    return a;
  if (is_number(b, 0) || is_number(a, 1))
    return number_node(1);
  if (is_number(a) && is_number(b)) {
    double result = std::pow(number(a), number(b));
    if (folds_short(result, number(a), number(b)))
      return number_node(result);
  }
  return make(ExprKind::Power, a, b);
}

ExprId ExprPool::call(Function function, ExprId a, ExprId b) {
  return make_call(function, a, b);
}

bool ExprPool::equal(ExprId x, ExprId y) const {
  if (x == y)
    return true;
  const ExprNode& left = nodes_[x];
  const ExprNode& right = nodes_[y];
  if (left.kind != right.kind)
    return false;
  switch (left.kind) {
    case ExprKind::Number:
      return number(x) == number(y);
    case ExprKind::Name:
      return left.a == right.a;
    case ExprKind::Negate:
      return equal(left.a, right.a);
    case ExprKind::Call:
      if (left.function != right.function || !equal(left.a, right.a)) {
        return false;
      }
      return left.b == kNoExpr ? right.b == kNoExpr
                               : right.b != kNoExpr && equal(left.b, right.b);
    default:
      return equal(left.a, right.a) && equal(left.b, right.b);
  }
}

double evaluate(const ExprPool& pool, ExprId id,
                std::span<const double> values) {
  const ExprNode& node = pool[id];
  switch (node.kind) {
    case ExprKind::Number:
      return pool.number(id);
    case ExprKind::Name:
      return values[node.a];
    case ExprKind::Negate:
      return -evaluate(pool, node.a, values);
    case ExprKind::Add:
      return evaluate(pool, node.a, values) + evaluate(pool, node.b, values);
    case ExprKind::Subtract:
      return evaluate(pool, node.a, values) - evaluate(pool, node.b, values);
    case ExprKind::Multiply:
      return evaluate(pool, node.a, values) * evaluate(pool, node.b, values);
    case ExprKind::Divide:
      return evaluate(pool, node.a, values) / evaluate(pool, node.b, values);
    case ExprKind::Power:
      return std::pow(evaluate(pool, node.a, values),
                      evaluate(pool, node.b, values));
    case ExprKind::Call: {
      double a = evaluate(pool, node.a, values);
      double b = node.b == kNoExpr ? 0 : evaluate(pool, node.b, values);
      return info(node.function).value(a, b);
    }
  }
  return 0;
}

}  // namespace backprop
