// Per-stage cost of the pipeline in nanoseconds per statement, on generated
// models. Built with the project, run by hand:
//   build/tests/benchmarks/stages_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <random>

#include "backprop/evaluate.hpp"
#include "backprop/render_json.hpp"
#include "backprop/render_text.hpp"

namespace backprop {
namespace {

// A chain: each statement uses the one before, through a function.
std::string chain(size_t statements) {
  static const char* const kForms[] = {
      "tanh({0} * a + b)", "sin({0} + a) * 0.9",   "{0} * cos({0}) + b",
      "sigma({0} - b)",    "max({0}, b) - 0.25",   "({0} - a) / (2 + {0})",
      "{0} ^ 2 - b",       "log(1.5 + {0}) * 0.8", "sqrt(abs({0}) + 0.01)"};
  std::mt19937 random(7);
  std::string text = "a = 0.7; b = 0.2; x0 = 0.5\n";
  for (size_t i = 1; i + 3 <= statements; ++i) {
    const char* form = kForms[random() % std::size(kForms)];
    text += fmt::format("x{} = ", i) +
            fmt::format(fmt::runtime(form), fmt::format("x{}", i - 1)) + "\n";
  }
  return text;
}

// A random DAG: each statement combines two or three earlier names.
std::string dag(size_t statements) {
  std::mt19937 random(11);
  std::string text;
  for (size_t i = 0; i < 8; ++i)
    text += fmt::format("v{} = 0.{}\n", i, i + 1);
  for (size_t i = 8; i < statements; ++i) {
    auto pick = [&] {
      size_t back = 1 + random() % (random() % 2 ? 8 : i);
      return fmt::format("v{}", i - std::min(back, i));
    };
    text +=
        fmt::format("v{} = tanh({} * {} + {})\n", i, pick(), pick(), pick());
  }
  return text;
}

std::shared_ptr<const SourceFile> model_text(int kind, size_t statements) {
  std::string text = kind == 0 ? chain(statements) : dag(statements);
  return std::make_shared<const SourceFile>("bench.expr", std::move(text));
}

void per_statement(benchmark::State& state, size_t statements) {
  state.counters["ns/stmt"] =
      benchmark::Counter(static_cast<double>(statements),
                         benchmark::Counter::kIsIterationInvariantRate |
                             benchmark::Counter::kInvert);
}

void LexParse(benchmark::State& state) {
  auto source = model_text(state.range(0), state.range(1));
  for (auto _ : state)
    benchmark::DoNotOptimize(parse(source));
  per_statement(state, state.range(1));
}

void BuildSort(benchmark::State& state) {
  auto source = model_text(state.range(0), state.range(1));
  for (auto _ : state) {
    state.PauseTiming();
    Program program = parse(source);
    state.ResumeTiming();
    Graph graph = Graph::build(std::move(program));
    benchmark::DoNotOptimize(topological_order(graph));
  }
  per_statement(state, state.range(1));
}

void Derive(benchmark::State& state) {
  auto source = model_text(state.range(0), state.range(1));
  for (auto _ : state) {
    state.PauseTiming();
    Graph graph = Graph::build(parse(source));
    state.ResumeTiming();
    benchmark::DoNotOptimize(derive(graph));
  }
  per_statement(state, state.range(1));
}

void Forward(benchmark::State& state) {
  Model model = load_model(model_text(state.range(0), state.range(1)), {});
  for (auto _ : state) {
    benchmark::DoNotOptimize(output_value(model, model.graph.output, 0, 0.5));
  }
  per_statement(state, state.range(1));
}

void EvaluateSymbolic(benchmark::State& state) {
  Model model = load_model(model_text(state.range(0), state.range(1)), {});
  for (auto _ : state)
    benchmark::DoNotOptimize(evaluate(model));
  per_statement(state, state.range(1));
}

void EvaluateAnswerKey(benchmark::State& state) {
  ModelOptions options;
  options.symbolic = false;
  Model model = load_model(model_text(state.range(0), state.range(1)), options);
  for (auto _ : state)
    benchmark::DoNotOptimize(evaluate(model));
  per_statement(state, state.range(1));
}

template <bool kJson>
void Render(benchmark::State& state) {
  Model model = load_model(model_text(state.range(0), state.range(1)), {});
  Trace trace = evaluate(model);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> null(
      std::fopen("/dev/null", "wb"), &std::fclose);
  for (auto _ : state) {
    Sink sink(null.get());
    if (kJson) {
      render_json(trace, {}, sink);
    } else {
      render_text(trace, {}, sink);
    }
  }
  per_statement(state, state.range(1));
}

// Arguments: {model kind (0 chain, 1 random DAG), statements}.
#define STAGE(name)                              \
  BENCHMARK(name)                                \
      ->ArgsProduct({{0, 1}, {10'000, 100'000}}) \
      ->Unit(benchmark::kMillisecond)
STAGE(LexParse);
STAGE(BuildSort);
STAGE(Derive);
STAGE(Forward);
STAGE(EvaluateSymbolic);
STAGE(EvaluateAnswerKey);
STAGE(Render<true>);
STAGE(Render<false>);

}  // namespace
}  // namespace backprop

BENCHMARK_MAIN();
