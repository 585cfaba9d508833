// The function table. Each row says a function's name, arity, value, local
// derivative and spellings; adding a function is adding a row.
#include "backprop/functions.hpp"

#include <array>
#include <cmath>
#include <cstdint>

#include "backprop/expr.hpp"

namespace backprop {
namespace {

double sigma(double u) {
  // Written so that neither branch overflows exp for large |u|.
  if (u >= 0)
    return 1 / (1 + std::exp(-u));
  double e = std::exp(u);
  return e / (1 + e);
}

double indicator(bool condition) {
  return condition ? 1 : 0;
}

// One-argument derivatives: d f(u) / du.

// σ′(u) = σ(u)(1 − σ(u))
ExprId d_sigma(ExprPool& p, ExprId u, ExprId, int) {
  return p.call(Function::SigmaPrime, u);
}
// tanh′(u) = 1 − tanh(u)²
ExprId d_tanh(ExprPool& p, ExprId u, ExprId, int) {
  return p.call(Function::TanhPrime, u);
}
// relu′(u) = [u > 0], taken as 0 at the kink
ExprId d_relu(ExprPool& p, ExprId u, ExprId, int) {
  return p.call(Function::Above, u, p.number_node(0));
}
// exp′(u) = exp(u)
ExprId d_exp(ExprPool& p, ExprId u, ExprId, int) {
  return p.call(Function::Exp, u);
}
// log′(u) = 1/u
ExprId d_log(ExprPool& p, ExprId u, ExprId, int) {
  return p.divide(p.number_node(1), u);
}
// sqrt′(u) = 1/(2 sqrt(u))
ExprId d_sqrt(ExprPool& p, ExprId u, ExprId, int) {
  ExprId root = p.call(Function::Sqrt, u);
  return p.divide(p.number_node(1), p.multiply(p.number_node(2), root));
}
// abs′(u) = sign(u), taken as 0 at the kink
ExprId d_abs(ExprPool& p, ExprId u, ExprId, int) {
  return p.call(Function::Sign, u);
}
// sin′(u) = cos(u)
ExprId d_sin(ExprPool& p, ExprId u, ExprId, int) {
  return p.call(Function::Cos, u);
}
// cos′(u) = −sin(u)
ExprId d_cos(ExprPool& p, ExprId u, ExprId, int) {
  return p.negate(p.call(Function::Sin, u));
}
// ∂max(a, b)/∂a = [a ≥ b] and ∂/∂b = [a < b]: a tie goes to the first.
ExprId d_max(ExprPool& p, ExprId a, ExprId b, int index) {
  return p.call(index == 0 ? Function::AtLeast : Function::Below, a, b);
}
// ∂min(a, b)/∂a = [a ≤ b] and ∂/∂b = [a > b]: a tie goes to the first.
ExprId d_min(ExprPool& p, ExprId a, ExprId b, int index) {
  return p.call(index == 0 ? Function::AtMost : Function::Above, a, b);
}
// The helpers are never differentiated: they appear only in derivatives.
ExprId d_none(ExprPool& p, ExprId, ExprId, int) {
  return p.number_node(0);
}

// Derivatives written with the result y = f(u).
ExprId by_result_sigma(ExprPool& p, ExprId y) {
  return p.multiply(y, p.subtract(p.number_node(1), y));
}
ExprId by_result_tanh(ExprPool& p, ExprId y) {
  return p.subtract(p.number_node(1), p.power(y, p.number_node(2)));
}
ExprId by_result_exp(ExprPool&, ExprId y) {
  return y;
}
ExprId by_result_sqrt(ExprPool& p, ExprId y) {
  return p.divide(p.number_node(1), p.multiply(p.number_node(2), y));
}

// Numeric partial derivatives, the same calculus as the rules above, with
// y the function's value.
double slope_sigma(double, double, double y, int) {
  return y * (1 - y);
}
double slope_tanh(double, double, double y, int) {
  return 1 - y * y;
}
double slope_relu(double a, double, double, int) {
  return indicator(a > 0);
}
double slope_exp(double, double, double y, int) {
  return y;
}
double slope_log(double a, double, double, int) {
  return 1 / a;
}
double slope_sqrt(double, double, double y, int) {
  return 0.5 / y;
}
double slope_abs(double a, double, double, int) {
  return indicator(a > 0) - indicator(a < 0);
}
double slope_sin(double a, double, double, int) {
  return std::cos(a);
}
double slope_cos(double a, double, double, int) {
  return -std::sin(a);
}
double slope_max(double a, double b, double, int index) {
  return index == 0 ? indicator(a >= b) : indicator(a < b);
}
double slope_min(double a, double b, double, int index) {
  return index == 0 ? indicator(a <= b) : indicator(a > b);
}
double slope_none(double, double, double, int) {
  return 0;
}

using F = Function;
using N = Notation;

// clang-format off
constexpr std::array<FunctionInfo, 18> kTable{{
  // id, name, alias, arity, callable, notation, unicode, latex,
  // value, slope, derivative, derivative by result
  {F::Sigma, "sigma", "sigmoid", 1, true, N::Call, "\u03c3", "\\sigma",
   [](double a, double) { return sigma(a); },
   slope_sigma, d_sigma, by_result_sigma},
  {F::Tanh, "tanh", "", 1, true, N::Call, "tanh", "\\tanh",
   [](double a, double) { return std::tanh(a); },
   slope_tanh, d_tanh, by_result_tanh},
  {F::Relu, "relu", "", 1, true, N::Call, "relu", "\\operatorname{relu}",
   [](double a, double) { return a > 0 ? a : 0.0; },
   slope_relu, d_relu, nullptr},
  {F::Exp, "exp", "", 1, true, N::Call, "exp", "\\exp",
   [](double a, double) { return std::exp(a); },
   slope_exp, d_exp, by_result_exp},
  {F::Log, "log", "", 1, true, N::Call, "log", "\\log",
   [](double a, double) { return std::log(a); },
   slope_log, d_log, nullptr},
  {F::Sqrt, "sqrt", "", 1, true, N::Call, "sqrt", "\\sqrt",
   [](double a, double) { return std::sqrt(a); },
   slope_sqrt, d_sqrt, by_result_sqrt},
  {F::Abs, "abs", "", 1, true, N::Call, "abs", "\\operatorname{abs}",
   [](double a, double) { return std::fabs(a); },
   slope_abs, d_abs, nullptr},
  {F::Sin, "sin", "", 1, true, N::Call, "sin", "\\sin",
   [](double a, double) { return std::sin(a); },
   slope_sin, d_sin, nullptr},
  {F::Cos, "cos", "", 1, true, N::Call, "cos", "\\cos",
   [](double a, double) { return std::cos(a); },
   slope_cos, d_cos, nullptr},
  {F::Max, "max", "", 2, true, N::Call, "max", "\\max",
   [](double a, double b) { return a >= b ? a : b; },
   slope_max, d_max, nullptr},
  {F::Min, "min", "", 2, true, N::Call, "min", "\\min",
   [](double a, double b) { return a <= b ? a : b; },
   slope_min, d_min, nullptr},
  {F::SigmaPrime, "sigma'", "", 1, false, N::Call, "\u03c3\u2032",
   "\\sigma'",
   [](double a, double) {
     const double y = sigma(a);
     return y * (1 - y);
   },
   slope_none, d_none, nullptr},
  {F::TanhPrime, "tanh'", "", 1, false, N::Call, "tanh\u2032", "\\tanh'",
   [](double a, double) {
     const double y = std::tanh(a);
     return 1 - y * y;
   },
   slope_none, d_none, nullptr},
  {F::Sign, "sign", "", 1, false, N::Call, "sign", "\\operatorname{sign}",
   [](double a, double) { return indicator(a > 0) - indicator(a < 0); },
   slope_none, d_none, nullptr},
  {F::AtLeast, ">=", "", 2, false, N::Bracket, "\u2265", "\\geq",
   [](double a, double b) { return indicator(a >= b); },
   slope_none, d_none, nullptr},
  {F::Below, "<", "", 2, false, N::Bracket, "<", "<",
   [](double a, double b) { return indicator(a < b); },
   slope_none, d_none, nullptr},
  {F::AtMost, "<=", "", 2, false, N::Bracket, "\u2264", "\\leq",
   [](double a, double b) { return indicator(a <= b); },
   slope_none, d_none, nullptr},
  {F::Above, ">", "", 2, false, N::Bracket, ">", ">",
   [](double a, double b) { return indicator(a > b); },
   slope_none, d_none, nullptr},
}};
// clang-format on

constexpr bool table_is_in_enum_order() {
  for (size_t i = 0; i < kTable.size(); ++i) {
    if (static_cast<size_t>(kTable[i].id) != i)
      return false;
  }
  return true;
}
static_assert(table_is_in_enum_order(), "rows must follow enum Function");

}  // namespace

const FunctionInfo& info(Function function) {
  return kTable[static_cast<size_t>(function)];
}

namespace {

// Every callable spelling with its function, packed together, and their
// lengths and first bytes as bit sets. The parser asks find_function()
// about every name it reads: most names (x, w_12, h3) fail one of the two
// bit tests at once, and a function's name is found in a short scan.
struct Spellings {
  struct Entry {
    std::string_view spelling;
    Function id;
  };
  std::array<Entry, 2 * kTable.size()> entries{};
  size_t count = 0;
  uint64_t lengths = 0;                 // bit n: some spelling has n bytes
  std::array<bool, 256> first_bytes{};  // byte b: some spelling starts so
};

constexpr Spellings kSpellings = [] {
  Spellings spellings;
  for (const FunctionInfo& row : kTable) {
    if (!row.callable)
      continue;
    for (std::string_view spelling : {row.name, row.alias}) {
      if (spelling.empty())
        continue;
      spellings.entries[spellings.count++] = {spelling, row.id};
      spellings.lengths |= uint64_t{1} << spelling.size();
      spellings.first_bytes[static_cast<unsigned char>(spelling[0])] = true;
    }
  }
  return spellings;
}();

}  // namespace

std::optional<Function> find_function(std::string_view name) {
  if (name.empty() || name.size() >= 64 ||
      !(kSpellings.lengths >> name.size() & 1) ||
      !kSpellings.first_bytes[static_cast<unsigned char>(name[0])]) {
    return std::nullopt;
  }
  for (size_t i = 0; i < kSpellings.count; ++i) {
    const Spellings::Entry& entry = kSpellings.entries[i];
    if (entry.spelling.size() == name.size() && entry.spelling[0] == name[0] &&
        entry.spelling == name) {
      return entry.id;
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> callable_names() {
  std::vector<std::string_view> names;
  for (const FunctionInfo& row : kTable) {
    if (!row.callable)
      continue;
    names.push_back(row.name);
    if (!row.alias.empty())
      names.push_back(row.alias);
  }
  return names;
}

}  // namespace backprop
