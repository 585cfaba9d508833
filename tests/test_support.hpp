// Helpers shared by the tests: models from strings, diagnostics as text, and
// running the executable.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backprop/diagnostic.hpp"
#include "backprop/evaluate.hpp"

namespace backprop::testing {

/// A source file named "test.expr" holding `text`.
std::shared_ptr<const SourceFile> source(std::string text,
                                         std::string path = "test.expr");

/// Loads a model from text; a Failure propagates.
Model model(std::string text, const ModelOptions& options = {});

/// The rendered diagnostics of loading `text`, or "" if it loads.
std::string error_of(std::string text, const ModelOptions& options = {});

/// What a run of the executable did.
struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs backprop-trace with `arguments`, feeding `input` to its standard
/// input, from the source directory (so graphs/... paths work), with at
/// most `address_space` bytes of address space if that is not 0.
Run run_tool(const std::vector<std::string>& arguments,
             const std::string& input = "", size_t address_space = 0);

/// The whole text of a file.
std::string read_file(const std::string& path);

/// The source tree's root directory.
std::string source_dir();

}  // namespace backprop::testing
