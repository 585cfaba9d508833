// Property tests over thousands of random models: the symbolic gradients
// agree with finite differences and with the numeric answer key, and every
// printed expression reads back to its value.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backprop/spelling.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

constexpr uint64_t kSeed = 20240611;
constexpr int kSamples = 3000;
constexpr int kMinimumAccepted = 2000;

// How far a kink (relu or abs at 0, a tie of max or min) stays from the
// values a sample is tested at.
constexpr double kKinkMargin = 0.05;

// ---- Generating models as source text ----------------------------------

// How tightly a piece of text binds, as the grammar's rules nest.
enum Level : int { kSum = 1, kProduct, kUnary, kPower, kPrimary };

constexpr size_t kMaxLeaves = 4;

// The derivatives of a piece by each leaf, in the order the leaves are
// generated: forward mode, computed here independently of the library.
using Slopes = std::array<double, kMaxLeaves>;

// Generated source text, how it binds, its value and its slopes.
struct Piece {
  std::string text;
  int level;
  double value;
  Slopes slopes;
};

struct Sample {
  std::string text;
  double output;  // the output's value, computed here
  std::vector<std::pair<std::string, double>> gradient;  // by leaf name
  std::set<std::string> features;  // operators and functions it uses
};

double logistic(double u) {
  return 1 / (1 + std::exp(-u));
}

// a*x + b*y, slope by slope.
Slopes combine(double a, const Slopes& x, double b = 0, const Slopes& y = {}) {
  Slopes result;
  for (size_t i = 0; i < kMaxLeaves; ++i)
    result[i] = a * x[i] + (b == 0 ? 0 : b * y[i]);
  return result;
}

bool is_constant(const Slopes& slopes) {
  return std::all_of(slopes.begin(), slopes.end(),
                     [](double slope) { return slope == 0; });
}

constexpr std::array<std::string_view, 10> kLeafNames{
    "x", "w", "b", "t", "lambda", "w_1", "x_2", "alpha", "theta", "L_in"};
constexpr std::array<std::string_view, 6> kInnerNames{"z", "h_1", "y",
                                                      "a", "s",   "L_reg"};
constexpr std::array<std::string_view, 9> kNumbers{
    "0.5", "2", "3", "1.5", "0.1", "0.25", "10", ".5", "1e-1"};

// Writes random models whose values and gradients are safe to compare: the
// arguments of log and sqrt and the bases of fractional powers are
// positive, denominators are away from zero, no value or slope is large
// (so that finite differences stay accurate), and kinks are far from the
// values used.
class Generator {
 public:
  explicit Generator(uint64_t seed) : random_(seed) {}

  Sample sample();

 private:
  size_t pick(size_t n) { return random_() % n; }
  double uniform() { return static_cast<double>(random_() >> 11) * 0x1p-53; }
  bool chance(double p) { return uniform() < p; }

  Piece expression(int depth);
  Piece terminal();
  Piece operation(int depth);
  Piece function(int depth);
  Piece bounded(Piece piece);

  Piece operand(Piece piece, int level);
  Piece sum(Piece a, char op, Piece b);
  Piece product(Piece a, char op, Piece b);
  Piece negation(Piece a);
  Piece power(Piece base, Piece exponent);
  Piece call(std::string_view name, std::vector<Piece> arguments, double value,
             Slopes slopes);
  Piece call(std::string_view name, Piece a, double value, double slope);
  Piece number(std::string_view text);
  Piece positive(Piece piece);
  Piece away_from_zero(Piece piece);

  std::mt19937_64 random_;
  std::vector<Piece> names_;  // every name so far, as a terminal
  std::set<std::string> features_;
};

Sample Generator::sample() {
  names_.clear();
  features_.clear();
  std::vector<std::string> statements;
  std::vector<std::string> leaves;
  size_t count = 1 + pick(kMaxLeaves);
  for (size_t i = 0; i < count; ++i) {
    std::string name(
        kLeafNames[(i + pick(kLeafNames.size())) % kLeafNames.size()]);
    if (std::find(leaves.begin(), leaves.end(), name) != leaves.end())
      continue;
    double value = std::round((uniform() * 4 - 2) * 100) / 100;
    Slopes slopes{};
    slopes[leaves.size()] = 1;
    names_.push_back({name, kPrimary, value, slopes});
    leaves.push_back(name);
    statements.push_back(fmt::format("{} = {}", name, value));
  }
  size_t inner = 1 + pick(4);
  Piece output;
  for (size_t i = 0; i < inner; ++i) {
    int depth = static_cast<int>(pick(4));
    output = bounded(chance(0.3) ? function(depth) : operation(depth));
    std::string name(kInnerNames[i]);
    statements.push_back(name + " = " + output.text);
    names_.push_back({name, kPrimary, output.value, output.slopes});
  }
  // Any order will do: sorting the statements is the tool's job. The
  // output stays last.
  for (size_t i = statements.size() - 1; i > 1; --i)
    std::swap(statements[i - 1], statements[pick(i)]);

  Sample result{"", output.value, {}, features_};
  for (const std::string& statement : statements)
    result.text += statement + (chance(0.3) ? "; " : "\n");
  for (size_t i = 0; i < leaves.size(); ++i)
    result.gradient.push_back({leaves[i], output.slopes[i]});
  return result;
}

Piece Generator::expression(int depth) {
  if (depth == 0 || chance(0.15))
    return terminal();
  return bounded(chance(0.3) ? function(depth - 1) : operation(depth - 1));
}

// A large value or slope would make the finite differences inaccurate.
Piece Generator::bounded(Piece piece) {
  bool tame = std::abs(piece.value) < 1e3;
  for (double slope : piece.slopes)
    tame = tame && std::abs(slope) < 50;
  return tame ? piece : terminal();
}

Piece Generator::terminal() {
  if (chance(0.15))
    return number(kNumbers[pick(kNumbers.size())]);
  // The newest names are likelier, so statements chain.
  size_t index = names_.size() - 1 - pick(std::min<size_t>(names_.size(), 2));
  if (chance(0.5))
    index = pick(names_.size());
  return names_[index];
}

Piece Generator::operation(int depth) {
  Piece a = expression(depth);
  switch (pick(7)) {
    case 0:
      return sum(a, '+', expression(depth));
    case 1:
      return sum(a, '-', expression(depth));
    case 2:
      return product(a, '*', expression(depth));
    case 3:
      return product(a, '/', away_from_zero(expression(depth)));
    case 4: {
      constexpr std::array<double, 6> kExponents{2, 3, 2, 0.5, -1, -2};
      double n = kExponents[pick(kExponents.size())];
      Piece exponent = number(fmt::format("{}", std::abs(n)));
      if (n < 0)
        exponent = negation(exponent);
      Piece base = n == 0.5 ? positive(a) : n < 0 ? away_from_zero(a) : a;
      return power(base, exponent);
    }
    case 5: {
      Piece exponent = expression(depth);
      if (std::abs(exponent.value) > 4)
        exponent = number("2");
      return power(positive(a), exponent);
    }
    default:
      return negation(a);
  }
}

Piece Generator::function(int depth) {
  Piece a = expression(depth);
  const double u = a.value;
  const double s = logistic(u);
  switch (pick(13)) {
    case 0:
      return call("sigma", a, s, s * (1 - s));
    case 1:
      return call("sigmoid", a, s, s * (1 - s));
    case 2:
      return call("tanh", a, std::tanh(u), 1 / std::pow(std::cosh(u), 2));
    case 3:
      if (std::abs(u) > kKinkMargin)
        return call("relu", a, std::max(u, 0.0), u > 0 ? 1 : 0);
      break;
    case 4:
      if (std::abs(u) < 5)
        return call("exp", a, std::exp(u), std::exp(u));
      break;
    case 5:
      a = positive(a);
      return call("log", a, std::log(a.value), 1 / a.value);
    case 6:
      a = positive(a);
      return call("sqrt", a, std::sqrt(a.value), 0.5 / std::sqrt(a.value));
    case 7:
      if (std::abs(u) > kKinkMargin)
        return call("abs", a, std::abs(u), u > 0 ? 1 : -1);
      break;
    case 8:
      return call("sin", a, std::sin(u), std::cos(u));
    case 9:
      return call("cos", a, std::cos(u), -std::sin(u));
    default: {
      Piece b = expression(depth);
      if (std::abs(u - b.value) <= kKinkMargin)
        break;
      bool max = chance(0.5);
      bool first = max == (u > b.value);
      return call(max ? "max" : "min", {a, b}, first ? u : b.value,
                  first ? a.slopes : b.slopes);
    }
  }
  // Too close to a kink or too large: a smooth function instead.
  return call("sin", a, std::sin(u), std::cos(u));
}

// Parentheses where the grammar needs them, and now and then where it
// does not.
Piece Generator::operand(Piece piece, int level) {
  if (piece.level < level || chance(0.05)) {
    piece.text = "(" + piece.text + ")";
    piece.level = kPrimary;
  }
  return piece;
}

Piece Generator::sum(Piece a, char op, Piece b) {
  features_.insert(std::string(1, op));
  double sign = op == '+' ? 1 : -1;
  std::string text =
      operand(a, kSum).text + " " + op + " " + operand(b, kProduct).text;
  return {text, kSum, a.value + sign * b.value,
          combine(1, a.slopes, sign, b.slopes)};
}

Piece Generator::product(Piece a, char op, Piece b) {
  features_.insert(std::string(1, op));
  std::string spaced =
      chance(0.3) ? fmt::format(" {} ", op) : std::string(1, op);
  std::string text =
      operand(a, kProduct).text + spaced + operand(b, kUnary).text;
  if (op == '*') {
    return {text, kProduct, a.value * b.value,
            combine(b.value, a.slopes, a.value, b.slopes)};
  }
  // d(a/b) = da/b - a db/b^2
  double square = b.value * b.value;
  return {text, kProduct, a.value / b.value,
          combine(1 / b.value, a.slopes, -a.value / square, b.slopes)};
}

Piece Generator::negation(Piece a) {
  features_.insert("unary -");
  return {"-" + operand(a, kUnary).text, kUnary, -a.value,
          combine(-1, a.slopes)};
}

// d(a^b) = b a^(b-1) da + a^b log(a) db
Piece Generator::power(Piece base, Piece exponent) {
  features_.insert("^");
  const double a = base.value;
  const double b = exponent.value;
  const double value = std::pow(a, b);
  const double by_exponent =
      is_constant(exponent.slopes) ? 0 : value * std::log(a);
  std::string text =
      operand(base, kPrimary).text + "^" + operand(exponent, kUnary).text;
  return {text, kPower, value,
          combine(b * std::pow(a, b - 1), base.slopes, by_exponent,
                  exponent.slopes)};
}

Piece Generator::call(std::string_view name, std::vector<Piece> arguments,
                      double value, Slopes slopes) {
  features_.insert(std::string(name));
  std::string text = std::string(name) + "(";
  for (size_t i = 0; i < arguments.size(); ++i)
    text += (i == 0 ? "" : ", ") + arguments[i].text;
  return {text + ")", kPrimary, value, slopes};
}

Piece Generator::call(std::string_view name, Piece a, double value,
                      double slope) {
  Slopes slopes = combine(slope, a.slopes);
  return call(name, std::vector<Piece>{std::move(a)}, value, slopes);
}

Piece Generator::number(std::string_view text) {
  return {std::string(text), kPrimary, std::strtod(text.data(), nullptr), {}};
}

// `piece` if its value is safely positive, else 1 + piece^2.
Piece Generator::positive(Piece piece) {
  if (piece.value > 0.25)
    return piece;
  return sum(number("1"), '+', power(piece, number("2")));
}

Piece Generator::away_from_zero(Piece piece) {
  return std::abs(piece.value) > 0.25 ? piece : positive(piece);
}

std::vector<Sample> generate_samples() {
  Generator generator(kSeed);
  std::vector<Sample> samples;
  for (int i = 0; i < kSamples; ++i)
    samples.push_back(generator.sample());
  return samples;
}

// ---- Reading printed expressions back ----------------------------------

// The text inside the parentheses or brackets that open at `open`, and the
// position after the closing one.
std::pair<std::string, size_t> enclosed(std::string_view text, size_t open) {
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '(' || text[i] == '[')
      ++depth;
    if (text[i] == ')' || text[i] == ']')
      --depth;
    if (depth == 0)
      return {std::string(text.substr(open + 1, i - open - 1)), i + 1};
  }
  ADD_FAILURE() << "unbalanced: " << text;
  return {"", text.size()};
}

bool starts_name(std::string_view text, size_t at, std::string_view word) {
  if (text.substr(at, word.size()) != word)
    return false;
  if (at == 0)
    return true;
  char before = text[at - 1];
  return !(std::isalnum(static_cast<unsigned char>(before)) || before == '_');
}

std::string callable(std::string_view text);

// [a > b] and its kin as arithmetic: with d = a - b away from 0,
// d/abs(d) is the sign, and (1 + sign)/2 is 1 when a > b and 0 when a < b.
std::string bracket(std::string_view inside) {
  size_t at = inside.find_first_of("<>");
  bool greater = inside[at] == '>';
  size_t after = at + (inside[at + 1] == '=' ? 2 : 1);
  std::string left = callable(inside.substr(0, at));
  std::string right = callable(inside.substr(after));
  std::string d = "((" + left + ") - (" + right + "))";
  std::string sign = "(" + d + "/abs(" + d + "))";
  return "((1 " + std::string(greater ? "+ " : "- ") + sign + ")/2)";
}

// Rewrites the helpers that only derivatives use (sigma', tanh', sign and
// the Iverson brackets) as functions a file can call, away from kinks.
std::string callable(std::string_view text) {
  std::string result;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '[') {
      auto [inside, next] = enclosed(text, i);
      result += bracket(inside);
      i = next;
      continue;
    }
    bool sigma = starts_name(text, i, "sigma'(");
    bool tanh = starts_name(text, i, "tanh'(");
    bool sign = starts_name(text, i, "sign(");
    if (!sigma && !tanh && !sign) {
      result += text[i++];
      continue;
    }
    size_t open = text.find('(', i);
    auto [inside, next] = enclosed(text, open);
    std::string u = "(" + callable(inside) + ")";
    if (sigma)
      result += "(sigma" + u + "*(1 - sigma" + u + "))";
    if (tanh)
      result += "(1 - tanh" + u + "^2)";
    if (sign)
      result += "(" + u + "/abs" + u + ")";
    i = next;
  }
  return result;
}

// Unicode output spelled in ASCII, so that it can be compared with the
// ASCII printer's output.
std::string transliterate(std::string_view text) {
  static const std::vector<std::pair<std::string_view, std::string_view>>
      kSpellings = {
          {"\u2212", "-"},
          {"\u00b7", "*"},
          {"\u2265", ">="},
          {"\u2264", "<="},
          {"\u03c3\u2032", "sigma'"},
          {"tanh\u2032", "tanh'"},
          {"\u03c3", "sigma"},
          {"\u03bb", "lambda"},
          {"\u03b1", "alpha"},
          {"\u03b8", "theta"},
      };
  static const std::array<std::string_view, 10> kSuperscripts{
      "\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074",
      "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};
  static const std::array<std::string_view, 10> kSubscripts{
      "\u2080", "\u2081", "\u2082", "\u2083", "\u2084",
      "\u2085", "\u2086", "\u2087", "\u2088", "\u2089"};
  auto digit_at = [&](const auto& digits, size_t at) {
    for (size_t d = 0; d < digits.size(); ++d) {
      if (text.substr(at, digits[d].size()) == digits[d])
        return std::pair<int, size_t>{static_cast<int>(d), digits[d].size()};
    }
    return std::pair<int, size_t>{-1, 0};
  };

  std::string result;
  size_t i = 0;
  while (i < text.size()) {
    auto spelling =
        std::find_if(kSpellings.begin(), kSpellings.end(), [&](const auto& s) {
          return text.substr(i, s.first.size()) == s.first;
        });
    if (spelling != kSpellings.end()) {
      result += spelling->second;
      i += spelling->first.size();
      continue;
    }
    auto digits = [&](const auto& table) {
      std::string run;
      for (auto at = digit_at(table, i); at.first >= 0;
           at = digit_at(table, i)) {
        run += static_cast<char>('0' + at.first);
        i += at.second;
      }
      return run;
    };
    bool negative = text.substr(i, 3) == "\u207b";
    if (negative || digit_at(kSuperscripts, i).first >= 0) {
      i += negative ? 3 : 0;
      std::string exponent = digits(kSuperscripts);
      result += negative ? "^(-" + exponent + ")" : "^" + exponent;
      continue;
    }
    if (digit_at(kSubscripts, i).first >= 0) {
      result += "_" + digits(kSubscripts);
      continue;
    }
    result += text[i++];
  }
  return result;
}

// ---- The checks ----------------------------------------------------------

// A sample loaded and evaluated by the library.
struct Loaded {
  const Sample* sample;
  std::unique_ptr<Model> model;
  Trace trace;
};

bool all_finite(const Trace& trace) {
  for (NodeId node = 0; node < trace.values.size(); ++node) {
    if (!std::isfinite(trace.values[node]))
      return false;
    if (trace.has_bar(node) && !std::isfinite(trace.bars[node]))
      return false;
  }
  return true;
}

// The leaves the output depends on.
std::vector<NodeId> leaves_of(const Trace& trace) {
  std::vector<NodeId> leaves;
  for (NodeId node = 0; node < trace.values.size(); ++node) {
    if (trace.graph().statement(node).is_leaf && trace.has_bar(node))
      leaves.push_back(node);
  }
  return leaves;
}

// The samples are generated and traced once for all the tests; a sample
// with a value that is not finite is left out.
class PropertyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    samples_ = new std::vector<Sample>(generate_samples());
    loaded_ = new std::vector<Loaded>();
    for (const Sample& sample : *samples_) {
      auto model = std::make_unique<Model>(testing::model(sample.text));
      Trace trace = evaluate(*model);
      if (all_finite(trace))
        loaded_->push_back({&sample, std::move(model), std::move(trace)});
    }
  }

  static void TearDownTestSuite() {
    delete loaded_;
    delete samples_;
  }

  void SetUp() override { EXPECT_GE(loaded_->size(), kMinimumAccepted); }

  // Calls `check(sample, model, trace)` for every sample until one fails.
  template <typename Check>
  static void for_each_sample(Check check) {
    for (const Loaded& loaded : *loaded_) {
      check(*loaded.sample, *loaded.model, loaded.trace);
      if (HasFailure())
        return;
    }
  }

  static std::vector<Sample>* samples_;
  static std::vector<Loaded>* loaded_;
};

std::vector<Sample>* PropertyTest::samples_ = nullptr;
std::vector<Loaded>* PropertyTest::loaded_ = nullptr;

TEST_F(PropertyTest, SamplesUseEveryOperatorAndFunction) {
  std::map<std::string, int> uses;
  for (const Loaded& loaded : *loaded_) {
    for (const std::string& feature : loaded.sample->features)
      ++uses[feature];
  }
  for (std::string_view feature :
       {"+", "-", "*", "/", "^", "unary -", "sigma", "sigmoid", "tanh", "relu",
        "exp", "log", "sqrt", "abs", "sin", "cos", "max", "min"}) {
    EXPECT_GE(uses[std::string(feature)], 100) << feature;
  }
}

TEST_F(PropertyTest, ParsedValuesMatchTheGenerator) {
  for_each_sample([](const Sample& sample, const Model&, const Trace& trace) {
    double value = trace.values[trace.output];
    double tolerance = 1e-12 * std::max(1.0, std::abs(sample.output));
    EXPECT_NEAR(value, sample.output, tolerance) << sample.text;
  });
}

TEST_F(PropertyTest, GradientsMatchFiniteDifferences) {
  for_each_sample(
      [](const Sample& sample, const Model& model, const Trace& trace) {
        const double f = trace.values[trace.output];
        for (NodeId leaf : leaves_of(trace)) {
          const double x = trace.values[leaf];
          const double h = 1e-6 * std::max(1.0, std::abs(x));
          const double up = output_value(model, trace.output, leaf, x + h);
          const double down = output_value(model, trace.output, leaf, x - h);
          const double difference = (up - down) / (2 * h);
          const double gradient = trace.bars[leaf];
          // The rounding of f(x ± h), about 1e-16*|f|, is divided by h.
          const double floor = 1e-9 * std::max(1.0, std::abs(f));
          const double tolerance =
              1e-6 * std::max(std::abs(gradient), std::abs(difference)) + floor;
          EXPECT_NEAR(gradient, difference, tolerance)
              << "d/d" << trace.graph().name(leaf) << " of\n"
              << sample.text;
        }
      });
}

TEST_F(PropertyTest, GradientsMatchForwardMode) {
  for_each_sample(
      [](const Sample& sample, const Model& model, const Trace& trace) {
        for (const auto& [name, slope] : sample.gradient) {
          NodeId leaf = *model.graph.find(name);
          double gradient = trace.has_bar(leaf) ? trace.bars[leaf] : 0;
          double tolerance = 1e-9 * std::max(1.0, std::abs(slope));
          EXPECT_NEAR(gradient, slope, tolerance) << "d/d" << name << " of\n"
                                                  << sample.text;
        }
      });
}

TEST_F(PropertyTest, AnswerKeyMatchesSymbolicGradients) {
  ModelOptions numeric;
  numeric.symbolic = false;
  for_each_sample([&](const Sample& sample, const Model&, const Trace& trace) {
    Model key_model = testing::model(sample.text, numeric);
    Trace key = evaluate(key_model);
    // Where the terms of a gradient cancel, their rounding remains: the
    // floor is relative to the largest bar.
    double scale = 1;
    for (NodeId node = 0; node < trace.values.size(); ++node) {
      if (trace.has_bar(node))
        scale = std::max(scale, std::abs(trace.bars[node]));
    }
    for (NodeId leaf : leaves_of(trace)) {
      const double symbolic = trace.bars[leaf];
      const double answer = key.bars[leaf];
      const double tolerance =
          1e-12 * std::max({std::abs(symbolic), std::abs(answer), scale});
      EXPECT_NEAR(answer, symbolic, tolerance)
          << "d/d" << trace.graph().name(leaf) << " of\n"
          << sample.text;
    }
  });
}

TEST_F(PropertyTest, ResultFormsAgreeWithDerivatives) {
  for_each_sample(
      [](const Sample& sample, const Model& model, const Trace& trace) {
        const ExprPool& pool = model.graph.program.exprs;
        for (uint32_t edge = 0; edge < model.graph.edge_count(); ++edge) {
          ExprId alternative = model.locals.by_result[edge];
          if (alternative == kNoExpr)
            continue;
          double direct =
              evaluate(pool, model.locals.by_parent[edge], trace.values);
          double by_result = evaluate(pool, alternative, trace.values);
          EXPECT_NEAR(by_result, direct, 1e-9 * std::max(1.0, std::abs(direct)))
              << sample.text;
        }
      });
}

// Every expression the sample prints: the right sides, the local
// derivatives and their forms by result.
std::vector<ExprId> printed_expressions(const Model& model) {
  const Graph& graph = model.graph;
  std::vector<ExprId> ids;
  for (NodeId node = 0; node < graph.size(); ++node)
    ids.push_back(graph.statement(node).value);
  for (uint32_t edge = 0; edge < graph.edge_count(); ++edge) {
    ids.push_back(model.locals.by_parent[edge]);
    if (model.locals.by_result[edge] != kNoExpr)
      ids.push_back(model.locals.by_result[edge]);
  }
  return ids;
}

// Printed expressions as statements of a model that gives every name of
// the sample its value, to check that each reads back to its value.
class Reader {
 public:
  explicit Reader(const Trace& trace) {
    const Graph& graph = trace.graph();
    for (NodeId node = 0; node < graph.size(); ++node)
      text_ += fmt::format("{} = {}\n", graph.name(node), trace.values[node]);
  }

  void add(std::string printed, double value) {
    text_ += fmt::format("check_{} = {}\n", expected_.size(), printed);
    expected_.push_back({std::move(printed), value});
  }

  void expect_values(const std::string& sample) const {
    ModelOptions numeric;
    numeric.symbolic = false;
    Model model = testing::model(text_, numeric);
    Trace trace = evaluate(model);
    for (size_t i = 0; i < expected_.size(); ++i) {
      NodeId node = *model.graph.find(fmt::format("check_{}", i));
      const auto& [printed, value] = expected_[i];
      double tolerance = 1e-9 * std::max(1.0, std::abs(value));
      EXPECT_NEAR(trace.values[node], value, tolerance) << printed << "\nof\n"
                                                        << sample;
    }
  }

 private:
  std::string text_;
  std::vector<std::pair<std::string, double>> expected_;
};

TEST_F(PropertyTest, PrintedExpressionsReadBackToTheirValues) {
  for_each_sample([](const Sample& sample, const Model& model,
                     const Trace& trace) {
    const Graph& graph = model.graph;
    const PrintOptions names{Style::Ascii, {}, 0};
    const PrintOptions values{Style::Ascii, trace.values, 0};
    Reader reader(trace);
    for (ExprId id : printed_expressions(model)) {
      double value = evaluate(graph.program.exprs, id, trace.values);
      reader.add(callable(print(graph, id, names)), value);
      reader.add(callable(print(graph, id, values)), value);
      reader.add("3*" + callable(print_factor(graph, id, names)), 3 * value);
    }
    reader.expect_values(sample.text);
  });
}

TEST_F(PropertyTest, UnicodeSpellsWhatAsciiSpells) {
  for_each_sample([](const Sample& sample, const Model& model, const Trace&) {
    for (ExprId id : printed_expressions(model)) {
      std::string ascii = print(model.graph, id, {Style::Ascii, {}, 0});
      std::string unicode = print(model.graph, id, {Style::Unicode, {}, 0});
      EXPECT_EQ(transliterate(unicode), ascii) << sample.text;
    }
  });
}

TEST_F(PropertyTest, LatexAndSubstitutedValuesPrint) {
  for_each_sample(
      [](const Sample& sample, const Model& model, const Trace& trace) {
        for (ExprId id : printed_expressions(model)) {
          std::string latex = print(model.graph, id, {Style::Latex, {}, 0});
          std::string values =
              print(model.graph, id, {Style::Unicode, trace.values, 4});
          EXPECT_EQ(std::count(latex.begin(), latex.end(), '{'),
                    std::count(latex.begin(), latex.end(), '}'))
              << latex << "\nof\n"
              << sample.text;
          EXPECT_EQ(latex.find("\\left(") == std::string::npos,
                    latex.find("\\right)") == std::string::npos)
              << latex;
          EXPECT_FALSE(values.empty());
        }
      });
}

}  // namespace
}  // namespace backprop
