// backprop-trace: the entry point. It hands the command line to the
// subcommand it names, or to the trace of a model.
#include <string_view>

#include "cli/cli.hpp"

int main(int argc, char** argv) {
  return backprop::cli::trace_main(argc, argv);
}
