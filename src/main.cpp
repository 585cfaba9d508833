// backprop-trace: the entry point. It hands the command line to the
// subcommand it names, or to the trace of a model.
#include <cstdio>
#include <new>
#include <string_view>

#include "cli/cli.hpp"

namespace {

int dispatch(int argc, char** argv) {
  std::string_view command = argc > 1 ? argv[1] : "";
  if (command == "grade")
    return backprop::cli::grade_main(argc - 1, argv + 1);
  if (command == "template")
    return backprop::cli::template_main(argc - 1, argv + 1);
  if (command == "train")
    return backprop::cli::train_main(argc - 1, argv + 1);
  return backprop::cli::trace_main(argc, argv);
}

}  // namespace

int main(int argc, char** argv) {
  // A model too large for the memory a process may have, as under a
  // grader's limit, gets a message and exit code 1 rather than an abort;
  // the unwinding removes an output file not yet complete.
  try {
    return dispatch(argc, argv);
  } catch (const std::bad_alloc&) {
    std::fputs(
        "backprop-trace: error: out of memory: the model needs more memory "
        "than this process may use\n",
        stderr);
    return backprop::cli::kBadInput;
  }
}
