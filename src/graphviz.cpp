// Running Graphviz's dot on temporary files.
#include "backprop/graphviz.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "backprop/diagnostic.hpp"

namespace backprop {
namespace {

bool is_executable_file(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
         access(path.c_str(), X_OK) == 0;
}

// A temporary file that is removed with this object.
class TemporaryFile {
 public:
  TemporaryFile() {
    const char* directory = std::getenv("TMPDIR");
    path_ = std::string(directory && *directory ? directory : "/tmp") +
            "/backprop-trace-XXXXXX";
    int descriptor = mkstemp(path_.data());
    if (descriptor < 0) {
      throw Failure(fmt::format("cannot create a temporary file: {}",
                                describe_errno(errno)));
    }
    close(descriptor);
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() { unlink(path_.c_str()); }

  const std::string& path() const { return path_; }

  std::string read() const {
    std::ifstream stream(path_, std::ios::binary);
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
  }

 private:
  std::string path_;
};

// Runs a program with its standard error going to a file; returns its exit
// status as the shell reports it, 127 when it could not be started.
int run(const std::vector<std::string>& arguments, const std::string& errors) {
  pid_t child = fork();
  if (child < 0)
    return 127;
  if (child == 0) {
    int descriptor = open(errors.c_str(), O_WRONLY | O_TRUNC);
    if (descriptor < 0 || dup2(descriptor, STDERR_FILENO) < 0)
      _exit(127);
    std::vector<char*> argv;
    std::vector<std::string> copies = arguments;
    for (std::string& argument : copies)
      argv.push_back(argument.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

std::optional<std::string> find_dot() {
  const char* path = std::getenv("PATH");
  std::string_view directories = path ? path : "";
  while (!directories.empty()) {
    size_t colon = directories.find(':');
    std::string_view directory = directories.substr(0, colon);
    directories.remove_prefix(
        colon == std::string_view::npos ? directories.size() : colon + 1);
    if (directory.empty())
      continue;
    std::string candidate = std::string(directory) + "/dot";
    if (is_executable_file(candidate))
      return candidate;
  }
  return std::nullopt;
}

std::string run_dot(const std::string& dot_program, const std::string& graph,
                    const std::string& format) {
  TemporaryFile input;
  TemporaryFile output;
  TemporaryFile errors;
  std::ofstream(input.path(), std::ios::binary) << graph;

  int status =
      run({dot_program, "-T" + format, "-o", output.path(), input.path()},
          errors.path());
  if (status != 0) {
    std::string message = errors.read();
    while (!message.empty() && message.back() == '\n')
      message.pop_back();
    throw Failure(fmt::format("'{}' failed (exit status {}){}{}", dot_program,
                              status, message.empty() ? "" : ": ", message));
  }
  return output.read();
}

}  // namespace backprop
