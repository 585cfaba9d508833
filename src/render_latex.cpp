// The LaTeX trace: the rows of an align* environment.
#include "backprop/render_latex.hpp"

#include <fmt/format.h>

#include "backprop/trace_rows.hpp"

namespace backprop {
namespace {

// How wide a line of an align* may grow, in characters, before its parts
// go on over further lines: about what an article's text width holds.
constexpr size_t kLineWidth = 60;

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Whether a command prints nothing by itself: it only shapes its argument.
bool is_invisible(std::string_view command) {
  for (std::string_view name :
       {"left", "right", "mathit", "mathrm", "mathopen", "frac", "bar",
        "overline", "operatorname", "text"}) {
    if (command == name)
      return true;
  }
  return false;
}

// Roughly how many characters a formula is wide when printed: a command
// such as \lambda is one, braces, scripts and \left none.
size_t printed_width(std::string_view latex) {
  size_t width = 0;
  size_t i = 0;
  while (i < latex.size()) {
    char c = latex[i];
    if (c == '\\') {
      size_t end = i + 1;
      while (end < latex.size() && is_letter(latex[end]))
        ++end;
      if (end == i + 1)
        ++end;  // a symbol such as \_ or \,
      width += is_invisible(latex.substr(i + 1, end - i - 1)) ? 0 : 1;
      i = end;
      continue;
    }
    if (c != '{' && c != '}' && c != '^' && c != '_')
      ++width;
    ++i;
  }
  return width;
}

// The top-level terms of a formula: split before each ` + ` and ` - ` that
// no brace, parenthesis or \left ... \right encloses. Each term after the
// first starts with its sign.
std::vector<std::string_view> top_level_terms(std::string_view latex) {
  std::vector<std::string_view> terms;
  size_t depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < latex.size(); ++i) {
    std::string_view rest = latex.substr(i);
    if (rest.starts_with("\\left") || latex[i] == '{' || latex[i] == '(') {
      ++depth;
    } else if (rest.starts_with("\\right") || latex[i] == '}' ||
               latex[i] == ')') {
      depth -= depth > 0 ? 1 : 0;
    } else if (depth == 0 && i > start &&
               (rest.starts_with(" + ") || rest.starts_with(" - "))) {
      terms.push_back(latex.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.push_back(latex.substr(start));
  return terms;
}

// A path or message as a LaTeX comment may hold it: on one line.
std::string comment_text(std::string_view text) {
  std::string result;
  for (char c : text)
    result.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  return result;
}

class LatexRenderer {
 public:
  LatexRenderer(const Trace& trace, const LatexOptions& options, Sink& out)
      : trace_(trace),
        graph_(trace.graph()),
        rows_{Style::Latex, options.precision},
        options_(options),
        out_(out) {}

  void render();

 private:
  std::string name(NodeId node) const {
    return spell_name(graph_.name(node), Style::Latex);
  }
  void intertext(std::string text) { lines_.push_back({std::move(text), 0}); }
  void row(const TraceRow& row);
  void order();
  void forward();
  void backward();
  void unused();
  void gradients();
  void write();

  // A line of the align*: a row (which needs `\\` before what follows it)
  // or an \intertext.
  struct Line {
    std::string text;
    bool is_row;
  };

  const Trace& trace_;
  const Graph& graph_;
  RowOptions rows_;
  const LatexOptions& options_;
  Sink& out_;
  std::vector<Line> lines_;
};

void LatexRenderer::render() {
  order();
  forward();
  backward();
  unused();
  gradients();

  const std::string path = comment_text(graph_.source().path());
  const std::string output = comment_text(graph_.name(trace_.output));
  if (options_.standalone) {
    out_.print(
        "\\documentclass{{article}}\n\\usepackage{{amsmath}}\n"
        "\\allowdisplaybreaks\n\\begin{{document}}\n"
        "\\noindent Backpropagation through \\texttt{{{}}}, output ${}$.\n"
        "\\begin{{align*}}\n",
        latex_text(graph_.source().path()), name(trace_.output));
  } else {
    out_.print(
        "% backprop-trace: {}, {} statements, output {}\n"
        "% The rows of an align* environment (amsmath): paste them inside "
        "one.\n",
        path, graph_.size(), output);
  }
  write();
  if (options_.standalone)
    out_.print("\\end{{align*}}\n\\end{{document}}\n");
}

// The parts go on one line while they fit, then on a line of their own; a
// part too wide for a line of its own goes on over several, a term at a
// time, each further line indented under the `=`.
void LatexRenderer::row(const TraceRow& row) {
  std::string text = row.left + " &= ";
  size_t width = printed_width(row.left) + 3;
  auto break_line = [&](std::string_view indent) {
    lines_.push_back({std::move(text), true});
    text = indent;
    width = printed_width(indent);
  };
  for (size_t i = 0; i < row.parts.size(); ++i) {
    const std::string& part = row.parts[i];
    size_t part_width = printed_width(part);
    if (i > 0 && width + part_width + 3 > kLineWidth) {
      break_line("  &= ");
    } else if (i > 0) {
      text += " = ";
      width += 3;
    }
    if (width + part_width <= kLineWidth) {
      text += part;
      width += part_width;
      continue;
    }
    std::vector<std::string_view> terms = top_level_terms(part);
    for (size_t t = 0; t < terms.size(); ++t) {
      size_t term_width = printed_width(terms[t]);
      if (t > 0 && width + term_width + 1 > kLineWidth) {
        break_line("  &\\quad ");
      } else if (t > 0) {
        text += ' ';
        ++width;
      }
      text += terms[t];
      width += term_width;
    }
  }
  if (row.set_on_command_line)
    text += " \\quad \\text{(set on the command line)}";
  lines_.push_back({std::move(text), true});
}

void LatexRenderer::order() {
  std::vector<std::string> names;
  for (NodeId node : trace_.model->order)
    names.push_back(fmt::format("${}$", name(node)));
  intertext(fmt::format("Topological order: {}.", fmt::join(names, ", ")));
}

void LatexRenderer::forward() {
  intertext("Forward pass:");
  for (const TraceRow& each : forward_rows(trace_, rows_))
    row(each);
}

void LatexRenderer::backward() {
  const std::string partial =
      spell_partial(graph_.name(trace_.output), "v", Style::Latex);
  intertext(fmt::format("Backward pass, where $\\bar{{v}} = {}$:", partial));
  for (const TraceRow& each : backward_rows(trace_, rows_))
    row(each);
}

void LatexRenderer::unused() {
  std::vector<std::string> names;
  for (NodeId node : unused_nodes(trace_))
    names.push_back(fmt::format("${}$", name(node)));
  if (names.empty())
    return;
  intertext(fmt::format("Not used by ${}$ (no bar): {}.", name(trace_.output),
                        fmt::join(names, ", ")));
}

void LatexRenderer::gradients() {
  std::vector<TraceRow> rows = gradient_rows(trace_, rows_);
  if (rows.empty()) {
    intertext(fmt::format("The output ${}$ depends on no leaf.",
                          name(trace_.output)));
    return;
  }
  intertext(fmt::format("Gradients of ${}$:", name(trace_.output)));
  for (const TraceRow& each : rows)
    row(each);
}

// A row ends with `\\` when a line follows it; the last one does not, so
// the environment ends without an empty row.
void LatexRenderer::write() {
  for (size_t i = 0; i < lines_.size(); ++i) {
    const Line& line = lines_[i];
    if (!line.is_row) {
      out_.print("\\intertext{{{}}}\n", line.text);
      continue;
    }
    const bool last = i + 1 == lines_.size();
    out_.print("{}{}\n", line.text, last ? "" : " \\\\");
  }
}

}  // namespace

void render_latex(const Trace& trace, const LatexOptions& options, Sink& out) {
  LatexRenderer(trace, options, out).render();
}

std::string latex_text(std::string_view text) {
  std::string result;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '\\':
        result += "\\textbackslash{}";
        break;
      case '{':
      case '}':
      case '$':
      case '&':
      case '#':
      case '%':
      case '_':
        result.push_back('\\');
        result.push_back(c);
        break;
      case '^':
        result += "\\textasciicircum{}";
        break;
      case '~':
        result += "\\textasciitilde{}";
        break;
      case '<':
        result += "\\textless{}";
        break;
      case '>':
        result += "\\textgreater{}";
        break;
      case '|':
        result += "\\textbar{}";
        break;
      default:
        result.push_back(byte < 0x20 || byte >= 0x7f ? '?' : c);
    }
  }
  return result;
}

}  // namespace backprop
