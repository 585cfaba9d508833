// The forward and backward passes, and the loading of a model.
#include "backprop/evaluate.hpp"

#include <algorithm>
#include <cmath>

#include "backprop/diagnostic.hpp"
#include "backprop/expand.hpp"

namespace backprop {
namespace {

double apply(const ExprNode& node, double a, double b) {
  switch (node.kind) {
    case ExprKind::Negate:
      return -a;
    case ExprKind::Add:
      return a + b;
    case ExprKind::Subtract:
      return a - b;
    case ExprKind::Multiply:
      return a * b;
    case ExprKind::Divide:
      return a / b;
    case ExprKind::Power:
      return std::pow(a, b);
    case ExprKind::Call:
      return info(node.function).value(a, b);
    case ExprKind::Number:
    case ExprKind::Name:
      break;
  }
  return 0;
}

// NaN without the sign bit that fmt would print as "-nan".
std::string_view spell_non_finite(double value) {
  if (std::isnan(value))
    return "NaN";
  return value < 0 ? "-inf" : "inf";
}

// Why an operation on finite operands gave a non-finite result.
std::string explain(const ExprNode& node, double a, double b, double value) {
  const std::string_view result = spell_non_finite(value);
  switch (node.kind) {
    case ExprKind::Divide:
      return b == 0 ? fmt::format("division by zero: {} / 0 is {}", a, result)
                    : fmt::format("division overflows: {} / {} is {}", a, b,
                                  result);
    case ExprKind::Power:
      if (a == 0 && b < 0) {
        return fmt::format("zero to a negative power: 0^{} is {}", b, result);
      }
      if (a < 0) {
        return fmt::format(
            "a negative number to a fractional power: "
            "({})^{} is {}",
            a, b, result);
      }
      return fmt::format("power overflows: {}^{} is {}", a, b, result);
    case ExprKind::Call: {
      std::string_view name = info(node.function).name;
      if (node.function == Function::Log) {
        return a == 0 ? fmt::format("log of zero is {}", result)
                      : fmt::format("log of a negative number: log({}) is {}",
                                    a, result);
      }
      if (node.function == Function::Sqrt) {
        return fmt::format("square root of a negative number: sqrt({}) is {}",
                           a, result);
      }
      return fmt::format("{} overflows: {}({}) is {}", name, name, a, result);
    }
    case ExprKind::Multiply:
      return fmt::format("multiplication overflows: {} * {} is {}", a, b,
                         result);
    default:
      return fmt::format("the result overflows to {}", result);
  }
}

// What went wrong first while evaluating an expression.
struct Issue {
  ExprId at = kNoExpr;
  std::string message;
};

// Evaluates any expression (derivatives included) by recursion over its
// tree, whose height the parser bounds.
double evaluate_checked(const ExprPool& pool, ExprId id,
                        std::span<const double> values, Issue& issue) {
  const ExprNode& node = pool[id];
  if (node.kind == ExprKind::Number)
    return pool.number(id);
  if (node.kind == ExprKind::Name)
    return values[node.a];
  double a = evaluate_checked(pool, node.a, values, issue);
  double b = node.b == kNoExpr || node.kind == ExprKind::Negate
                 ? 0
                 : evaluate_checked(pool, node.b, values, issue);
  double result = apply(node, a, b);
  if (!std::isfinite(result) && std::isfinite(a) && std::isfinite(b) &&
      issue.at == kNoExpr) {
    issue = {id, explain(node, a, b, result)};
  }
  return result;
}

// Evaluates one statement's parsed tree, whose ids are contiguous with
// children before parents, in one ascending loop; keeps every subtree's value
// in `scratch` for the numeric backward sweep.
double evaluate_tree(const ExprPool& pool, const Statement& statement,
                     std::span<const double> values,
                     std::vector<double>& scratch, Issue& issue) {
  const ExprId first = statement.first;
  const size_t size = statement.value - first + 1;
  if (scratch.size() < size)  // never shrunk, so never filled with zeros
    scratch.resize(size);
  for (ExprId id = first; id <= statement.value; ++id) {
    const ExprNode& node = pool[id];
    double result;
    if (node.kind == ExprKind::Number) {
      result = pool.number(id);
    } else if (node.kind == ExprKind::Name) {
      result = values[node.a];
    } else {
      double a = scratch[node.a - first];
      double b = node.b == kNoExpr || node.kind == ExprKind::Negate
                     ? 0
                     : scratch[node.b - first];
      result = apply(node, a, b);
      if (!std::isfinite(result) && std::isfinite(a) && std::isfinite(b) &&
          issue.at == kNoExpr) {
        issue = {id, explain(node, a, b, result)};
      }
    }
    scratch[id - first] = result;
  }
  return scratch[size - 1];
}

// The numeric reverse sweep over a statement's tree, after evaluate_tree
// filled `scratch`: adds each parent's local derivative into `out`, indexed
// by `slot` of the parent.
void sweep_tree(const ExprPool& pool, const Statement& statement,
                const std::vector<double>& scratch,
                const std::vector<uint32_t>& slot, std::vector<double>& adjoint,
                double* out) {
  const ExprId first = statement.first;
  const size_t size = statement.value - first + 1;
  adjoint.assign(size, 0.0);
  adjoint.back() = 1;
  for (ExprId id = statement.value + 1; id-- > first;) {
    const double g = adjoint[id - first];
    if (g == 0)
      continue;
    const ExprNode& node = pool[id];
    if (node.kind == ExprKind::Number)
      continue;
    if (node.kind == ExprKind::Name) {
      out[slot[node.a]] += g;
      continue;
    }
    const double a = scratch[node.a - first];
    double& ga = adjoint[node.a - first];
    if (node.kind == ExprKind::Negate) {
      ga -= g;
      continue;
    }
    double b = 0;
    double* gb = nullptr;
    if (node.b != kNoExpr) {
      b = scratch[node.b - first];
      gb = &adjoint[node.b - first];
    }
    switch (node.kind) {
      case ExprKind::Add:
        ga += g;
        *gb += g;
        break;
      case ExprKind::Subtract:
        ga += g;
        *gb -= g;
        break;
      case ExprKind::Multiply:
        ga += g * b;
        *gb += g * a;
        break;
      case ExprKind::Divide:
        ga += g / b;
        *gb -= g * a / (b * b);
        break;
      case ExprKind::Power:
        ga += g * b * std::pow(a, b - 1);
        *gb += g * scratch[id - first] * std::log(a);
        break;
      case ExprKind::Call: {
        const FunctionInfo& row = info(node.function);
        const double y = scratch[id - first];
        ga += g * row.slope(a, b, y, 0);
        if (gb)
          *gb += g * row.slope(a, b, y, 1);
        break;
      }
      default:
        break;
    }
  }
}

Span span_of_expr(const Graph& graph, ExprId id, NodeId node) {
  uint32_t offset = graph.program.exprs.offset(id);
  if (offset == ExprPool::kNoOffset)
    return graph.statement(node).name_span;
  uint32_t end = offset + 1;
  if (graph.program.exprs[id].kind == ExprKind::Call) {
    std::string_view text = graph.source().text();
    while (end < text.size() &&
           std::isalnum(static_cast<unsigned char>(text[end]))) {
      ++end;
    }
  }
  return {offset, end};
}

class Evaluator {
 public:
  Evaluator(const Model& model, std::span<const LeafValue> leaf_values)
      : model_(model),
        graph_(model.graph),
        pool_(graph_.program.exprs),
        leaf_values_(leaf_values) {}

  Trace run();

 private:
  void forward(Trace& trace);
  void numeric_local_derivatives(Trace& trace, NodeId child);
  void local_derivatives(Trace& trace);
  void backward(Trace& trace);
  void warn(Trace& trace, NodeId node, Span span, std::string message);

  const Model& model_;
  const Graph& graph_;
  const ExprPool& pool_;
  std::span<const LeafValue> leaf_values_;
  std::vector<double> scratch_;
  std::vector<double> adjoint_;
  std::vector<uint32_t> slot_;  // per node, its place among a child's parents
};

Trace Evaluator::run() {
  Trace trace;
  trace.model = &model_;
  trace.output = graph_.output;
  trace.affects_output = ancestors_of(graph_, graph_.output);
  trace.local_values.assign(graph_.edge_count(), std::nan(""));
  forward(trace);
  if (model_.symbolic)
    local_derivatives(trace);
  backward(trace);
  return trace;
}

void Evaluator::warn(Trace& trace, NodeId node, Span span,
                     std::string message) {
  trace.warnings.push_back({node, span, std::move(message)});
}

void Evaluator::forward(Trace& trace) {
  trace.values.assign(graph_.size(), 0.0);
  std::vector<bool> given;
  if (!leaf_values_.empty())
    given.assign(graph_.size(), false);
  for (const LeafValue& leaf : leaf_values_) {
    trace.values[leaf.leaf] = leaf.value;
    given[leaf.leaf] = true;
  }
  for (NodeId node : model_.order) {
    if (!given.empty() && given[node])
      continue;
    Issue issue;
    trace.values[node] = evaluate_tree(pool_, graph_.statement(node),
                                       trace.values, scratch_, issue);
    if (issue.at != kNoExpr) {
      warn(trace, node, span_of_expr(graph_, issue.at, node),
           fmt::format("'{}': {}", graph_.name(node), issue.message));
    }
    // Without symbolic derivatives, the reverse sweep over the statement's
    // tree runs now, while `scratch_` still holds the values of its
    // subtrees, rather than evaluating the tree a second time later.
    if (!model_.symbolic && trace.affects_output[node])
      numeric_local_derivatives(trace, node);
  }
}

void Evaluator::numeric_local_derivatives(Trace& trace, NodeId child) {
  std::span<const NodeId> parents = graph_.parents(child);
  if (parents.empty())
    return;
  if (slot_.empty())
    slot_.assign(graph_.size(), 0);
  for (uint32_t i = 0; i < parents.size(); ++i)
    slot_[parents[i]] = i;
  const Statement& statement = graph_.statement(child);
  const uint32_t edge = graph_.first_edge(child);
  std::fill_n(&trace.local_values[edge], parents.size(), 0.0);
  sweep_tree(pool_, statement, scratch_, slot_, adjoint_,
             &trace.local_values[edge]);
  // There is no formula to point into, but a grader still needs to know
  // that a gradient is not finite.
  for (uint32_t i = 0; i < parents.size(); ++i) {
    const double local = trace.local_values[edge + i];
    if (std::isfinite(local) || !std::isfinite(trace.values[child]))
      continue;
    warn(trace, child, statement.name_span,
         fmt::format("the local derivative of '{}' by '{}' is {}",
                     graph_.name(child), graph_.name(parents[i]),
                     spell_non_finite(local)));
  }
}

// The symbolic local derivatives, each evaluated at the forward values.
void Evaluator::local_derivatives(Trace& trace) {
  for (NodeId child : model_.order) {
    if (!trace.affects_output[child])
      continue;
    const Statement& statement = graph_.statement(child);
    std::span<const NodeId> parents = graph_.parents(child);
    const uint32_t edge = graph_.first_edge(child);
    for (uint32_t i = 0; i < parents.size(); ++i) {
      Issue issue;
      double value = evaluate_checked(pool_, model_.locals.by_parent[edge + i],
                                      trace.values, issue);
      trace.local_values[edge + i] = value;
      if (issue.at != kNoExpr && std::isfinite(trace.values[child])) {
        warn(trace, child, statement.name_span,
             fmt::format("the local derivative of '{}' by '{}': {}",
                         graph_.name(child), graph_.name(parents[i]),
                         issue.message));
      }
    }
  }
}

void Evaluator::backward(Trace& trace) {
  trace.bars.assign(graph_.size(), std::nan(""));
  for (auto it = model_.order.rbegin(); it != model_.order.rend(); ++it) {
    NodeId node = *it;
    if (!trace.affects_output[node])
      continue;
    if (node == trace.output) {
      trace.bars[node] = 1;
      continue;
    }
    double bar = 0;
    bool inputs_finite = true;
    for (uint32_t edge : graph_.child_edges(node)) {
      NodeId child = graph_.edge_child(edge);
      if (!trace.affects_output[child])
        continue;
      double message = trace.bars[child] * trace.local_values[edge];
      inputs_finite = inputs_finite && std::isfinite(trace.bars[child]) &&
                      std::isfinite(trace.local_values[edge]);
      bar += message;
    }
    trace.bars[node] = bar;
    if (!std::isfinite(bar) && inputs_finite) {
      warn(trace, node, graph_.statement(node).name_span,
           fmt::format("the bar of '{}' overflows to {}", graph_.name(node),
                       bar));
    }
  }
}

void apply_options(Model& model, const ModelOptions& options) {
  Graph& graph = model.graph;
  model.set_on_command_line.assign(graph.size(), false);
  auto missing = [&](std::string_view flag, std::string_view name) {
    std::vector<std::string_view> names = graph.names();
    std::vector<std::string> close = nearest_names(name, names);
    std::string hint = close.empty()
                           ? fmt::format("; it assigns {}", quoted_list(names))
                           : fmt::format("; did you mean '{}'?", close[0]);
    return Failure(fmt::format("{} names '{}', which '{}' does not assign{}",
                               flag, name, graph.source().path(), hint));
  };
  for (const auto& [name, value] : options.sets) {
    std::optional<NodeId> node = graph.find(name);
    if (!node)
      throw missing("--set", name);
    Statement& statement = graph.program.statements[*node];
    if (!statement.is_leaf) {
      throw Failure(fmt::format(
          "--set gives values to leaves, and '{}' is computed from other "
          "names",
          name));
    }
    statement.value = statement.first = graph.program.exprs.make_number(value);
    model.set_on_command_line[*node] = true;
  }
  if (options.output) {
    std::optional<NodeId> node = graph.find(*options.output);
    if (!node)
      throw missing("--output", *options.output);
    graph.output = *node;
  }
}

}  // namespace

Model load_model(std::shared_ptr<const SourceFile> source,
                 const ModelOptions& options) {
  Model model;
  Program program = parse(std::move(source), options.symbolic && !options.expand
                                                 ? PoolUse::Deriving
                                                 : PoolUse::Parsing);
  if (options.expand)
    program = expand(std::move(program));
  model.graph = Graph::build(std::move(program));
  apply_options(model, options);
  model.order = topological_order(model.graph);
  model.symbolic = options.symbolic;
  if (options.symbolic)
    model.locals = derive(model.graph);
  return model;
}

Trace evaluate(const Model& model) {
  return Evaluator(model, {}).run();
}

Trace evaluate(const Model& model, std::span<const LeafValue> leaf_values) {
  return Evaluator(model, leaf_values).run();
}

double output_value(const Model& model, NodeId output, NodeId leaf,
                    double leaf_value) {
  const Graph& graph = model.graph;
  std::vector<double> values(graph.size(), 0.0);
  std::vector<double> scratch;
  for (NodeId node : model.order) {
    Issue ignored;
    values[node] =
        node == leaf ? leaf_value
                     : evaluate_tree(graph.program.exprs, graph.statement(node),
                                     values, scratch, ignored);
  }
  return values[output];
}

}  // namespace backprop
