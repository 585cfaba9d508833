// Helpers shared by the tests.
#include "test_support.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace backprop::testing {
namespace {

std::string temporary_path(const char* stem) {
  std::string path = std::string("/tmp/") + stem + "-XXXXXX";
  int descriptor = mkstemp(path.data());
  if (descriptor < 0)
    throw std::runtime_error("mkstemp failed");
  close(descriptor);
  return path;
}

}  // namespace

std::shared_ptr<const SourceFile> source(std::string text, std::string path) {
  return std::make_shared<const SourceFile>(std::move(path), std::move(text));
}

Model model(std::string text, const ModelOptions& options) {
  return load_model(source(std::move(text)), options);
}

std::string error_of(std::string text, const ModelOptions& options) {
  auto file = source(std::move(text));
  try {
    load_model(file, options);
  } catch (const Failure& failure) {
    std::string rendered;
    for (const Diagnostic& diagnostic : failure.diagnostics()) {
      rendered += render(diagnostic, file.get());
    }
    return rendered;
  }
  return "";
}

std::string source_dir() {
  return BACKPROP_SOURCE_DIR;
}

std::string read_file(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

Run run_tool(const std::vector<std::string>& arguments,
             const std::string& input, size_t address_space) {
  // Files instead of pipes: no deadlock however much the tool writes.
  std::string in_path = temporary_path("bt-in");
  std::string out_path = temporary_path("bt-out");
  std::string err_path = temporary_path("bt-err");
  std::ofstream(in_path, std::ios::binary) << input;

  pid_t child = fork();
  if (child == 0) {
    if (chdir(BACKPROP_SOURCE_DIR) != 0)
      _exit(127);
    FILE* in = std::freopen(in_path.c_str(), "rb", stdin);
    FILE* out = std::freopen(out_path.c_str(), "wb", stdout);
    FILE* err = std::freopen(err_path.c_str(), "wb", stderr);
    if (!in || !out || !err)
      _exit(127);
    if (address_space != 0) {
      const rlimit limit{address_space, address_space};
      if (setrlimit(RLIMIT_AS, &limit) != 0)
        _exit(127);
    }
    std::vector<char*> argv;
    std::string executable = BACKPROP_EXECUTABLE;
    argv.push_back(executable.data());
    std::vector<std::string> copies = arguments;
    for (std::string& argument : copies)
      argv.push_back(argument.data());
    argv.push_back(nullptr);
    execv(executable.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  Run run;
  run.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = read_file(out_path);
  run.err = read_file(err_path);
  std::remove(in_path.c_str());
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return run;
}

}  // namespace backprop::testing
