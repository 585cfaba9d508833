// The text trace: what a lecture writes on the board, line by line.
#include "backprop/render_text.hpp"

#include <algorithm>

#include "backprop/trace_rows.hpp"

namespace backprop {
namespace {

constexpr size_t kMaxAlign = 40;  // columns beyond which a cell is not padded

// ANSI escape sequences, and the role each plays in the trace.
constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kHeading = "\x1b[1m";  // bold
constexpr std::string_view kDim = "\x1b[2m";
constexpr std::string_view kForwardNode = "\x1b[1;34m";  // bold blue
constexpr std::string_view kForwardValue = "\x1b[34m";
constexpr std::string_view kBackwardNode = "\x1b[1;35m";  // bold magenta
constexpr std::string_view kBackwardValue = "\x1b[35m";
constexpr std::string_view kMessage = "\x1b[4;32m";  // underlined green

// How one pass is coloured.
struct Palette {
  std::string_view node;
  std::string_view value;
};
constexpr Palette kForward{kForwardNode, kForwardValue};
constexpr Palette kBackward{kBackwardNode, kBackwardValue};
constexpr Palette kPlain{"", ""};

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

// The column widths of a pass: the left sides, and the first part of the
// rows that have more than one.
struct Widths {
  size_t left = 0;
  size_t first = 0;
};

Widths widths_of(const std::vector<TraceRow>& rows) {
  Widths widths;
  for (const TraceRow& row : rows) {
    fit(widths.left, row.left);
    if (row.parts.size() > 1)
      fit(widths.first, row.parts[0]);
  }
  return widths;
}

class TextRenderer {
 public:
  TextRenderer(const Trace& trace, const TextOptions& options, Sink& out)
      : trace_(trace),
        graph_(trace.graph()),
        options_(options),
        rows_{options.style, options.precision},
        out_(out) {}

  void render();

 private:
  std::string name(NodeId node) const {
    return spell_name(graph_.name(node), options_.style);
  }
  // `text` in a colour, when colours are on.
  std::string paint(std::string_view color, std::string_view text) const;
  std::string paint_part(const TraceRow& row, size_t part,
                         const Palette& palette) const;
  std::string line(const TraceRow& row, const Widths& widths,
                   const Palette& palette) const;
  bool write_pass(const std::vector<TraceRow>& rows, const Palette& palette);
  std::string step_label() const;

  void header();
  void order();
  bool forward();
  bool backward();
  void unused();
  void gradients();

  const Trace& trace_;
  const Graph& graph_;
  const TextOptions& options_;
  RowOptions rows_;
  Sink& out_;
  size_t step_ = 0;
  size_t total_steps_ = 0;
};

void TextRenderer::render() {
  if (options_.steps) {
    total_steps_ = trace_.model->order.size();
    for (NodeId node : trace_.model->order)
      total_steps_ += trace_.has_bar(node) ? 1 : 0;
  }
  header();
  order();
  if (!forward() || !backward())
    return;
  unused();
  gradients();
}

std::string TextRenderer::paint(std::string_view color,
                                std::string_view text) const {
  if (!options_.color || color.empty() || text.empty())
    return std::string(text);
  return fmt::format("{}{}{}", color, text, kReset);
}

// A part of a row, its messages or its value in colour.
std::string TextRenderer::paint_part(const TraceRow& row, size_t part,
                                     const Palette& palette) const {
  const std::string& text = row.parts[part];
  if (!options_.color)
    return text;
  if (!row.terms[part].empty()) {
    std::vector<std::string> painted;
    for (const std::string& term : row.terms[part])
      painted.push_back(paint(kMessage, term));
    return fmt::format("{}", fmt::join(painted, " + "));
  }
  return part + 1 == row.parts.size() ? paint(palette.value, text) : text;
}

// One row: `  left = part = part`, the first two columns padded. Padding
// is measured on the plain text, so colours do not shift the columns.
std::string TextRenderer::line(const TraceRow& row, const Widths& widths,
                               const Palette& palette) const {
  std::string text = "  ";
  if (options_.steps)
    text += step_label();
  const std::string left = pad(row.left, widths.left);
  text += paint(palette.node, row.left) + left.substr(row.left.size());
  for (size_t i = 0; i < row.parts.size(); ++i) {
    const bool padded = i == 0 && i + 1 < row.parts.size();
    const std::string& plain = row.parts[i];
    text += " = " + paint_part(row, i, palette);
    if (padded)
      text += pad(plain, widths.first).substr(plain.size());
  }
  if (row.set_on_command_line)
    text += "  (--set)";
  return text;
}

std::string TextRenderer::step_label() const {
  const std::string total = std::to_string(total_steps_);
  const std::string label =
      fmt::format("[{:>{}}/{}] ", step_, total.size(), total);
  return paint(kDim, label);
}

// Writes the rows of a pass; false when the trace is to end.
bool TextRenderer::write_pass(const std::vector<TraceRow>& rows,
                              const Palette& palette) {
  const Widths widths = widths_of(rows);
  for (const TraceRow& row : rows) {
    ++step_;
    out_.print("{}\n", line(row, widths, palette));
    if (!options_.steps || !options_.after_step)
      continue;
    out_.flush();
    if (!options_.after_step(step_, total_steps_))
      return false;
  }
  return true;
}

void TextRenderer::header() {
  out_.print("{}: {} statements, output {}\n\n", graph_.source().path(),
             graph_.size(), name(trace_.output));
}

void TextRenderer::order() {
  out_.print("{}\n  ", paint(kHeading, "Topological order"));
  const std::vector<NodeId>& order = trace_.model->order;
  for (size_t i = 0; i < order.size(); ++i) {
    out_.print("{}{}", i == 0 ? "" : ", ", name(order[i]));
  }
  out_.print("\n\n");
}

bool TextRenderer::forward() {
  out_.print("{}\n", paint(kHeading, "Forward pass"));
  std::vector<TraceRow> rows = forward_rows(trace_, rows_);
  if (!write_pass(rows, options_.color ? kForward : kPlain))
    return false;
  out_.print("\n");
  return true;
}

bool TextRenderer::backward() {
  const std::string meaning =
      options_.style == Style::Unicode
          ? fmt::format("bar = \u2202{}/\u2202node", name(trace_.output))
          : fmt::format("bar = d{}/dnode", name(trace_.output));
  out_.print("{} ({})\n", paint(kHeading, "Backward pass"), meaning);
  std::vector<TraceRow> rows = backward_rows(trace_, rows_);
  if (!write_pass(rows, options_.color ? kBackward : kPlain))
    return false;
  out_.print("\n");
  return true;
}

void TextRenderer::unused() {
  std::vector<std::string> names;
  for (NodeId node : unused_nodes(trace_))
    names.push_back(name(node));
  if (names.empty())
    return;
  out_.print("Not used by {} (no bar): {}\n\n", name(trace_.output),
             fmt::join(names, ", "));
}

void TextRenderer::gradients() {
  out_.print("{}\n", paint(kHeading, fmt::format("Gradients of {}",
                                                 name(trace_.output))));
  std::vector<TraceRow> rows = gradient_rows(trace_, rows_);
  if (rows.empty())
    out_.print("  (the output depends on no leaf)\n");
  const Widths widths = widths_of(rows);
  for (const TraceRow& row : rows) {
    std::string text = "  " + pad(row.left, widths.left) + " = ";
    out_.print("{}{}\n", text, paint(kBackwardValue, row.parts.back()));
  }
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
