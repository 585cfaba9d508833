// `backprop-trace FILE`: the trace of one model, as text or JSON.
#include <charconv>
#include <cstdio>
#include <iostream>
#include <memory>

#include "backprop/check.hpp"
#include "backprop/evaluate.hpp"
#include "backprop/graphviz.hpp"
#include "backprop/output_file.hpp"
#include "backprop/paths.hpp"
#include "backprop/render_dot.hpp"
#include "backprop/render_json.hpp"
#include "backprop/render_latex.hpp"
#include "backprop/render_markdown.hpp"
#include "backprop/render_paths.hpp"
#include "backprop/render_text.hpp"
#include "cli/cli.hpp"
#include "cli/presentation.hpp"

namespace backprop::cli {
namespace {

constexpr const char* kFooter = R"(Examples:
  backprop-trace graphs/logistic_regression.expr
  backprop-trace --set w=0.5 --set x=2 --precision 4 model.expr
  backprop-trace --format json -o trace.json model.expr
  backprop-trace --check model.expr
  backprop-trace --step graphs/logistic_regression.expr
  backprop-trace --format latex --standalone -o trace.tex model.expr
  backprop-trace --format svg -o graph.svg model.expr
  backprop-trace --paths w graphs/logistic_regression.expr

Exit codes: 0 success, 1 the input is wrong, 2 the command line is wrong,
3 a gradient failed --check.)";

struct Options {
  std::string file;
  std::string format = "text";
  bool ascii = false;
  int precision = 6;
  std::vector<std::string> sets;
  std::string output;
  std::string write_to;
  bool check = false;
  double tolerance = 1e-6;
  bool answer_key = false;
  bool standalone = false;
  std::string color = "auto";
  bool step = false;
  bool expand = false;
  std::string paths;
};

// The formats that show every step, which need the symbolic derivatives.
bool is_presentation(const std::string& format) {
  return format == "latex" || format == "markdown" || format == "dot" ||
         format == "svg";
}

// Options that apply to some formats only, refused with the others, and an
// -o that names the model: a message, or "" when the options go together.
std::string check_combination(const Options& options) {
  const std::string& format = options.format;
  if (options.answer_key && is_presentation(format))
    return fmt::format("--answer-key writes text or json, not {}", format);
  if (options.standalone && format != "latex")
    return "--standalone applies to --format latex only";
  if (options.step && format != "text")
    return "--step applies to the text trace only";
  if (!options.paths.empty() && format != "text")
    return "--paths writes text only";
  if (!options.paths.empty() && options.answer_key)
    return "--paths shows the symbolic chain rule; drop --answer-key";
  return check_outputs({options.write_to}, {options.file});
}

std::string check_precision(const std::string& text) {
  int digits = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, digits);
  if (error == std::errc() && ptr == end && digits >= 1 && digits <= 17)
    return "";
  return fmt::format("expected a number of digits from 1 to 17 but found '{}'",
                     text);
}

void print_warnings(const Trace& trace) {
  for (const Warning& warning : trace.warnings) {
    std::cerr << render(Diagnostic::warning(warning.span, warning.message),
                        &trace.graph().source());
  }
}

TextOptions text_options(const Options& options, std::FILE* out) {
  TextOptions text;
  text.style = options.ascii ? Style::Ascii : Style::Unicode;
  text.precision = options.precision;
  text.color = use_color(options.color, out);
  text.steps = options.step;
  return text;
}

// LaTeX, Markdown, DOT or SVG, into `sink`.
void render_presentation(const Trace& trace, const Options& options,
                         Sink& sink) {
  if (options.format == "latex") {
    render_latex(trace, {options.precision, options.standalone}, sink);
  } else if (options.format == "markdown") {
    render_markdown(trace, {options.precision}, sink);
  } else if (options.format == "dot") {
    render_dot(trace, {}, sink);
  } else {
    std::optional<std::string> dot = find_dot();
    if (!dot) {
      throw Failure(fmt::format(
          "--format svg needs Graphviz's 'dot' program, which is not on "
          "PATH; {}",
          kGraphvizInstallHint));
    }
    std::string graph;
    {
      Sink graph_sink(graph);
      render_dot(trace, {}, graph_sink);
    }
    sink.write(run_dot(*dot, graph, "svg"));
  }
  if (!sink.flush())
    throw Failure(std::string("cannot write the output"));
}

// The node that --paths names; throws Failure when the file has none of
// that name or the output does not depend on it.
void check_paths_node(const Trace& trace, const std::string& name) {
  const Graph& graph = trace.graph();
  std::optional<NodeId> node = graph.find(name);
  if (!node) {
    std::vector<std::string_view> names = graph.names();
    std::vector<std::string> close = nearest_names(name, names);
    std::string hint = close.empty()
                           ? fmt::format("; it assigns {}", quoted_list(names))
                           : fmt::format("; did you mean '{}'?", close[0]);
    throw Failure(
        fmt::format("--paths names '{}', which '{}' does not "
                    "assign{}",
                    name, graph.source().path(), hint));
  }
  if (!trace.has_bar(*node)) {
    throw Failure(fmt::format(
        "--paths names '{}', which '{}' does not depend on: no path leads "
        "from it to the output",
        name, graph.name(trace.output)));
  }
}

// Renders into `out`, which is a new file of this process's own when
// `new_file`; returns whether every check passed.
bool render(const Trace& trace, const Options& options, std::FILE* out,
            bool new_file) {
  Sink sink(out);
  // A trace is large from its first steps; an answer key is small unless
  // its model is, and its peak memory counts.
  if (new_file)
    sink.allow_direct(options.answer_key ? Sink::kDirectFrom : 0);
  std::vector<LeafCheck> checks;
  bool passed = true;
  if (options.check) {
    checks = check_gradients(trace, options.tolerance);
    for (const LeafCheck& check : checks)
      passed &= check.passed;
  }
  TextOptions text = text_options(options, out);
  if (options.format == "json") {
    JsonOptions json{options.answer_key, options.check ? &checks : nullptr};
    render_json(trace, json, sink);
    if (!sink.flush())
      throw Failure(std::string("cannot write the output"));
    return passed;
  }
  if (is_presentation(options.format)) {
    render_presentation(trace, options, sink);
    return passed;
  }
  if (!options.paths.empty()) {
    NodeId node = *trace.graph().find(options.paths);
    render_paths(trace, chain_rule(trace, node), text, sink);
    return passed;
  }
  std::optional<StepPrompt> prompt = options.step && is_terminal(out)
                                         ? StepPrompt::open(text.color)
                                         : std::nullopt;
  if (prompt) {
    text.after_step = [&prompt](size_t step, size_t total) {
      return (*prompt)(step, total);
    };
  }
  if (options.answer_key) {
    render_answer_key(trace, text, sink);
  } else {
    render_text(trace, text, sink);
  }
  if (options.check) {
    render_checks(trace, checks, options.tolerance, text, sink);
  }
  if (!sink.flush()) {
    throw Failure(std::string("cannot write the output"));
  }
  return passed;
}

int run(const Options& options) {
  ModelOptions model_options;
  for (const std::string& set : options.sets) {
    model_options.sets.push_back(*parse_set(set));
  }
  if (!options.output.empty())
    model_options.output = options.output;
  model_options.symbolic = !options.answer_key;
  model_options.expand = options.expand;

  std::shared_ptr<const SourceFile> source;
  try {
    source = std::make_shared<const SourceFile>(read_source(options.file));
    Model model = load_model(source, model_options);
    Trace trace = evaluate(model);
    if (options.format != "json")
      print_warnings(trace);
    if (!options.paths.empty())
      check_paths_node(trace, options.paths);

    bool passed;
    if (options.write_to.empty()) {
      passed = render(trace, options, stdout, false);
      if (std::fflush(stdout) != 0) {
        throw Failure(std::string("cannot write to standard output"));
      }
    } else {
      AtomicFile file(options.write_to);
      passed = render(trace, options, file.stream(), file.is_new_file());
      file.commit();
    }
    return passed ? kSuccess : kCheckFailed;
  } catch (const Failure& failure) {
    print_diagnostics(failure, source.get());
    return kBadInput;
  }
}

}  // namespace

int trace_main(int argc, char** argv) {
  Options options;
  CLI::App app{
      "Traces backpropagation through a model written as expressions: the\n"
      "forward values, then every backward message in bar notation.",
      "backprop-trace"};
  app.footer(kFooter);
  app.set_version_flag("--version",
                       std::string("backprop-trace ") + BACKPROP_VERSION);
  app.add_option("file", options.file, "The model; - reads standard input")
      ->required();
  app.add_option("--format", options.format, "Output format")
      ->type_name("FORMAT")
      ->check(one_of({"text", "json", "latex", "markdown", "dot", "svg"}))
      ->capture_default_str();
  app.add_flag("--ascii", options.ascii,
               "Plain ASCII instead of Unicode (wbar for the bar of w)");
  app.add_option("--precision", options.precision,
                 "Significant digits of the numbers in the text trace")
      ->check(CLI::Validator(check_precision, "1 to 17"))
      ->capture_default_str();
  app.add_option("--set", options.sets,
                 "Give a leaf a value, overriding the file (repeatable)")
      ->type_name("NAME=VALUE")
      ->check(check_set);
  app.add_option("--output", options.output,
                 "The node to differentiate (default: the last statement)")
      ->type_name("NAME");
  app.add_option("-o", options.write_to,
                 "Write to FILE, atomically, instead of standard output")
      ->type_name("FILE");
  app.add_flag("--check", options.check,
               "Check every leaf's gradient by central finite differences");
  app.add_option("--tol", options.tolerance, "Tolerance of --check")
      ->check(CLI::Validator(check_positive, "positive"))
      ->capture_default_str();
  app.add_flag("--answer-key", options.answer_key,
               "Only the values and gradients, without the step-by-step "
               "trace; fast on large models");
  app.add_flag("--standalone", options.standalone,
               "With --format latex: a whole document, not a fragment");
  app.add_option("--color", options.color,
                 "Colour the text trace: auto (on a terminal, unless "
                 "NO_COLOR is set), always or never")
      ->type_name("WHEN")
      ->check(one_of({"auto", "always", "never"}))
      ->capture_default_str();
  app.add_flag("--step", options.step,
               "Number the steps and, on a terminal, pause after each one "
               "until Enter (q quits)");
  app.add_flag("--expand", options.expand,
               "One node per operation: z = w*x + b becomes z1 = w*x and "
               "z = z1 + b");
  app.add_option("--paths", options.paths,
                 "The chain rule for one node: every path to the output, "
                 "their products and their sum, the node's bar")
      ->type_name("NAME");
  app.parse_complete_callback([&options] {
    std::string problem = check_combination(options);
    if (!problem.empty())
      throw CLI::ValidationError(problem);
  });

  if (std::optional<int> code = parse_command_line(app, argc, argv)) {
    return *code;
  }
  return run(options);
}

}  // namespace backprop::cli
