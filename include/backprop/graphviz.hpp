// Running Graphviz's `dot` program, which turns a graph into a picture.
#pragma once

#include <optional>
#include <string>

namespace backprop {

/// How to get `dot` where it is missing, for a message.
inline constexpr const char* kGraphvizInstallHint =
    "install Graphviz (on Debian or Ubuntu: apt-get install graphviz) or "
    "write --format dot and render it elsewhere";

/// The path of the `dot` program: the first executable `dot` on PATH, or
/// nullopt.
std::optional<std::string> find_dot();

/// Runs `dot -T<format>` on a graph in the DOT language and returns what it
/// writes. Throws Failure when it cannot be run or fails, quoting what it
/// wrote on standard error.
std::string run_dot(const std::string& dot_program, const std::string& graph,
                    const std::string& format);

}  // namespace backprop
