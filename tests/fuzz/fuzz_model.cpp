// A libFuzzer target for the whole pipeline on an untrusted model: lexer,
// parser, graph, sort, derivatives, evaluation, and the text and JSON
// renderers. Bad input must end in a Failure whose diagnostics render, and
// every JSON trace must read back as JSON.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "backprop/diagnostic.hpp"
#include "backprop/evaluate.hpp"
#include "backprop/json_value.hpp"
#include "backprop/render_json.hpp"
#include "backprop/render_text.hpp"

namespace backprop {
namespace {

void trace_model(const std::shared_ptr<const SourceFile>& source,
                 const ModelOptions& options) {
  try {
    Model model = load_model(source, options);
    Trace trace = evaluate(model);
    std::string json;
    std::string text;
    {
      Sink json_sink(json);
      render_json(trace, {!options.symbolic, nullptr}, json_sink);
      Sink text_sink(text);
      if (options.symbolic)
        render_text(trace, {}, text_sink);
      else
        render_answer_key(trace, {}, text_sink);
    }
    // The trace is JSON by contract; a Failure here escapes and crashes.
    parse_json(SourceFile("trace.json", json));
  } catch (const Failure& failure) {
    for (const Diagnostic& diagnostic : failure.diagnostics())
      render(diagnostic, source.get());
  }
}

}  // namespace
}  // namespace backprop

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace backprop;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto source = std::make_shared<const SourceFile>("fuzz.expr", text);
  trace_model(source, {});
  trace_model(source, {{}, std::nullopt, true, true});
  trace_model(source, {{}, std::nullopt, false, false});
  return 0;
}
