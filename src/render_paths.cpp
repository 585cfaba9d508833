// The chain rule for one node, path by path.
#include "backprop/render_paths.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "backprop/trace_rows.hpp"

namespace backprop {
namespace {

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kBar = "\x1b[1;35m";  // as the backward pass

// A count that may pass what a double holds exactly.
std::string spell_count(double count) {
  return count < 1e15 ? fmt::format("{:.0f}", count)
                      : fmt::format("about {:.3g}", count);
}

std::string counted(double count, std::string_view noun) {
  return fmt::format("{} {}{}", spell_count(count), noun,
                     count == 1 ? "" : "s");
}

class PathsRenderer {
 public:
  PathsRenderer(const Trace& trace, const ChainRule& rule,
                const TextOptions& options, Sink& out)
      : trace_(trace),
        graph_(trace.graph()),
        rule_(rule),
        options_(options),
        out_(out) {}

  void render();

 private:
  Style style() const { return options_.style; }
  std::string name(NodeId node) const {
    return spell_name(graph_.name(node), style());
  }
  std::string value(double v) const {
    return spell_value(v, options_.precision, style());
  }
  // A factor or term after the first: a negative number in parentheses.
  std::string operand(double v, bool first) const {
    return v < 0 && !first ? fmt::format("({})", value(v)) : value(v);
  }
  std::string paint(std::string_view color, std::string_view text) const {
    if (!options_.color)
      return std::string(text);
    return fmt::format("{}{}{}", color, text, kReset);
  }
  void path(size_t number, const ChainPath& path);
  void sum();
  void cost();

  const Trace& trace_;
  const Graph& graph_;
  const ChainRule& rule_;
  const TextOptions& options_;
  Sink& out_;
};

void PathsRenderer::render() {
  const std::string node = name(rule_.node);
  const std::string output = name(trace_.output);
  out_.print("{}: the chain rule for {}, output {}\n\n", graph_.source().path(),
             node, output);
  out_.print("{}\n",
             paint(kBold, fmt::format("Paths from {} to {} ({})", node, output,
                                      spell_count(rule_.path_count))));
  for (size_t i = 0; i < rule_.paths.size(); ++i)
    path(i + 1, rule_.paths[i]);
  if (!rule_.complete()) {
    out_.print("  ... and {} more, not listed\n",
               spell_count(rule_.path_count -
                           static_cast<double>(rule_.paths.size())));
  }
  out_.print("\n");
  sum();
  cost();
}

// `w → z → L`, then the partials, the formulas, the numbers and the
// product.
void PathsRenderer::path(size_t number, const ChainPath& path) {
  const std::string_view arrow =
      style() == Style::Unicode ? " \u2192 " : " -> ";
  std::string nodes = name(rule_.node);
  std::vector<std::string> partials;
  std::vector<std::string> formulas;
  std::vector<std::string> numbers;
  const PrintOptions symbols{style(), {}, 0};
  for (uint32_t edge : path.edges) {
    const NodeId parent = graph_.edge_parent(edge);
    const NodeId child = graph_.edge_child(edge);
    nodes += fmt::format("{}{}", arrow, name(child));
    partials.push_back(
        spell_partial(graph_.name(child), graph_.name(parent), style()));
    formulas.push_back(
        print_factor(graph_, trace_.model->locals.by_parent[edge], symbols));
    numbers.push_back(operand(trace_.local_values[edge], numbers.empty()));
  }
  const std::string label = fmt::format("  {}. ", number);
  const std::string indent(label.size() + 2, ' ');
  out_.print("{}{}\n", label, nodes);
  if (path.edges.empty()) {
    out_.print("{}the output itself, whose bar is 1\n", indent);
    return;
  }
  const std::string_view times = times_sign(style());
  out_.print("{}{} = {}\n", indent, fmt::join(partials, times),
             fmt::join(formulas, times));
  out_.print("{}= {} = {}\n", indent, fmt::join(numbers, times),
             value(path.product));
}

// The products added up, beside the bar.
void PathsRenderer::sum() {
  const std::string bar = spell_bar(graph_.name(rule_.node), style());
  const double expected = trace_.bars[rule_.node];
  std::vector<std::string> terms;
  double scale = std::max(1.0, std::abs(expected));
  for (const ChainPath& path : rule_.paths) {
    terms.push_back(operand(path.product, terms.empty()));
    scale = std::max(scale, std::abs(path.product));
  }
  out_.print("{}\n", paint(kBold, "Sum over the paths"));
  std::string terms_text = fmt::format("{}", fmt::join(terms, " + "));
  if (rule_.paths.size() == 1)
    terms_text.clear();
  out_.print("  {} = {}{}{}\n", paint(kBar, bar), terms_text,
             terms_text.empty() ? "" : " = ", value(rule_.listed_sum));
  if (!rule_.complete()) {
    out_.print(
        "  that is the sum of the {} listed paths; the bar, {}, sums "
        "all {}\n\n",
        rule_.paths.size(), value(expected), spell_count(rule_.path_count));
    return;
  }
  const bool equal = std::abs(rule_.listed_sum - expected) <= 1e-9 * scale;
  out_.print("  the backward pass gives {} = {}: {}\n\n", bar, value(expected),
             equal ? "the same" : "NOT the same");
}

void PathsRenderer::cost() {
  out_.print("{}\n",
             paint(kBold, fmt::format("Cost of {}",
                                      spell_partial(graph_.name(trace_.output),
                                                    graph_.name(rule_.node),
                                                    style()))));
  out_.print("  listing the {}: {} and {}\n", counted(rule_.path_count, "path"),
             counted(rule_.path_multiplications, "multiplication"),
             counted(rule_.path_additions, "addition"));
  out_.print("  backprop, re-using each bar: {} and {}\n",
             counted(rule_.backprop_multiplications, "multiplication"),
             counted(rule_.backprop_additions, "addition"));
}

}  // namespace

void render_paths(const Trace& trace, const ChainRule& rule,
                  const TextOptions& options, Sink& out) {
  PathsRenderer(trace, rule, options, out).render();
}

}  // namespace backprop
