// Spelling names, numbers and expressions for people.
#include "backprop/spelling.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>

#include "backprop/shortest.hpp"

namespace backprop {
namespace {

struct Greek {
  std::string_view name;
  std::string_view letter;
};

constexpr std::array<Greek, 35> kGreek{{
    {"alpha", "\u03b1"},  {"beta", "\u03b2"},    {"gamma", "\u03b3"},
    {"delta", "\u03b4"},  {"epsilon", "\u03b5"}, {"zeta", "\u03b6"},
    {"eta", "\u03b7"},    {"theta", "\u03b8"},   {"iota", "\u03b9"},
    {"kappa", "\u03ba"},  {"lambda", "\u03bb"},  {"mu", "\u03bc"},
    {"nu", "\u03bd"},     {"xi", "\u03be"},      {"omicron", "\u03bf"},
    {"pi", "\u03c0"},     {"rho", "\u03c1"},     {"sigma", "\u03c3"},
    {"tau", "\u03c4"},    {"upsilon", "\u03c5"}, {"phi", "\u03c6"},
    {"chi", "\u03c7"},    {"psi", "\u03c8"},     {"omega", "\u03c9"},
    {"Gamma", "\u0393"},  {"Delta", "\u0394"},   {"Theta", "\u0398"},
    {"Lambda", "\u039b"}, {"Xi", "\u039e"},      {"Pi", "\u03a0"},
    {"Sigma", "\u03a3"},  {"Upsilon", "\u03a5"}, {"Phi", "\u03a6"},
    {"Psi", "\u03a8"},    {"Omega", "\u03a9"},
}};

constexpr std::string_view kOverline = "\u0305";
constexpr std::array<std::string_view, 10> kSubscripts{
    "\u2080", "\u2081", "\u2082", "\u2083", "\u2084",
    "\u2085", "\u2086", "\u2087", "\u2088", "\u2089"};
constexpr std::array<std::string_view, 10> kSuperscripts{
    "\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074",
    "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};

std::string_view greek_letter(std::string_view name) {
  for (const Greek& greek : kGreek) {
    if (greek.name == name)
      return greek.letter;
  }
  return {};
}

bool all_digits(std::string_view text) {
  if (text.empty())
    return false;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
  }
  return true;
}

// A name splits at its first underscore into a head and a subscript.
struct NameParts {
  std::string_view head;
  std::string_view subscript;  // without the underscore; may be empty
};

NameParts split_name(std::string_view name) {
  size_t underscore = name.find('_');
  if (underscore == 0 || underscore == std::string_view::npos ||
      underscore + 1 == name.size()) {
    return {name, {}};
  }
  return {name.substr(0, underscore), name.substr(underscore + 1)};
}

std::string unicode_head(std::string_view head, bool bar) {
  std::string_view letter = greek_letter(head);
  std::string spelled(letter.empty() ? head : letter);
  if (!bar)
    return spelled;
  std::string result;
  for (size_t i = 0; i < spelled.size(); ++i) {
    result.push_back(spelled[i]);
    bool last_byte =
        i + 1 == spelled.size() ||
        (static_cast<unsigned char>(spelled[i + 1]) & 0xC0) != 0x80;
    if (last_byte)
      result += kOverline;
  }
  return result;
}

std::string unicode_subscript(std::string_view subscript) {
  if (subscript.empty())
    return "";
  if (!all_digits(subscript)) {
    std::string_view letter = greek_letter(subscript);
    return fmt::format("_{}", letter.empty() ? subscript : letter);
  }
  std::string result;
  for (char c : subscript)
    result += kSubscripts[c - '0'];
  return result;
}

// The LaTeX command of a Greek letter; omicron has none, being an `o`.
std::string latex_greek(std::string_view name) {
  return name == "omicron" ? std::string("o") : fmt::format("\\{}", name);
}

std::string latex_head(std::string_view head) {
  std::string_view letter = greek_letter(head);
  if (!letter.empty())
    return latex_greek(head);
  std::string escaped;
  for (char c : head) {
    if (c == '_')
      escaped += "\\_";
    else
      escaped.push_back(c);
  }
  return head.size() == 1 ? escaped : "\\mathit{" + escaped + "}";
}

std::string latex_subscript(std::string_view subscript) {
  if (subscript.empty())
    return "";
  std::string inner;
  for (char c : subscript) {
    if (c == '_')
      inner += "\\_";
    else
      inner.push_back(c);
  }
  if (!greek_letter(subscript).empty())
    return "_{" + latex_greek(subscript) + "}";
  if (all_digits(subscript) || subscript.size() == 1) {
    return "_{" + inner + "}";
  }
  return "_{\\mathrm{" + inner + "}}";
}

std::string superscript(double exponent) {
  std::string digits = fmt::format("{}", exponent);
  std::string result;
  for (char c : digits) {
    if (c == '-')
      result += "\u207b";
    else
      result += kSuperscripts[c - '0'];
  }
  return result;
}

// Rewrites a number appended at `start` in LaTeX: 1.5e-07 becomes
// 1.5 \cdot 10^{-7}.
template <typename Out>
void latex_exponent(Out& out, size_t start) {
  const std::string_view number(out.data() + start, out.size() - start);
  const size_t e = number.find('e');
  if (e == std::string_view::npos)
    return;
  int exponent = 0;  // after the sign that fmt always writes
  for (char digit : number.substr(e + 2))
    exponent = 10 * exponent + (digit - '0');
  if (number[e + 1] == '-')
    exponent = -exponent;
  out.resize(start + e);
  fmt::format_to(std::back_inserter(out), " \\cdot 10^{{{}}}", exponent);
}

bool is_small_integer(double value) {
  return std::abs(value) < 1000 && value == std::floor(value);
}

// Precedence levels, loosest first.
enum Level : int { kSum = 1, kProduct = 2, kSign = 3, kPower = 4, kAtom = 5 };

// The signs a style writes an expression with.
struct Marks {
  std::string_view open;  // a parenthesis
  std::string_view close;
  std::string_view call;      // after a function's name
  std::string_view negate;    // a leading minus
  std::string_view subtract;  // a minus between two terms
  std::string_view times;
};

constexpr Marks kUnicodeMarks{"(", ")", "(", "\u2212", " \u2212 ", "\u00b7"};
constexpr Marks kAsciiMarks{"(", ")", "(", "-", " - ", "*"};
// An empty \mathopen keeps TeX from spacing `\sigma (z)` as a product.
constexpr Marks kLatexMarks{"\\left(", "\\right)", "\\mathopen{}\\left(",
                            "-",       " - ",      " \\cdot "};

const Marks& marks_of(Style style) {
  switch (style) {
    case Style::Unicode:
      return kUnicodeMarks;
    case Style::Ascii:
      return kAsciiMarks;
    case Style::Latex:
      return kLatexMarks;
  }
  return kAsciiMarks;
}

// Appends the literal of the source at `offset`, such as "0.50" or "007",
// as append_value() spells its value at full precision, from its digits;
// returns false, appending nothing, for a literal that is not plain
// enough. A decimal of at most 15 significant digits is the shortest text
// of the double it reads as (no shorter one reads as the same double), and
// fmt writes that in fixed notation from 1e-4 up to 1e15, so the text is
// the literal without its leading and trailing zeros. A formula repeats
// its literals in every form of it that a trace prints.
// append_value(), into either kind of buffer.
template <typename Out>
void write_value(Out& out, double value, int precision, Style style) {
  const std::string_view minus = style == Style::Unicode ? "\u2212" : "-";
  if (std::isnan(value)) {
    out += style == Style::Latex ? "\\mathrm{NaN}" : "NaN";
    return;
  }
  if (std::isinf(value)) {
    if (value < 0)
      out += minus;
    out += style == Style::Unicode ? "\u221e"
           : style == Style::Latex ? "\\infty"
                                   : "inf";
    return;
  }
  if (value == 0)
    value = 0;  // no "-0"
  if (value < 0) {
    out += minus;
    value = -value;
  }
  const size_t start = out.size();
  // Formatted on the stack, the shortest form by write_general() (fmt's
  // "{}" at a fraction of its cost) and the others with a format parsed
  // when compiled: a trace spells every number of every formula, and this
  // is much of its cost. Neither form takes more than kShortestRoom bytes
  // up to 17 digits.
  char text[kShortestRoom];
  // Whole numbers, most of the constants in formulas, print as integers in
  // either form while they have fewer digits than the precision (or 16).
  constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3, 1e4,  1e5,
                                     1e6,  1e7,  1e8,  1e9, 1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15};
  const double whole_below =
      kPowersOfTen[precision > 0 && precision < 15 ? precision : 15];
  if (value < whole_below && value == std::trunc(value)) {
    out.append(text, std::to_chars(text, text + sizeof text,
                                   static_cast<uint64_t>(value))
                         .ptr);
  } else if (precision <= 0) {
    out.append(text, write_general(text, value));
  } else if (precision <= 17) {
    out.append(text,
               fmt::format_to(text, FMT_COMPILE("{:.{}g}"), value, precision));
  } else {
    fmt::format_to(std::back_inserter(out), "{:.{}g}", value, precision);
  }
  if (style == Style::Latex)
    latex_exponent(out, start);
}

template <typename Out>
void write_name(Out& out, std::string_view name, Style style) {
  if (style == Style::Ascii) {
    out += name;
  } else {
    out += spell_name(name, style);
  }
}

// `wbar`, or `w_1_bar` when the name has a subscript, so that the bar
// never reads as part of it.
template <typename Out>
void write_bar(Out& out, std::string_view name, Style style) {
  if (style == Style::Ascii) {
    out += name;
    out += name.find('_') == std::string_view::npos ? "bar" : "_bar";
  } else {
    out += spell_bar(name, style);
  }
}

template <typename Out>
bool append_literal(Out& out, std::string_view text, uint32_t offset) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t end = offset;
  size_t point = std::string_view::npos;
  for (; end < text.size(); ++end) {
    if (text[end] == '.' && point == std::string_view::npos)
      point = end;
    else if (!is_digit(text[end]))
      break;
  }
  if (end < text.size() && (text[end] == 'e' || text[end] == 'E'))
    return false;
  if (point == std::string_view::npos)
    point = end;
  auto insignificant = [&](size_t i) {
    return text[i] == '0' || text[i] == '.';
  };
  size_t first = offset;
  while (first < end && insignificant(first))
    ++first;
  if (first == end) {
    out += '0';
    return true;
  }
  size_t last = end - 1;
  while (insignificant(last))
    --last;
  // The value is d1.d2d3... times ten to the power `exponent`.
  const long exponent = first < point ? static_cast<long>(point - first) - 1
                                      : -static_cast<long>(first - point);
  const size_t digits = last - first + 1 - (first < point && point < last);
  if (digits > 15 || exponent < -4 || exponent >= 15)
    return false;
  if (exponent < 0) {
    out += "0.";
    for (long zeros = -exponent - 1; zeros > 0; --zeros)
      out += '0';
    out.append(text.substr(first, last - first + 1));
  } else if (point > last) {  // a whole number: its digits, then zeros
    out.append(text.substr(first, point - first));
  } else {
    out.append(text.substr(first, last - first + 1));
  }
  return true;
}

// Appends expressions to a std::string or a TextBuffer. Whether a
// subexpression needs parentheses follows from its kind and its context's
// precedence, so each node is written once, straight into the output.
template <typename Out>
class ExprPrinter {
 public:
  ExprPrinter(const Graph& graph, const PrintOptions& options, Out& out)
      : graph_(graph),
        pool_(graph.program.exprs),
        options_(options),
        marks_(marks_of(options.style)),
        out_(out) {}

  // Prints `id` where the context needs at least `level`.
  void print(ExprId id, int level) {
    if (level_of(id) < level) {
      wrapped(id);
    } else {
      print_bare(id);
    }
  }

  // A right operand that starts with a minus sign gets parentheses, so that
  // `a + (−b)` never reads as `a + −b`.
  void print_operand(ExprId id, int level) {
    if (operand_needs_parentheses(id, level)) {
      wrapped(id);
    } else {
      print_bare(id);
    }
  }

  bool operand_needs_parentheses(ExprId id, int level) const {
    return level_of(id) < level || starts_with_minus(id);
  }

  [[gnu::always_inline]] void put(std::string_view text) {
    out_.append(text.data(), text.size());
  }

 private:
  Style style() const { return options_.style; }
  bool substituting() const { return !options_.values.empty(); }

  void wrapped(ExprId id) {
    put(marks_.open);
    print_bare(id);
    put(marks_.close);
  }

  int level_of(ExprId id) const;
  int level_of_value(double value, int precision) const;
  bool starts_with_minus(ExprId id) const;
  void print_bare(ExprId id);
  void print_binary(const ExprNode& node);
  void print_power(const ExprNode& node);
  void print_call(const ExprNode& node);

  const Graph& graph_;
  const ExprPool& pool_;
  const PrintOptions& options_;
  const Marks& marks_;
  Out& out_;
};

template <typename Out>
int ExprPrinter<Out>::level_of(ExprId id) const {
  const ExprNode& node = pool_[id];
  switch (node.kind) {
    case ExprKind::Number:
      return level_of_value(pool_.number(id), 0);
    case ExprKind::Name:
      return substituting()
                 ? level_of_value(options_.values[node.a], options_.precision)
                 : kAtom;
    case ExprKind::Negate:
      return kSign;
    case ExprKind::Add:
    case ExprKind::Subtract:
      return kSum;
    case ExprKind::Multiply:
    case ExprKind::Divide:
      return kProduct;
    case ExprKind::Power:
      return kPower;
    case ExprKind::Call:
      return kAtom;
  }
  return kAtom;
}

// A negative number reads as a sign; in LaTeX, 1.5 \cdot 10^{-7} is a
// product, which a power must wrap.
template <typename Out>
int ExprPrinter<Out>::level_of_value(double value, int precision) const {
  if (value < 0)
    return kSign;
  if (style() != Style::Latex || value == 0 || !std::isfinite(value))
    return kAtom;
  std::string text;
  write_value(text, value, precision, Style::Ascii);
  return text.find('e') == std::string::npos ? kAtom : kProduct;
}

template <typename Out>
bool ExprPrinter<Out>::starts_with_minus(ExprId id) const {
  const ExprNode& node = pool_[id];
  switch (node.kind) {
    case ExprKind::Number:
    case ExprKind::Name:
    case ExprKind::Negate:
      return level_of(id) == kSign;
    case ExprKind::Add:
    case ExprKind::Subtract:
    case ExprKind::Multiply:
    case ExprKind::Divide:
      return starts_with_minus(node.a);
    case ExprKind::Power:  // a signed base is always in parentheses
    case ExprKind::Call:
      return false;
  }
  return false;
}

template <typename Out>
void ExprPrinter<Out>::print_bare(ExprId id) {
  const ExprNode& node = pool_[id];
  switch (node.kind) {
    case ExprKind::Number: {
      // A Number with an offset is the literal written there.
      const uint32_t offset = pool_.offset(id);
      if (offset == ExprPool::kNoOffset ||
          !append_literal(out_, graph_.source().text(), offset)) {
        write_value(out_, pool_.number(id), 0, style());
      }
      return;
    }
    case ExprKind::Name:
      if (options_.value_texts) {
        put((*options_.value_texts)[node.a]);
      } else if (substituting()) {
        write_value(out_, options_.values[node.a], options_.precision, style());
      } else {
        write_name(out_, graph_.name(node.a), style());
      }
      return;
    case ExprKind::Negate:  // −(−2), never −−2
      put(marks_.negate);
      print_operand(node.a, kProduct);
      return;
    case ExprKind::Power:
      print_power(node);
      return;
    case ExprKind::Call:
      print_call(node);
      return;
    default:
      print_binary(node);
      return;
  }
}

template <typename Out>
void ExprPrinter<Out>::print_binary(const ExprNode& node) {
  switch (node.kind) {
    case ExprKind::Add:
      print(node.a, kSum);
      put(" + ");
      print_operand(node.b, kSum);
      return;
    case ExprKind::Subtract:
      print(node.a, kSum);
      put(marks_.subtract);
      print_operand(node.b, kProduct);
      return;
    case ExprKind::Multiply:
      print(node.a, kProduct);
      put(marks_.times);
      print_operand(node.b, kProduct);
      return;
    case ExprKind::Divide:
      if (style() == Style::Latex) {
        put("\\frac{");
        print(node.a, 0);
        put("}{");
        print(node.b, 0);
        put("}");
        return;
      }
      print(node.a, kProduct);
      put("/");
      print_operand(node.b, kSign + 1);
      return;
    default:
      return;
  }
}

template <typename Out>
void ExprPrinter<Out>::print_power(const ExprNode& node) {
  print(node.a, kAtom);
  if (pool_.is_number(node.b) && is_small_integer(pool_.number(node.b))) {
    double exponent = pool_.number(node.b);
    if (style() == Style::Unicode) {
      out_ += superscript(exponent);
      return;
    }
    if (style() == Style::Latex) {
      fmt::format_to(std::back_inserter(out_), "^{{{}}}", exponent);
      return;
    }
  }
  if (style() == Style::Latex) {
    put("^{");
    print(node.b, 0);
    put("}");
    return;
  }
  put("^");
  print_operand(node.b, kAtom);
}

template <typename Out>
void ExprPrinter<Out>::print_call(const ExprNode& node) {
  const FunctionInfo& row = info(node.function);
  std::string_view name = style() == Style::Unicode ? row.unicode
                          : style() == Style::Latex ? row.latex
                                                    : row.name;
  if (node.function == Function::Sqrt && style() == Style::Latex) {
    put("\\sqrt{");
    print(node.a, 0);
    put("}");
    return;
  }
  if (row.notation == Notation::Bracket) {
    put("[");
    print(node.a, 0);
    put(" ");
    put(name);
    put(" ");
    print(node.b, 0);
    put("]");
    return;
  }
  put(name);
  put(marks_.call);
  print(node.a, 0);
  if (node.b != kNoExpr) {
    put(", ");
    print(node.b, 0);
  }
  put(marks_.close);
}

// append_product(), into either kind of buffer.
template <typename Out>
void write_product(Out& out, const Graph& graph, std::string_view factor,
                   ExprId id, const PrintOptions& options,
                   std::string_view printed) {
  out += factor;
  const ExprPool& pool = graph.program.exprs;
  if (pool.is_number(id, 1))
    return;
  ExprPrinter printer(graph, options, out);
  const ExprNode& node = pool[id];
  // Times 1/u is written as a division: c̅/u, not c̅·1/u.
  if (node.kind == ExprKind::Divide && pool.is_number(node.a, 1) &&
      options.style != Style::Latex) {
    out += '/';
    printer.print_operand(node.b, kSign + 1);
    return;
  }
  printer.put(marks_of(options.style).times);
  if (printed.empty()) {
    printer.print_operand(id, kProduct);
  } else if (printer.operand_needs_parentheses(id, kProduct)) {
    printer.put(marks_of(options.style).open);
    printer.put(printed);
    printer.put(marks_of(options.style).close);
  } else {
    printer.put(printed);
  }
}

}  // namespace

std::string spell_name(std::string_view name, Style style) {
  NameParts parts = split_name(name);
  switch (style) {
    case Style::Ascii:
      return std::string(name);
    case Style::Unicode:
      return unicode_head(parts.head, false) +
             unicode_subscript(parts.subscript);
    case Style::Latex:
      return latex_head(parts.head) + latex_subscript(parts.subscript);
  }
  return std::string(name);
}

std::string spell_bar(std::string_view name, Style style) {
  NameParts parts = split_name(name);
  switch (style) {
    case Style::Ascii: {
      std::string bar;
      append_bar(bar, name, style);
      return bar;
    }
    case Style::Unicode:
      return unicode_head(parts.head, true) +
             unicode_subscript(parts.subscript);
    case Style::Latex: {
      std::string head = latex_head(parts.head);
      std::string command =
          parts.head.size() == 1 || !greek_letter(parts.head).empty()
              ? "\\bar{"
              : "\\overline{";
      return command + head + "}" + latex_subscript(parts.subscript);
    }
  }
  return std::string(name);
}

std::string spell_value(double value, int precision, Style style) {
  std::string out;
  append_value(out, value, precision, style);
  return out;
}

void append_value(std::string& out, double value, int precision, Style style) {
  write_value(out, value, precision, style);
}

void append_value(TextBuffer& out, double value, int precision, Style style) {
  write_value(out, value, precision, style);
}

void append_name(std::string& out, std::string_view name, Style style) {
  write_name(out, name, style);
}

void append_bar(std::string& out, std::string_view name, Style style) {
  write_bar(out, name, style);
}

void append_bar(TextBuffer& out, std::string_view name, Style style) {
  write_bar(out, name, style);
}

void append_expr(std::string& out, const Graph& graph, ExprId id,
                 const PrintOptions& options) {
  ExprPrinter(graph, options, out).print(id, 0);
}

void append_expr(TextBuffer& out, const Graph& graph, ExprId id,
                 const PrintOptions& options) {
  ExprPrinter(graph, options, out).print(id, 0);
}

void append_product(std::string& out, const Graph& graph,
                    std::string_view factor, ExprId id,
                    const PrintOptions& options, std::string_view printed) {
  write_product(out, graph, factor, id, options, printed);
}

void append_product(TextBuffer& out, const Graph& graph,
                    std::string_view factor, ExprId id,
                    const PrintOptions& options, std::string_view printed) {
  write_product(out, graph, factor, id, options, printed);
}

NodeTexts::NodeTexts(size_t nodes) : begin_(nodes), size_(nodes) {}

void NodeTexts::set(NodeId node, std::string_view text) {
  begin_[node] = buffer_.size();
  size_[node] = static_cast<uint8_t>(text.size());
  buffer_ += text;
}

NodeTexts spell_values(std::span<const double> values, int precision,
                       Style style) {
  NodeTexts texts(values.size());
  TextBuffer text;
  for (NodeId node = 0; node < values.size(); ++node) {
    text.clear();
    write_value(text, values[node], precision, style);
    texts.set(node, text);
  }
  return texts;
}

std::string print(const Graph& graph, ExprId id, const PrintOptions& options) {
  std::string out;
  append_expr(out, graph, id, options);
  return out;
}

std::string print_factor(const Graph& graph, ExprId id,
                         const PrintOptions& options) {
  std::string out;
  ExprPrinter(graph, options, out).print_operand(id, kProduct);
  return out;
}

size_t display_width(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) == 0x80)
      continue;
    // U+0300..U+036F, the combining marks, are 0xCC 0x80 .. 0xCD 0xAF.
    if (byte == 0xCC || (byte == 0xCD && i + 1 < text.size() &&
                         static_cast<unsigned char>(text[i + 1]) <= 0xAF)) {
      continue;
    }
    ++width;
  }
  return width;
}

}  // namespace backprop
