// The Markdown trace: tables with the formulas in $...$.
#include "backprop/render_markdown.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "backprop/trace_rows.hpp"

namespace backprop {
namespace {

// Inline math, or nothing for an empty formula.
std::string math(std::string_view latex) {
  return latex.empty() ? "" : fmt::format("${}$", latex);
}

// Text for a code span: on one line.
std::string plain(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (static_cast<unsigned char>(c) < 0x20)
      c = ' ';
  }
  return result;
}

class MarkdownRenderer {
 public:
  MarkdownRenderer(const Trace& trace, const MarkdownOptions& options,
                   Sink& out)
      : trace_(trace),
        graph_(trace.graph()),
        rows_{Style::Latex, options.precision},
        out_(out) {}

  void render();

 private:
  std::string name(NodeId node) const {
    return math(spell_name(graph_.name(node), Style::Latex));
  }
  void table(const std::vector<TraceRow>& rows, std::string_view left,
             size_t first_step);
  void header();
  void gradients();

  const Trace& trace_;
  const Graph& graph_;
  RowOptions rows_;
  Sink& out_;
};

void MarkdownRenderer::render() {
  header();
  std::vector<TraceRow> forward = forward_rows(trace_, rows_);
  out_.print("## Forward pass\n\n");
  table(forward, "node", 1);

  out_.print("## Backward pass\n\n");
  out_.print(
      "The bar of a node $v$ is ${}$, the sum of the messages "
      "from its children.\n\n",
      spell_partial(graph_.name(trace_.output), "v", Style::Latex)
          .insert(0, "\\bar{v} = "));
  table(backward_rows(trace_, rows_), "bar", forward.size() + 1);

  std::vector<std::string> unused;
  for (NodeId node : unused_nodes(trace_))
    unused.push_back(name(node));
  if (!unused.empty()) {
    out_.print("Not used by {} (no bar): {}.\n\n", name(trace_.output),
               fmt::join(unused, ", "));
  }
  gradients();
}

void MarkdownRenderer::header() {
  std::string path = graph_.source().path();
  std::replace(path.begin(), path.end(), '`', '\'');
  out_.print("# Backpropagation through `{}`\n\n", plain(path));
  out_.print("{} statements; the output is {}.\n\n", graph_.size(),
             name(trace_.output));
  std::vector<std::string> names;
  for (NodeId node : trace_.model->order)
    names.push_back(name(node));
  out_.print("Topological order: {}.\n\n", fmt::join(names, ", "));
}

// One row per step: its number, the left side, every part but the value
// joined by `=`, and the value.
void MarkdownRenderer::table(const std::vector<TraceRow>& rows,
                             std::string_view left, size_t first_step) {
  out_.print("| step | {} | formula | value |\n|---:|:---|:---|---:|\n", left);
  size_t step = first_step;
  for (const TraceRow& row : rows) {
    std::string formula;
    for (size_t i = 0; i + 1 < row.parts.size(); ++i)
      formula += (i == 0 ? "" : " = ") + row.parts[i];
    std::string value = math(row.parts.back());
    if (row.set_on_command_line)
      value += " (set on the command line)";
    out_.print("| {} | {} | {} | {} |\n", step++, math(row.left), math(formula),
               value);
  }
  out_.print("\n");
}

void MarkdownRenderer::gradients() {
  out_.print("## Gradients of {}\n\n", name(trace_.output));
  std::vector<TraceRow> rows = gradient_rows(trace_, rows_);
  if (rows.empty()) {
    out_.print("The output depends on no leaf.\n");
    return;
  }
  out_.print("| gradient | value |\n|:---|---:|\n");
  for (const TraceRow& row : rows)
    out_.print("| {} | {} |\n", math(row.left), math(row.parts.back()));
}

}  // namespace

void render_markdown(const Trace& trace, const MarkdownOptions& options,
                     Sink& out) {
  MarkdownRenderer(trace, options, out).render();
}

}  // namespace backprop
