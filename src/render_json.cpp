// The JSON trace, written by hand as a stream so that a million steps never
// sit in memory as one document.
#include "backprop/render_json.hpp"

#include <cmath>
#include "backprop/spelling.hpp"

namespace backprop {
namespace {

// A JSON number that reads back to the same double, or a string for the
// values JSON cannot hold.
std::string number(double value) {
  if (std::isnan(value))
    return "\"NaN\"";
  if (std::isinf(value))
    return value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  return fmt::format("{}", value);
}

// The length of a valid UTF-8 sequence at the start of `text`, or 0.
size_t utf8_sequence(std::string_view text) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(0);
  size_t length = lead < 0x80                   ? 1
                  : lead >= 0xC2 && lead <= 0xDF ? 2
                  : lead >= 0xE0 && lead <= 0xEF ? 3
                  : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                 : 0;
  if (length == 0 || length > text.size()) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  return length;
}

// A JSON string literal. Bytes that are not UTF-8 (a file name can hold
// them) become U+FFFD, so the document is always valid.
std::string string(std::string_view text) {
  std::string out = "\"";
  while (!text.empty()) {
    char c = text.front();
    size_t length = utf8_sequence(text);
    if (length == 0) {
      out += "\ufffd";
      length = 1;
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
    } else {
      out.append(text.substr(0, length));
    }
    text.remove_prefix(length);
  }
  return out + "\"";
}

class JsonRenderer {
 public:
  JsonRenderer(const Trace& trace, const JsonOptions& options, Sink& out)
      : trace_(trace),
        graph_(trace.graph()),
        model_(*trace.model),
        options_(options),
        out_(out) {}

  void render();

 private:
  std::string name(NodeId node) const { return string(graph_.name(node)); }
  std::string ascii(ExprId id) const {
    return string(print(graph_, id, {Style::Ascii, {}, 0}));
  }

  void header();
  void order();
  void values();
  void gradients();
  void forward();
  void backward();
  void backward_step(NodeId node);
  void warnings();
  void checks();

  const Trace& trace_;
  const Graph& graph_;
  const Model& model_;
  const JsonOptions& options_;
  Sink& out_;
};

void JsonRenderer::render() {
  header();
  order();
  values();
  gradients();
  if (!options_.answer_key) {
    forward();
    backward();
  }
  warnings();
  if (options_.checks)
    checks();
  out_.write("\n}\n");
}

void JsonRenderer::header() {
  out_.print("{{\n  \"schema\": {},\n  \"file\": {},\n  \"output\": {},\n",
             string(kJsonSchema), string(graph_.source().path()),
             name(trace_.output));
  out_.print("  \"output_value\": {},\n", number(trace_.values[trace_.output]));
}

void JsonRenderer::order() {
  out_.write("  \"order\": [");
  for (size_t i = 0; i < model_.order.size(); ++i) {
    out_.print("{}{}", i == 0 ? "" : ", ", name(model_.order[i]));
  }
  out_.write("],\n  \"leaves\": [");
  bool first = true;
  for (NodeId node = 0; node < graph_.size(); ++node) {
    if (!graph_.statement(node).is_leaf)
      continue;
    out_.print("{}{}", first ? "" : ", ", name(node));
    first = false;
  }
  out_.write("],\n  \"unused\": [");
  first = true;
  for (NodeId node : model_.order) {
    if (trace_.has_bar(node))
      continue;
    out_.print("{}{}", first ? "" : ", ", name(node));
    first = false;
  }
  out_.write("],\n");
}

void JsonRenderer::values() {
  out_.write("  \"values\": {");
  for (size_t i = 0; i < model_.order.size(); ++i) {
    NodeId node = model_.order[i];
    out_.print("{}\n    {}: {}", i == 0 ? "" : ",", name(node),
               number(trace_.values[node]));
  }
  out_.write("\n  },\n");
}

void JsonRenderer::gradients() {
  out_.write("  \"gradients\": {");
  bool first = true;
  for (auto it = model_.order.rbegin(); it != model_.order.rend(); ++it) {
    if (!trace_.has_bar(*it))
      continue;
    out_.print("{}\n    {}: {}", first ? "" : ",", name(*it),
               number(trace_.bars[*it]));
    first = false;
  }
  out_.write("\n  }");
}

void JsonRenderer::forward() {
  out_.write(",\n  \"forward\": [");
  const PrintOptions numbers{Style::Ascii, trace_.values, 0};
  for (size_t i = 0; i < model_.order.size(); ++i) {
    NodeId node = model_.order[i];
    const Statement& statement = graph_.statement(node);
    out_.print("{}\n    {{\"node\": {}, \"leaf\": {}, \"expression\": {}, ",
               i == 0 ? "" : ",", name(node), statement.is_leaf,
               ascii(statement.value));
    out_.print("\"substituted\": {}, \"value\": {}}}",
               string(print(graph_, statement.value, numbers)),
               number(trace_.values[node]));
  }
  out_.write("\n  ]");
}

void JsonRenderer::backward() {
  out_.write(",\n  \"backward\": [");
  bool first = true;
  for (auto it = model_.order.rbegin(); it != model_.order.rend(); ++it) {
    if (!trace_.has_bar(*it))
      continue;
    out_.write(first ? "\n    " : ",\n    ");
    backward_step(*it);
    first = false;
  }
  out_.write("\n  ]");
}

void JsonRenderer::backward_step(NodeId node) {
  out_.print("{{\"node\": {}, \"bar\": {}, \"terms\": [", name(node),
             number(trace_.bars[node]));
  std::vector<std::string> symbolic;
  bool first = true;
  for (uint32_t edge : graph_.child_edges(node)) {
    NodeId child = graph_.edge_child(edge);
    if (!trace_.has_bar(child))
      continue;
    ExprId local = model_.locals.by_parent[edge];
    std::string factor = print_factor(graph_, local, {Style::Ascii, {}, 0});
    std::string child_bar = spell_bar(graph_.name(child), Style::Ascii);
    symbolic.push_back(graph_.program.exprs.is_number(local, 1)
                           ? child_bar
                           : child_bar + "*" + factor);
    out_.print("{}\n      {{\"child\": {}, \"child_bar\": {}, ",
               first ? "" : ",", name(child), number(trace_.bars[child]));
    out_.print("\"local_derivative\": {}, \"local_value\": {}, ", ascii(local),
               number(trace_.local_values[edge]));
    ExprId by_result = model_.locals.by_result[edge];
    if (by_result != kNoExpr) {
      out_.print("\"local_derivative_by_result\": {}, ", ascii(by_result));
    }
    out_.print("\"product\": {}}}",
               number(trace_.bars[child] * trace_.local_values[edge]));
    first = false;
  }
  std::string expression = node == trace_.output
                               ? "1"
                               : fmt::format("{}", fmt::join(symbolic, " + "));
  out_.print("{}], \"expression\": {}}}", first ? "" : "\n    ",
             string(expression));
}

void JsonRenderer::warnings() {
  out_.write(",\n  \"warnings\": [");
  for (size_t i = 0; i < trace_.warnings.size(); ++i) {
    const Warning& warning = trace_.warnings[i];
    Location location = graph_.source().locate(warning.span.begin);
    out_.print("{}\n    {{\"node\": {}, \"line\": {}, \"column\": {}, ",
               i == 0 ? "" : ",", name(warning.node), location.line,
               location.column);
    out_.print("\"message\": {}}}", string(warning.message));
  }
  out_.write(trace_.warnings.empty() ? "]" : "\n  ]");
}

void JsonRenderer::checks() {
  out_.write(",\n  \"check\": [");
  const std::vector<LeafCheck>& checks = *options_.checks;
  for (size_t i = 0; i < checks.size(); ++i) {
    const LeafCheck& check = checks[i];
    out_.print("{}\n    {{\"leaf\": {}, \"gradient\": {}, ", i == 0 ? "" : ",",
               name(check.leaf), number(check.gradient));
    out_.print("\"finite_difference\": {}, \"relative_error\": {}, ",
               number(check.finite_difference), number(check.relative_error));
    out_.print("\"kink\": {}, \"passed\": {}}}", check.kink, check.passed);
  }
  out_.write(checks.empty() ? "]" : "\n  ]");
}

}  // namespace

void render_json(const Trace& trace, const JsonOptions& options, Sink& out) {
  JsonRenderer(trace, options, out).render();
}

}  // namespace backprop
