// The computational graph in the DOT language, for Graphviz.
#include "backprop/render_dot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "backprop/spelling.hpp"
#include "backprop/trace_rows.hpp"

namespace backprop {
namespace {

constexpr std::string_view kForwardColor = "#1f4e9c";   // values, blue
constexpr std::string_view kBackwardColor = "#a0206e";  // bars, magenta
constexpr std::string_view kQuietColor = "#777777";     // steps, no bar

// Text for an HTML-like label of Graphviz.
std::string html(std::string_view text) {
  std::string result;
  for (char c : text) {
    switch (c) {
      case '&':
        result += "&amp;";
        break;
      case '<':
        result += "&lt;";
        break;
      case '>':
        result += "&gt;";
        break;
      case '"':
        result += "&quot;";
        break;
      default:
        result.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
    }
  }
  return result;
}

// `L_reg` as L with the subscript "reg": each `_` followed by letters,
// digits and further underscores starts a subscript.
std::string subscripted(std::string_view text) {
  std::string result;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = i + 1;
    while (text[i] == '_' && end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[end])) ||
            text[end] == '_')) {
      ++end;
    }
    if (text[i] == '_' && end > i + 1 && i > 0) {
      result += fmt::format("<SUB>{}</SUB>", text.substr(i + 1, end - i - 1));
      i = end;
      continue;
    }
    result.push_back(text[i++]);
  }
  return result;
}

std::string colored(std::string_view color, std::string_view text) {
  return fmt::format("<FONT COLOR=\"{}\">{}</FONT>", color, text);
}

class DotRenderer {
 public:
  DotRenderer(const Trace& trace, const DotOptions& options, Sink& out)
      : trace_(trace),
        graph_(trace.graph()),
        model_(*trace.model),
        options_(options),
        out_(out) {}

  void render();

 private:
  std::string name(NodeId node) const {
    return subscripted(html(spell_name(graph_.name(node), Style::Unicode)));
  }
  std::string value(double v) const {
    return html(spell_value(v, options_.precision, Style::Unicode));
  }
  std::string bar_of(NodeId node) const;
  std::string expression(ExprId id) const {
    return subscripted(html(print(graph_, id, {Style::Unicode, {}, 0})));
  }
  std::string label(NodeId node, size_t step) const;
  std::string shape(NodeId node) const;
  void node(NodeId node, size_t step);
  void edge(uint32_t edge);
  void ranks();

  const Trace& trace_;
  const Graph& graph_;
  const Model& model_;
  const DotOptions& options_;
  Sink& out_;
};

void DotRenderer::render() {
  std::string path = graph_.source().path();
  std::replace_if(
      path.begin(), path.end(),
      [](char c) { return c == '\n' || c == '\r' || c == '*'; }, ' ');
  out_.print(
      "// backprop-trace: {}, output {}\n"
      "digraph backprop {{\n"
      "  graph [rankdir=LR, ranksep=0.5, nodesep=0.25, "
      "fontname=\"Helvetica\"];\n"
      "  node [fontname=\"Helvetica\", fontsize=11, margin=\"0.12,0.04\"];\n"
      "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\", "
      "arrowsize=0.7];\n",
      path, graph_.name(trace_.output));
  for (size_t i = 0; i < model_.order.size(); ++i)
    node(model_.order[i], i + 1);
  for (uint32_t e = 0; e < graph_.edge_count(); ++e)
    edge(e);
  ranks();
  out_.print("}}\n");
}

// The bar as Graphviz's overline over the name's head, `<O>L</O>` then
// the subscript: a combining overline, as the text trace has it, is drawn
// through a capital letter by Graphviz's fonts.
std::string DotRenderer::bar_of(NodeId node) const {
  const std::string_view name = graph_.name(node);
  const size_t underscore = name.find('_');
  const bool has_subscript = underscore != std::string_view::npos &&
                             underscore > 0 && underscore + 1 < name.size();
  const std::string head = html(spell_name(
      has_subscript ? name.substr(0, underscore) : name, Style::Unicode));
  const std::string whole = this->name(node);
  if (whole.compare(0, head.size(), head) != 0)
    return fmt::format("<O>{}</O>", whole);
  return fmt::format("<O>{}</O>{}", head, whole.substr(head.size()));
}

// The step, the right side, the value and the bar, one line each.
std::string DotRenderer::label(NodeId node, size_t step) const {
  const Statement& statement = graph_.statement(node);
  std::string lines = fmt::format(
      "<TR><TD>{}</TD></TR>",
      colored(kQuietColor,
              fmt::format("<FONT POINT-SIZE=\"8\">step {}</FONT>", step)));
  std::string heading = fmt::format("<B>{}</B>", name(node));
  if (!statement.is_leaf)
    heading += " = " + expression(statement.value);
  lines += fmt::format("<TR><TD>{}</TD></TR>", heading);
  lines += fmt::format(
      "<TR><TD>{}</TD></TR>",
      colored(kForwardColor,
              fmt::format("{} = {}", name(node), value(trace_.values[node]))));
  std::string bar =
      trace_.has_bar(node)
          ? colored(kBackwardColor, fmt::format("{} = {}", bar_of(node),
                                                value(trace_.bars[node])))
          : colored(kQuietColor, "no bar");
  lines += fmt::format("<TR><TD>{}</TD></TR>", bar);
  return fmt::format(
      "<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" "
      "CELLPADDING=\"1\">{}</TABLE>>",
      lines);
}

std::string DotRenderer::shape(NodeId node) const {
  std::string style;
  if (node == trace_.output) {
    style = "shape=ellipse, peripheries=2, style=filled, fillcolor=\"#fff4d6\"";
  } else if (graph_.statement(node).is_leaf) {
    style = "shape=box, style=\"rounded,filled\", fillcolor=\"#ececec\"";
  } else {
    style = "shape=ellipse";
  }
  if (!trace_.has_bar(node))
    style += ", color=\"#999999\"";
  return style;
}

void DotRenderer::node(NodeId node, size_t step) {
  out_.print("  n{} [{}, label={}];\n", node, shape(node), label(node, step));
}

// Labelled with the local derivative: ∂z/∂w = x = 1.5.
void DotRenderer::edge(uint32_t edge) {
  const NodeId parent = graph_.edge_parent(edge);
  const NodeId child = graph_.edge_child(edge);
  std::string text = subscripted(html(
      spell_partial(graph_.name(child), graph_.name(parent), Style::Unicode)));
  std::string formula = expression(model_.locals.by_parent[edge]);
  std::string number;
  if (trace_.has_bar(child))
    number = value(trace_.local_values[edge]);
  text += " = " + formula;
  if (!number.empty() && number != formula)
    text += " = " + number;
  const char* style = trace_.has_bar(child) ? "" : ", style=dashed";
  out_.print("  n{} -> n{} [label=<{}>{}];\n", parent, child, text, style);
}

// One rank per level: a leaf is at level 0, any other node one past its
// highest parent. Within a rank the nodes keep the topological order, top
// to bottom, held by a chain of invisible edges: left to itself, Graphviz
// would shuffle them to shorten edges.
void DotRenderer::ranks() {
  std::vector<uint32_t> level(graph_.size(), 0);
  uint32_t top = 0;
  for (NodeId node : model_.order) {
    for (NodeId parent : graph_.parents(node))
      level[node] = std::max(level[node], level[parent] + 1);
    top = std::max(top, level[node]);
  }
  std::vector<std::vector<NodeId>> ranks(top + 1);
  for (NodeId node : model_.order)
    ranks[level[node]].push_back(node);
  for (const std::vector<NodeId>& rank : ranks) {
    out_.print("  {{ rank=same;");
    for (NodeId node : rank)
      out_.print(" n{};", node);
    out_.print(" }}\n");
    if (rank.size() < 2)
      continue;
    out_.print("  n{}", rank[0]);
    for (size_t i = 1; i < rank.size(); ++i)
      out_.print(" -> n{}", rank[i]);
    out_.print(" [style=invis];\n");
  }
}

}  // namespace

void render_dot(const Trace& trace, const DotOptions& options, Sink& out) {
  DotRenderer(trace, options, out).render();
}

}  // namespace backprop
