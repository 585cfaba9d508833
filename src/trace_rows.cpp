// The rows of the forward pass, the backward pass and the gradients.
#include "backprop/trace_rows.hpp"

#include <fmt/format.h>

namespace backprop {
namespace {

// Adds a part unless it repeats the one before, as `x = 1.5 = 1.5` would.
void add_part(TraceRow& row, std::string part,
              std::vector<std::string> terms = {}) {
  if (!row.parts.empty() && row.parts.back() == part)
    return;
  row.parts.push_back(std::move(part));
  row.terms.push_back(std::move(terms));
}

std::string joined(const std::vector<std::string>& terms) {
  return fmt::format("{}", fmt::join(terms, " + "));
}

class RowBuilder {
 public:
  RowBuilder(const Trace& trace, const RowOptions& options)
      : trace_(trace),
        graph_(trace.graph()),
        model_(*trace.model),
        options_(options) {}

  TraceRow forward(NodeId node) const;
  TraceRow backward(NodeId node) const;

 private:
  std::string name(NodeId node) const {
    return spell_name(graph_.name(node), options_.style);
  }
  std::string bar(NodeId node) const {
    return spell_bar(graph_.name(node), options_.style);
  }
  std::string value(double v) const {
    return spell_value(v, options_.precision, options_.style);
  }
  // A negative number after the first term of a sum: `a + (−b)`.
  std::string signed_term(double v, bool first) const {
    return v < 0 && !first ? fmt::format("({})", value(v)) : value(v);
  }
  PrintOptions symbols() const { return {options_.style, {}, 0}; }
  PrintOptions numbers() const {
    return {options_.style, trace_.values, options_.precision};
  }
  // One message of a backward step: a child's bar times the local
  // derivative.
  std::string term(std::string_view child_bar, ExprId local,
                   const PrintOptions& options) const {
    std::string out;
    append_product(out, graph_, child_bar, local, options);
    return out;
  }

  const Trace& trace_;
  const Graph& graph_;
  const Model& model_;
  const RowOptions& options_;
};

TraceRow RowBuilder::forward(NodeId node) const {
  const Statement& statement = graph_.statement(node);
  TraceRow row{node, name(node), {}, {}, model_.set_on_command_line[node]};
  add_part(row, print(graph_, statement.value, symbols()));
  if (!statement.is_leaf)
    add_part(row, print(graph_, statement.value, numbers()));
  add_part(row, value(trace_.values[node]));
  return row;
}

TraceRow RowBuilder::backward(NodeId node) const {
  TraceRow row{node, bar(node), {}, {}, false};
  if (node == trace_.output) {
    add_part(row, "1");
    return row;
  }
  std::vector<std::string> symbolic;
  std::vector<std::string> by_result;
  std::vector<std::string> substituted;
  std::vector<std::string> contributions;
  bool any_by_result = false;
  for (uint32_t edge : graph_.child_edges(node)) {
    NodeId child = graph_.edge_child(edge);
    if (!trace_.has_bar(child))
      continue;
    ExprId local = model_.locals.by_parent[edge];
    ExprId alternative = model_.locals.by_result[edge];
    ExprId shown = alternative == kNoExpr ? local : alternative;
    any_by_result |= alternative != kNoExpr;
    const bool first = substituted.empty();
    symbolic.push_back(term(bar(child), local, symbols()));
    by_result.push_back(term(bar(child), shown, symbols()));
    substituted.push_back(
        term(signed_term(trace_.bars[child], first), shown, numbers()));
    double contribution = trace_.bars[child] * trace_.local_values[edge];
    contributions.push_back(signed_term(contribution, first));
  }
  add_part(row, joined(symbolic), symbolic);
  if (any_by_result)
    add_part(row, joined(by_result), by_result);
  add_part(row, joined(substituted), substituted);
  if (contributions.size() > 1)
    add_part(row, joined(contributions), contributions);
  add_part(row, value(trace_.bars[node]));
  return row;
}

}  // namespace

std::vector<TraceRow> forward_rows(const Trace& trace,
                                   const RowOptions& options) {
  RowBuilder builder(trace, options);
  std::vector<TraceRow> rows;
  rows.reserve(trace.model->order.size());
  for (NodeId node : trace.model->order)
    rows.push_back(builder.forward(node));
  return rows;
}

std::vector<TraceRow> backward_rows(const Trace& trace,
                                    const RowOptions& options) {
  RowBuilder builder(trace, options);
  const std::vector<NodeId>& order = trace.model->order;
  std::vector<TraceRow> rows;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if (trace.has_bar(*it))
      rows.push_back(builder.backward(*it));
  }
  return rows;
}

std::vector<TraceRow> gradient_rows(const Trace& trace,
                                    const RowOptions& options) {
  const Graph& graph = trace.graph();
  std::string_view output = graph.name(trace.output);
  std::vector<TraceRow> rows;
  for (NodeId node = 0; node < graph.size(); ++node) {
    if (!graph.statement(node).is_leaf || !trace.has_bar(node))
      continue;
    TraceRow row{node,
                 spell_partial(output, graph.name(node), options.style),
                 {},
                 {},
                 false};
    add_part(row,
             spell_value(trace.bars[node], options.precision, options.style));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<NodeId> unused_nodes(const Trace& trace) {
  std::vector<NodeId> nodes;
  for (NodeId node : trace.model->order) {
    if (!trace.has_bar(node))
      nodes.push_back(node);
  }
  return nodes;
}

std::string spell_partial(std::string_view output, std::string_view node,
                          Style style) {
  const std::string top = spell_name(output, style);
  const std::string bottom = spell_name(node, style);
  switch (style) {
    case Style::Unicode:
      return fmt::format("\u2202{}/\u2202{}", top, bottom);
    case Style::Ascii:
      return fmt::format("d{}/d{}", top, bottom);
    case Style::Latex:
      return fmt::format("\\frac{{\\partial {}}}{{\\partial {}}}", top, bottom);
  }
  return top;
}

std::string_view times_sign(Style style) {
  switch (style) {
    case Style::Unicode:
      return "\u00b7";
    case Style::Ascii:
      return "*";
    case Style::Latex:
      return " \\cdot ";
  }
  return "*";
}

}  // namespace backprop
