// How names, numbers and expressions are written out for people: Unicode
// (σ, λ, w̅, x², ·, −), plain ASCII, or LaTeX.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backprop/graph.hpp"
#include "backprop/text_buffer.hpp"

namespace backprop {

enum class Style { Unicode, Ascii, Latex };

/// A name as written: `lambda_1` is `λ₁` in Unicode and `\lambda_{1}` in
/// LaTeX; ASCII keeps it as it is.
std::string spell_name(std::string_view name, Style style);

/// The bar of a name: `w̅` (Unicode), `wbar` or `L_reg_bar` (ASCII),
/// `\bar{w}` (LaTeX).
std::string spell_bar(std::string_view name, Style style);

/// A computed value with `precision` significant digits (0: the shortest
/// text that reads back to the same double). Unicode writes a minus as `−`.
std::string spell_value(double value, int precision, Style style);

/// The same, appended to `out`.
void append_value(std::string& out, double value, int precision, Style style);
void append_value(TextBuffer& out, double value, int precision, Style style);

/// spell_name(name, style), appended to `out`.
void append_name(std::string& out, std::string_view name, Style style);

/// spell_bar(name, style), appended to `out`.
void append_bar(std::string& out, std::string_view name, Style style);
void append_bar(TextBuffer& out, std::string_view name, Style style);

/// A short text per node, all in one buffer: numbers spelled once for a
/// renderer that shows each of them many times.
class NodeTexts {
 public:
  explicit NodeTexts(size_t nodes = 0);

  /// Sets the node's text; each node is set at most once. Texts are at most
  /// 255 bytes.
  void set(NodeId node, std::string_view text);
  std::string_view operator[](NodeId node) const {
    return {buffer_.data() + begin_[node], size_[node]};
  }

  /// Starts to fetch where the node's text is, for a caller that reads
  /// texts in an order the cache cannot follow; then, once that has
  /// arrived, prefetch_text() starts to fetch the text itself.
  void prefetch(NodeId node) const {
    __builtin_prefetch(&begin_[node]);
    __builtin_prefetch(&size_[node]);
  }
  void prefetch_text(NodeId node) const {
    __builtin_prefetch(buffer_.data() + begin_[node]);
  }

 private:
  std::string buffer_;
  std::vector<size_t> begin_;
  std::vector<uint8_t> size_;
};

/// Every value spelled as append_value() writes it.
NodeTexts spell_values(std::span<const double> values, int precision,
                       Style style);

struct PrintOptions {
  Style style = Style::Unicode;
  /// When set, names print as their values, with `precision` digits.
  std::span<const double> values;
  int precision = 6;
  /// When set with `values`, the names' values already spelled (by
  /// spell_values() with the same precision and style), written as they
  /// are.
  const NodeTexts* value_texts = nullptr;
};

/// An expression with as few parentheses as its precedence needs.
std::string print(const Graph& graph, ExprId id, const PrintOptions& options);

/// print(), appended to `out`.
void append_expr(std::string& out, const Graph& graph, ExprId id,
                 const PrintOptions& options);
void append_expr(TextBuffer& out, const Graph& graph, ExprId id,
                 const PrintOptions& options);

/// The product of a factor already written (a bar, a value) and an
/// expression, appended to `out`: just the factor when the expression is 1,
/// `c̅/u` when it is 1/u, else `c̅·(...)` with parentheses where needed.
/// `printed`, when not empty, is print(graph, id, options), copied rather
/// than printed again.
void append_product(std::string& out, const Graph& graph,
                    std::string_view factor, ExprId id,
                    const PrintOptions& options, std::string_view printed = {});
void append_product(TextBuffer& out, const Graph& graph,
                    std::string_view factor, ExprId id,
                    const PrintOptions& options, std::string_view printed = {});

/// An expression as a factor of a product: in parentheses when it is a sum
/// or starts with a minus sign.
std::string print_factor(const Graph& graph, ExprId id,
                         const PrintOptions& options);

/// The number of terminal columns a string takes (combining marks take none).
size_t display_width(std::string_view text);

}  // namespace backprop
