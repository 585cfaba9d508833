// The text trace: what a lecture writes on the board, line by line.
#include "backprop/render_text.hpp"

#include <algorithm>

namespace backprop {
namespace {

constexpr size_t kMaxAlign = 40;  // columns beyond which a cell is not padded

// One line of a pass: the left side, then each "= ..." part in turn.
struct Row {
  std::string left;
  std::vector<std::string> parts;
};

std::string pad(const std::string& text, size_t width) {
  size_t shown = display_width(text);
  return shown >= width ? text : text + std::string(width - shown, ' ');
}

// Widens a column to fit a cell, unless the cell is too wide to align: the
// other rows then line up with each other rather than with nothing.
void fit(size_t& width, const std::string& cell) {
  size_t shown = display_width(cell);
  if (shown <= kMaxAlign)
    width = std::max(width, shown);
}

void write_rows(const std::vector<Row>& rows, Sink& out) {
  size_t left_width = 0;
  size_t first_width = 0;
  for (const Row& row : rows) {
    fit(left_width, row.left);
    if (row.parts.size() > 1)
      fit(first_width, row.parts[0]);
  }
  for (const Row& row : rows) {
    std::string line = "  " + pad(row.left, left_width);
    for (size_t i = 0; i < row.parts.size(); ++i) {
      bool last = i + 1 == row.parts.size();
      line += " = " +
              (i == 0 && !last ? pad(row.parts[i], first_width) : row.parts[i]);
    }
    out.print("{}\n", line);
  }
}

// Adds a part unless it repeats the one before, as `x = 1.5 = 1.5` would.
void add_part(Row& row, std::string part) {
  if (row.parts.empty() || row.parts.back() != part) {
    row.parts.push_back(std::move(part));
  }
}

class TextRenderer {
 public:
  TextRenderer(const Trace& trace, const TextOptions& options, Sink& out)
      : trace_(trace),
        graph_(trace.graph()),
        model_(*trace.model),
        options_(options),
        out_(out) {}

  void render();

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
  std::string times() const {
    return options_.style == Style::Unicode ? "\u00b7" : "*";
  }
  PrintOptions symbols() const { return {options_.style, {}, 0}; }
  PrintOptions numbers() const {
    return {options_.style, trace_.values, options_.precision};
  }

  void header();
  void order();
  void forward();
  void backward();
  Row backward_row(NodeId node) const;
  std::string term(std::string child_bar, ExprId local,
                   const PrintOptions& options) const;
  void unused();
  void gradients();

  const Trace& trace_;
  const Graph& graph_;
  const Model& model_;
  const TextOptions& options_;
  Sink& out_;
};

void TextRenderer::render() {
  header();
  order();
  forward();
  backward();
  unused();
  gradients();
}

void TextRenderer::header() {
  out_.print("{}: {} statements, output {}\n\n", graph_.source().path(),
             graph_.size(), name(trace_.output));
}

void TextRenderer::order() {
  out_.print("Topological order\n  ");
  for (size_t i = 0; i < model_.order.size(); ++i) {
    out_.print("{}{}", i == 0 ? "" : ", ", name(model_.order[i]));
  }
  out_.print("\n\n");
}

void TextRenderer::forward() {
  out_.print("Forward pass\n");
  std::vector<Row> rows;
  for (NodeId node : model_.order) {
    const Statement& statement = graph_.statement(node);
    Row row{name(node), {}};
    add_part(row, print(graph_, statement.value, symbols()));
    if (!statement.is_leaf) {
      add_part(row, print(graph_, statement.value, numbers()));
    }
    add_part(row, value(trace_.values[node]));
    if (model_.set_on_command_line[node])
      row.parts.back() += "  (--set)";
    rows.push_back(std::move(row));
  }
  write_rows(rows, out_);
  out_.print("\n");
}

// One message of a backward step: a child's bar times the local derivative.
std::string TextRenderer::term(std::string child_bar, ExprId local,
                               const PrintOptions& options) const {
  std::string out;
  append_product(out, graph_, child_bar, local, options);
  return out;
}

Row TextRenderer::backward_row(NodeId node) const {
  Row row{bar(node), {}};
  if (node == trace_.output) {
    row.parts.push_back("1");
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
    std::string child_bar_value = value(trace_.bars[child]);
    if (trace_.bars[child] < 0 && !substituted.empty()) {
      child_bar_value = "(" + child_bar_value + ")";
    }
    symbolic.push_back(term(bar(child), local, symbols()));
    ExprId shown = alternative == kNoExpr ? local : alternative;
    any_by_result |= alternative != kNoExpr;
    by_result.push_back(term(bar(child), shown, symbols()));
    substituted.push_back(term(child_bar_value, shown, numbers()));
    double contribution = trace_.bars[child] * trace_.local_values[edge];
    std::string spelled = value(contribution);
    if (contribution < 0 && !contributions.empty()) {
      spelled = "(" + spelled + ")";
    }
    contributions.push_back(spelled);
  }
  auto joined = [](const std::vector<std::string>& terms) {
    return fmt::format("{}", fmt::join(terms, " + "));
  };
  add_part(row, joined(symbolic));
  if (any_by_result)
    add_part(row, joined(by_result));
  add_part(row, joined(substituted));
  if (contributions.size() > 1)
    add_part(row, joined(contributions));
  add_part(row, value(trace_.bars[node]));
  return row;
}

void TextRenderer::backward() {
  if (options_.style == Style::Unicode) {
    out_.print("Backward pass (bar = \u2202{}/\u2202node)\n",
               name(trace_.output));
  } else {
    out_.print("Backward pass (bar = d{}/dnode)\n", name(trace_.output));
  }
  std::vector<Row> rows;
  for (auto it = model_.order.rbegin(); it != model_.order.rend(); ++it) {
    if (trace_.has_bar(*it))
      rows.push_back(backward_row(*it));
  }
  write_rows(rows, out_);
  out_.print("\n");
}

void TextRenderer::unused() {
  std::vector<std::string> names;
  for (NodeId node : model_.order) {
    if (!trace_.has_bar(node))
      names.push_back(name(node));
  }
  if (names.empty())
    return;
  out_.print("Not used by {} (no bar): {}\n\n", name(trace_.output),
             fmt::join(names, ", "));
}

void TextRenderer::gradients() {
  out_.print("Gradients of {}\n", name(trace_.output));
  std::vector<Row> rows;
  for (NodeId node = 0; node < graph_.size(); ++node) {
    if (!graph_.statement(node).is_leaf || !trace_.has_bar(node))
      continue;
    std::string derivative =
        options_.style == Style::Unicode
            ? fmt::format("\u2202{}/\u2202{}", name(trace_.output), name(node))
            : fmt::format("d{}/d{}", name(trace_.output), name(node));
    rows.push_back({derivative, {value(trace_.bars[node])}});
  }
  if (rows.empty())
    out_.print("  (the output depends on no leaf)\n");
  write_rows(rows, out_);
}

std::string cell(const std::string& text, size_t width) {
  return pad(text, width) + "  ";
}

}  // namespace

void render_text(const Trace& trace, const TextOptions& options, Sink& out) {
  TextRenderer(trace, options, out).render();
}

}  // namespace backprop

namespace backprop {

void render_answer_key(const Trace& trace, const TextOptions& options,
                       Sink& out) {
  const Graph& graph = trace.graph();
  out.print("{:<24}  {:<24}  {}\n", "node", "value", "bar");
  for (NodeId node = 0; node < graph.size(); ++node) {
    std::string bar =
        trace.has_bar(node)
            ? spell_value(trace.bars[node], options.precision, Style::Ascii)
            : "-";
    out.print("{:<24}  {:<24}  {}\n", graph.name(node),
              spell_value(trace.values[node], options.precision, Style::Ascii),
              bar);
  }
}

void render_checks(const Trace& trace, const std::vector<LeafCheck>& checks,
                   double tolerance, const TextOptions& options, Sink& out) {
  const Graph& graph = trace.graph();
  out.print("\nFinite-difference check (tolerance {})\n", tolerance);
  const size_t width = 16;
  out.print("  {}{}{}{}result\n", cell("leaf", width), cell("gradient", width),
            cell("finite diff.", width), cell("rel. error", width));
  for (const LeafCheck& check : checks) {
    auto number = [&](double value) {
      return spell_value(value, options.precision, options.style);
    };
    std::string verdict = check.passed ? "ok" : "FAILED";
    if (check.kink)
      verdict += " (kink: one-sided slopes differ)";
    out.print("  {}{}{}{}{}\n",
              cell(spell_name(graph.name(check.leaf), options.style), width),
              cell(number(check.gradient), width),
              cell(number(check.finite_difference), width),
              cell(spell_value(check.relative_error, 2, options.style), width),
              verdict);
  }
}

}  // namespace backprop
