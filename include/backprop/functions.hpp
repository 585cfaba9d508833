// The function table: every function of the language in one row each.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace backprop {

class ExprPool;
using ExprId = uint32_t;

enum class Function : uint8_t {
  Sigma,
  Tanh,
  Relu,
  Exp,
  Log,
  Sqrt,
  Abs,
  Sin,
  Cos,
  Max,
  Min,
  // Helpers that only derivatives use; a file cannot call them.
  SigmaPrime,  // σ′(u) = σ(u)(1 − σ(u))
  TanhPrime,   // tanh′(u) = 1 − tanh(u)²
  Sign,        // sign(u): the derivative of abs
  AtLeast,     // [a ≥ b], as 1 or 0
  Below,       // [a < b]
  AtMost,      // [a ≤ b]
  Above,       // [a > b]
};

/// How a call prints: as `f(u)`, or as an Iverson bracket `[a ≥ b]`.
enum class Notation : uint8_t { Call, Bracket };

/// One row of the table.
struct FunctionInfo {
  Function id;
  std::string_view name;   // as written in a file (or in ASCII output)
  std::string_view alias;  // another accepted name, or empty
  int arity;
  bool callable;  // false for derivative-only helpers
  Notation notation;
  std::string_view unicode;  // the spelling of the name or bracket operator
  std::string_view latex;

  /// The value at (a, b); b is ignored by functions of one argument.
  double (*value)(double a, double b);

  /// The partial derivative by argument `index` (0 or 1), as a number;
  /// `value` is the function's value at (a, b), which spares the slopes of
  /// sigma, tanh, exp and sqrt computing it again.
  double (*slope)(double a, double b, double value, int index);

  /// The same partial derivative at arguments (a, b), as an expression built
  /// with the pool's simplifying constructors. The chain rule's inner
  /// derivative is the caller's job.
  ExprId (*derivative)(ExprPool& pool, ExprId a, ExprId b, int index);

  /// For f(u) = y, the derivative written with y itself (σ′ = y(1 − y)),
  /// or null when that form says nothing new.
  ExprId (*derivative_by_result)(ExprPool& pool, ExprId y);
};

/// The row of a function.
const FunctionInfo& info(Function function);

/// The callable function that `name` (or its alias) names.
std::optional<Function> find_function(std::string_view name);

/// The names (and aliases) a file can call, in table order.
std::vector<std::string_view> callable_names();

}  // namespace backprop
