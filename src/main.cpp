// backprop-trace: the entry point. It hands the command line to the
// subcommand it names, or to the trace of a model.
#include <string_view>

#include "cli/cli.hpp"

int main(int argc, char** argv) {
  std::string_view command = argc > 1 ? argv[1] : "";
  if (command == "grade")
    return backprop::cli::grade_main(argc - 1, argv + 1);
  if (command == "template")
    return backprop::cli::template_main(argc - 1, argv + 1);
  if (command == "train")
    return backprop::cli::train_main(argc - 1, argv + 1);
  return backprop::cli::trace_main(argc, argv);
}
