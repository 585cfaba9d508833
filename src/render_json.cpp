// The JSON trace, written by hand as a stream so that a million steps never
// sit in memory as one document.
#include "backprop/render_json.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "backprop/in_order.hpp"
#include "backprop/shortest.hpp"
#include "backprop/spelling.hpp"

namespace backprop {
namespace {

char* write(char* out, std::string_view text) {
  return std::copy(text.begin(), text.end(), out);
}

// The most bytes write_number() writes.
constexpr size_t kNumberRoom = kShortestRoom;

// Writes a JSON number that reads back to the same double (the shortest
// such text, as std::to_chars writes it), or a string for the values JSON
// cannot hold, into `out`, which has kNumberRoom bytes; returns the end of
// what it wrote.
char* write_number(char* out, double value) {
  if (std::isfinite(value))
    return write_shortest(out, value);
  return write(out, std::isnan(value) ? "\"NaN\""
                    : value > 0       ? "\"Infinity\""
                                      : "\"-Infinity\"");
}

// Writes, as write_number() would, the value of a plain decimal literal
// (digits and at most one '.') of at most 15 significant digits, from its
// digits alone; returns nullptr, having written nothing, for any other. Such
// decimals read as distinct doubles (outside the subnormal range), so no
// shorter text reads back to the same double: the shortest text is the
// literal's digits without leading and trailing zeros.
char* write_literal(char* out, std::string_view literal, bool negative) {
  auto insignificant = [](char c) { return c == '0' || c == '.'; };
  size_t point = 0;
  while (point < literal.size() && literal[point] != '.')
    ++point;
  size_t first = 0;
  while (first < literal.size() && insignificant(literal[first]))
    ++first;
  if (first == literal.size())  // zero
    return write(out, negative ? "-0" : "0");
  size_t last = literal.size() - 1;
  while (insignificant(literal[last]))
    --last;
  char digits[15];
  int count = 0;
  for (size_t i = first; i <= last; ++i) {
    if (literal[i] == '.')
      continue;
    if (count == 15)
      return nullptr;
    digits[count++] = literal[i];
  }
  // The value is d1.d2d3... times ten to the power `exponent`.
  const int exponent = first < point ? static_cast<int>(point - first) - 1
                                     : -static_cast<int>(first - point);
  if (exponent < -307)
    return nullptr;  // perhaps subnormal, with fewer digits of precision
  return write_decimal(out, digits, count, exponent, negative);
}

void append_number(TextBuffer& out, double value) {
  out.commit(write_number(out.room(kNumberRoom), value));
}

std::string number(double value) {
  char text[kNumberRoom];
  return {text, write_number(text, value)};
}

// The length of a valid UTF-8 sequence at the start of `text`, or 0.
size_t utf8_sequence(std::string_view text) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(0);
  size_t length = lead < 0x80                    ? 1
                  : lead >= 0xC2 && lead <= 0xDF ? 2
                  : lead >= 0xE0 && lead <= 0xEF ? 3
                  : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                 : 0;
  if (length == 0 || length > text.size())
    return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80)
      return 0;
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

// How many steps ahead each stage of prefetching works. A step reads, for
// each name it shows, things that lie where the name's statement and edges
// put them, far apart in a large graph: one cache miss after another.
// Fetched ahead, they arrive together. Each stage fetches what the stage
// before brought in points to.
constexpr size_t kPrefetchAhead[] = {12, 8, 4};

// Steps are written by two threads in chunks of about this many terms
// (expression nodes forward, children backward), a few hundred kilobytes:
// the chunks of a layer whose nodes have a hundred children each are as
// large as those of a chain.
constexpr size_t kTermsPerChunk = 2048;

// A backward step with at least this many children is written by two
// threads.
constexpr size_t kTermsInParallel = 4096;

// The steps are written in chunks by two threads and handed to the sink
// in order; the rest goes straight into the sink's buffer, which is handed
// on whenever it is full. The trace of a million statements streams
// through a few megabytes of buffers, or tens of megabytes where a node
// has hundreds of thousands of children: half of such a step's terms, and
// the whole of its message, wait in memory for their turn.
class JsonRenderer {
 public:
  JsonRenderer(const Trace& trace, const JsonOptions& options, Sink& out)
      : trace_(trace),
        graph_(trace.graph()),
        model_(*trace.model),
        options_(options),
        out_(out),
        text_(out.buffer()) {}

  void render();

 private:
  // A string_view, not a `const char*`, so that a literal's length is
  // known when it is compiled.
  void put(std::string_view text) { text_.append(text.data(), text.size()); }
  void name(NodeId node) { name(text_, node); }
  // Names are identifiers, so they need no escaping.
  void name(TextBuffer& out, NodeId node) const {
    out += '"';
    out += graph_.name(node);
    out += '"';
  }
  void key(std::string_view key) {
    text_ += '"';
    text_ += key;
    put("\": ");
  }
  void expression(TextBuffer& out, ExprId id,
                  const PrintOptions& options) const {
    out += '"';
    append_expr(out, graph_, id, options);
    out += '"';
  }
  void flush() { out_.written(); }

  void header();
  void names(std::string_view key, bool (JsonRenderer::*keep)(NodeId) const,
             bool in_order);
  bool is_any(NodeId) const { return true; }
  bool is_leaf(NodeId node) const { return graph_.statement(node).is_leaf; }
  bool is_unused(NodeId node) const { return !trace_.has_bar(node); }
  bool has_bar(NodeId node) const { return trace_.has_bar(node); }
  void numbers(std::string_view key, const std::vector<double>& values,
               bool (JsonRenderer::*keep)(NodeId) const, bool reversed,
               NodeTexts* texts);
  char* write_leaf_value(char* out, NodeId node, double value) const;
  // A step appends to `out`; a backward step builds its message in
  // `message`. Steps are written on two threads at once.
  void forward_step(TextBuffer& out, TextBuffer& message, NodeId node) const;
  void backward_step(TextBuffer& out, TextBuffer& message, NodeId node) const;
  void backward_head(TextBuffer& out, NodeId node) const;
  void backward_terms(std::span<const uint32_t> edges, TextBuffer& out,
                      TextBuffer& message, bool& first, Sink* stream) const;
  void large_backward_step(NodeId node);
  void steps(std::string_view key, bool reversed,
             void (JsonRenderer::*step)(TextBuffer&, TextBuffer&, NodeId) const,
             void (JsonRenderer::*prefetch)(NodeId, int) const);
  std::vector<size_t> chunk_bounds(bool reversed) const;
  bool is_large_backward(NodeId node) const {
    return graph_.child_edges(node).size() >= kTermsInParallel;
  }
  void prefetch_forward(NodeId node, int stage) const;
  void prefetch_backward(NodeId node, int stage) const;
  void warnings();
  void checks();

  const Trace& trace_;
  const Graph& graph_;
  const Model& model_;
  const JsonOptions& options_;
  Sink& out_;
  TextBuffer& text_;  // the sink's
  // For large_backward_step(): its message, and its second half's terms
  // and message.
  TextBuffer message_;
  TextBuffer second_;
  TextBuffer second_message_;
  // Numbers that the steps show again, each written once: every value and
  // bar as the "values" and "gradients" write them, and every value as a
  // substituted form spells it.
  NodeTexts values_;
  NodeTexts bars_;
  NodeTexts substituted_;
  PrintOptions symbolic_{Style::Ascii, {}, 0};
  PrintOptions with_values_{Style::Ascii, {}, 0};
};

void JsonRenderer::render() {
  header();
  names("order", &JsonRenderer::is_any, true);
  names("leaves", &JsonRenderer::is_leaf, false);
  names("unused", &JsonRenderer::is_unused, true);

  // The steps show the values and bars again, as these sections write them.
  const bool keep = !options_.answer_key;
  if (keep) {
    values_ = NodeTexts(graph_.size());
    bars_ = NodeTexts(graph_.size());
  }
  numbers("values", trace_.values, &JsonRenderer::is_any, false,
          keep ? &values_ : nullptr);
  out_.write(",\n");
  numbers("gradients", trace_.bars, &JsonRenderer::has_bar, true,
          keep ? &bars_ : nullptr);
  if (keep) {
    substituted_ = spell_values(trace_.values, 0, Style::Ascii);
    with_values_ = {Style::Ascii, trace_.values, 0, &substituted_};
    steps("forward", false, &JsonRenderer::forward_step,
          &JsonRenderer::prefetch_forward);
    steps("backward", true, &JsonRenderer::backward_step,
          &JsonRenderer::prefetch_backward);
  }
  warnings();
  if (options_.checks)
    checks();
  out_.write("\n}\n");
}

void JsonRenderer::header() {
  out_.print("{{\n  \"schema\": {},\n  \"file\": {},\n  \"output\": ",
             string(kJsonSchema), string(graph_.source().path()));
  name(trace_.output);
  text_ += ",\n  \"output_value\": ";
  append_number(text_, trace_.values[trace_.output]);
  text_ += ",\n";
  flush();
}

// A list of names, in topological order or in file order. This loop and
// the next write straight into the sink, a node at a time: the answer key
// of a million nodes is little else.
void JsonRenderer::names(std::string_view key,
                         bool (JsonRenderer::*keep)(NodeId) const,
                         bool in_order) {
  text_ += "  ";
  JsonRenderer::key(key);
  text_ += '[';
  flush();
  bool first = true;
  for (size_t i = 0; i < graph_.size(); ++i) {
    NodeId node = in_order ? model_.order[i] : static_cast<NodeId>(i);
    if (!(this->*keep)(node))
      continue;
    const std::string_view name = graph_.name(node);
    char* out = out_.room(name.size() + 4);
    out = write(out, first ? "\"" : ", \"");
    out = write(out, name);
    *out++ = '"';
    out_.commit(out);
    first = false;
  }
  out_.write("],\n");
}

// An object of numbers keyed by name, in (reverse) topological order.
void JsonRenderer::numbers(std::string_view key,
                           const std::vector<double>& values,
                           bool (JsonRenderer::*keep)(NodeId) const,
                           bool reversed, NodeTexts* texts) {
  text_ += "  ";
  JsonRenderer::key(key);
  text_ += '{';
  flush();
  bool first = true;
  const size_t count = model_.order.size();
  for (size_t i = 0; i < count; ++i) {
    NodeId node = model_.order[reversed ? count - 1 - i : i];
    if (!(this->*keep)(node))
      continue;
    const std::string_view name = graph_.name(node);
    char* out = out_.room(name.size() + 10 + kNumberRoom);
    out = write(out, first ? "\n    \"" : ",\n    \"");
    out = write(out, name);
    out = write(out, "\": ");
    char* number = out;
    out = &values == &trace_.values ? write_leaf_value(out, node, values[node])
                                    : write_number(out, values[node]);
    if (texts)
      texts->set(node, {number, out});
    out_.commit(out);
    first = false;
  }
  out_.write(first ? "}" : "\n  }");
}

// A value, written from the digits of the literal that gives it when it is
// a leaf's: copying digits is several times faster than searching for the
// shortest ones, and the values of a model of many weights are mostly such
// literals.
char* JsonRenderer::write_leaf_value(char* out, NodeId node,
                                     double value) const {
  const Statement& statement = graph_.statement(node);
  const ExprPool& pool = graph_.program.exprs;
  ExprId literal = statement.value;
  const bool negative = pool[literal].kind == ExprKind::Negate;
  if (negative)
    literal = pool[literal].a;
  if (!statement.is_leaf || !pool.is_number(literal) ||
      pool.offset(literal) == ExprPool::kNoOffset) {
    return write_number(out, value);
  }
  // The trace's value may not be the literal's: --set and training give
  // leaves others.
  const double read = negative ? -pool.number(literal) : pool.number(literal);
  if (std::bit_cast<uint64_t>(read) != std::bit_cast<uint64_t>(value))
    return write_number(out, value);
  const std::string_view text = graph_.source().text();
  size_t end = pool.offset(literal);
  auto in_literal = [](char c) { return (c >= '0' && c <= '9') || c == '.'; };
  while (end < text.size() && in_literal(text[end]))
    ++end;
  if (end < text.size() && (text[end] == 'e' || text[end] == 'E'))
    return write_number(out, value);
  const std::string_view spelled =
      text.substr(pool.offset(literal), end - pool.offset(literal));
  char* written = write_literal(out, spelled, negative);
  return written != nullptr ? written : write_number(out, value);
}

void JsonRenderer::steps(std::string_view key, bool reversed,
                         void (JsonRenderer::*step)(TextBuffer&, TextBuffer&,
                                                    NodeId) const,
                         void (JsonRenderer::*prefetch)(NodeId, int) const) {
  out_.print(",\n  \"{}\": [", key);
  const size_t count = model_.order.size();
  auto node_at = [&](size_t i) {
    return model_.order[reversed ? count - 1 - i : i];
  };
  auto is_large = [&](NodeId node) {
    return reversed && is_large_backward(node);
  };
  const std::vector<size_t> bounds = chunk_bounds(reversed);

  // Every step starts with a comma; the first one written loses it.
  auto render = [&](size_t begin, size_t end, TextBuffer& out) {
    TextBuffer message;
    for (size_t i = begin; i < end; ++i) {
      for (int stage = 0; stage < 3; ++stage) {
        if (i + kPrefetchAhead[stage] < count)
          (this->*prefetch)(node_at(i + kPrefetchAhead[stage]), stage);
      }
      NodeId node = node_at(i);
      if ((reversed && !trace_.has_bar(node)) || is_large(node))
        continue;
      out += ",\n    ";
      (this->*step)(out, message, node);
    }
  };
  bool first = true;
  auto emit = [&](size_t chunk, const TextBuffer& text) {
    if (!text.empty()) {
      out_.write(text.view().substr(first ? 1 : 0));
      first = false;
    }
    const NodeId node = node_at(bounds[chunk]);
    if (is_large(node) && trace_.has_bar(node)) {
      out_.write(first ? "\n    " : ",\n    ");
      first = false;
      large_backward_step(node);
    }
  };
  render_in_order(bounds, render, emit);
  out_.write(first ? "]" : "\n  ]");
}

// Where the chunks of the steps start, each of about kTermsPerChunk terms,
// and end. A backward step with many children, such as that of a weight a
// whole layer uses, runs to megabytes; it is written when its turn comes,
// straight into the sink, and in a chunk of its own.
std::vector<size_t> JsonRenderer::chunk_bounds(bool reversed) const {
  const size_t count = model_.order.size();
  std::vector<size_t> bounds{0};
  size_t terms = 0;
  for (size_t i = 0; i < count; ++i) {
    const NodeId node = model_.order[reversed ? count - 1 - i : i];
    if (reversed && is_large_backward(node)) {
      if (bounds.back() != i)
        bounds.push_back(i);
      bounds.push_back(i + 1);
      terms = 0;
      continue;
    }
    const Statement& statement = graph_.statement(node);
    terms += reversed ? 1 + graph_.child_edges(node).size()
                      : 1 + statement.value - statement.first;
    if (terms >= kTermsPerChunk) {
      bounds.push_back(i + 1);
      terms = 0;
    }
  }
  if (bounds.back() != count)
    bounds.push_back(count);
  return bounds;
}

// A forward step reads the names and spelled values of its parents.
void JsonRenderer::prefetch_forward(NodeId node, int stage) const {
  if (stage == 0)
    return;
  for (NodeId parent : graph_.parents(node)) {
    if (stage == 1) {
      __builtin_prefetch(&graph_.statement(parent));
      __builtin_prefetch(&trace_.values[parent]);
      substituted_.prefetch(parent);
    } else {
      __builtin_prefetch(graph_.name(parent).data());
      substituted_.prefetch_text(parent);
    }
  }
}

// A backward step reads, for each child, its edge's derivative and value,
// the child's name and bar, and the top of the derivative's tree.
void JsonRenderer::prefetch_backward(NodeId node, int stage) const {
  const ExprPool& pool = graph_.program.exprs;
  for (uint32_t edge : graph_.child_edges(node)) {
    if (stage == 0) {
      __builtin_prefetch(&graph_.edge_child(edge));
      __builtin_prefetch(&model_.locals.by_parent[edge]);
      __builtin_prefetch(&model_.locals.by_result[edge]);
      __builtin_prefetch(&trace_.local_values[edge]);
      continue;
    }
    const NodeId child = graph_.edge_child(edge);
    const ExprId local = model_.locals.by_parent[edge];
    if (stage == 1) {
      __builtin_prefetch(&graph_.statement(child));
      __builtin_prefetch(&trace_.bars[child]);
      __builtin_prefetch(&pool[local]);
      bars_.prefetch(child);
    } else {
      __builtin_prefetch(graph_.name(child).data());
      bars_.prefetch_text(child);
      const ExprNode& top = pool[local];
      if (top.kind == ExprKind::Name) {
        __builtin_prefetch(&graph_.statement(top.a));
      } else if (top.kind != ExprKind::Number) {
        __builtin_prefetch(&pool[top.a]);
        if (top.b != kNoExpr)
          __builtin_prefetch(&pool[top.b]);
      }
    }
  }
}

void JsonRenderer::forward_step(TextBuffer& out, TextBuffer&,
                                NodeId node) const {
  const Statement& statement = graph_.statement(node);
  out.append("{\"node\": ");
  name(out, node);
  out.append(statement.is_leaf ? std::string_view(", \"leaf\": true, ")
                               : std::string_view(", \"leaf\": false, "));
  out.append("\"expression\": ");
  expression(out, statement.value, symbolic_);
  out.append(", \"substituted\": ");
  expression(out, statement.value, with_values_);
  out.append(", \"value\": ");
  out.append(values_[node]);
  out += '}';
}

void JsonRenderer::backward_step(TextBuffer& out, TextBuffer& message,
                                 NodeId node) const {
  backward_head(out, node);
  message.clear();
  bool first = true;
  backward_terms(graph_.child_edges(node), out, message, first, nullptr);
  out.append(first ? std::string_view("], ") : std::string_view("\n    ], "));
  out.append("\"expression\": \"");
  if (node == trace_.output) {
    out += '1';
  } else {
    out += message;
  }
  out.append("\"}");
}

void JsonRenderer::backward_head(TextBuffer& out, NodeId node) const {
  out.append("{\"node\": ");
  name(out, node);
  out.append(", \"bar\": ");
  out.append(bars_[node]);
  out.append(", \"terms\": [");
}

// backward_step() for a node of many children, straight into the sink.
// Two threads write the halves of its terms: the first streams into the
// sink, the second into a buffer that follows it, its separators dropped
// if the first half wrote nothing.
void JsonRenderer::large_backward_step(NodeId node) {
  TextBuffer& out = out_.buffer();
  backward_head(out, node);
  const std::span<const uint32_t> edges = graph_.child_edges(node);
  const auto half = edges.begin() + edges.size() / 2;
  message_.clear();
  second_.clear();
  second_message_.clear();
  bool first = true;
  bool second_first = false;
  in_parallel(
      [&] {
        backward_terms({edges.begin(), half}, out, message_, first, &out_);
      },
      [&] {
        backward_terms({half, edges.end()}, second_, second_message_,
                       second_first, nullptr);
      });
  if (!second_.empty()) {
    out_.write(second_.view().substr(first ? 1 : 0));
    message_.append(second_message_.view().substr(first ? 3 : 0));
    first = false;
  }
  out_.write(first ? "], " : "\n    ], ");
  out_.write("\"expression\": \"");
  out_.write(node == trace_.output ? std::string_view("1") : message_.view());
  out_.write("\"}");
}

// The terms of a backward step for the children along `edges`, appended
// to `out`, and the message's matching terms to `message`; each after a
// separator unless `first`, which turns false once a term is written.
// With `stream`, `out` is its buffer, handed on as it fills.
void JsonRenderer::backward_terms(std::span<const uint32_t> edges,
                                  TextBuffer& out, TextBuffer& message,
                                  bool& first, Sink* stream) const {
  for (uint32_t edge : edges) {
    NodeId child = graph_.edge_child(edge);
    if (!trace_.has_bar(child))
      continue;
    if (!first)
      out += ',';
    out.append("\n      {\"child\": ");
    name(out, child);
    out.append(", \"child_bar\": ");
    out.append(bars_[child]);
    out.append(", \"local_derivative\": \"");
    ExprId local = model_.locals.by_parent[edge];
    const size_t start = out.size();
    append_expr(out, graph_, local, symbolic_);

    // The message repeats the local derivative just written.
    if (!first)
      message += " + ";
    append_bar(message, graph_.name(child), Style::Ascii);
    append_product(message, graph_, {}, local, symbolic_,
                   out.view().substr(start));

    out.append("\", \"local_value\": ");
    append_number(out, trace_.local_values[edge]);
    ExprId by_result = model_.locals.by_result[edge];
    if (by_result != kNoExpr) {
      out.append(", \"local_derivative_by_result\": ");
      expression(out, by_result, symbolic_);
    }
    out.append(", \"product\": ");
    append_number(out, trace_.bars[child] * trace_.local_values[edge]);
    out += '}';
    first = false;
    if (stream)
      stream->written();
  }
}

void JsonRenderer::warnings() {
  out_.write(",\n  \"warnings\": [");
  for (size_t i = 0; i < trace_.warnings.size(); ++i) {
    const Warning& warning = trace_.warnings[i];
    Location location = graph_.source().locate(warning.span.begin);
    text_ += i == 0 ? "\n    {\"node\": " : ",\n    {\"node\": ";
    name(warning.node);
    fmt::format_to(std::back_inserter(text_),
                   ", \"line\": {}, \"column\": {}, \"message\": {}}}",
                   location.line, location.column, string(warning.message));
    flush();
  }
  out_.write(trace_.warnings.empty() ? "]" : "\n  ]");
}

void JsonRenderer::checks() {
  out_.write(",\n  \"check\": [");
  const std::vector<LeafCheck>& checks = *options_.checks;
  for (size_t i = 0; i < checks.size(); ++i) {
    const LeafCheck& check = checks[i];
    text_ += i == 0 ? "\n    {\"leaf\": " : ",\n    {\"leaf\": ";
    name(check.leaf);
    fmt::format_to(std::back_inserter(text_),
                   ", \"gradient\": {}, \"finite_difference\": {}, "
                   "\"relative_error\": {}, \"kink\": {}, \"passed\": {}}}",
                   number(check.gradient), number(check.finite_difference),
                   number(check.relative_error), check.kink, check.passed);
    flush();
  }
  out_.write(checks.empty() ? "]" : "\n  ]");
}

}  // namespace

void render_json(const Trace& trace, const JsonOptions& options, Sink& out) {
  JsonRenderer(trace, options, out).render();
}

}  // namespace backprop
