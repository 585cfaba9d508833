// Tests of the command line: exit codes, options, standard input, output
// files and warnings, by running the executable.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backprop/sink.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

using testing::run_tool;
using Json = nlohmann::json;

constexpr const char* kModel = "x = 1.5\nw = 0.8\ny = w*x^2\n";
constexpr const char* kHelpNote =
    "backprop-trace: note: 'backprop-trace --help' lists the options\n";

// A run that failed with exit code 2 and this message.
void expect_command_line_error(const testing::Run& run,
                               const std::string& message) {
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "backprop-trace: error: " + message + "\n" + kHelpNote);
}

// A fresh, empty directory that is removed with what it holds.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/bt-cli-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    directory_ = pattern;
  }

  void TearDown() override {
    for (const std::string& name : entries())
      std::remove((directory_ + "/" + name).c_str());
    rmdir(directory_.c_str());
  }

  std::string path(const std::string& name) const {
    return directory_ + "/" + name;
  }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
  }

  // The names in the directory, without "." and "..".
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    DIR* listing = opendir(directory_.c_str());
    if (listing == nullptr)
      return names;
    while (dirent* entry = readdir(listing)) {
      std::string name = entry->d_name;
      if (name != "." && name != "..")
        names.push_back(name);
    }
    closedir(listing);
    return names;
  }

  std::string directory_;
};

// ---- The command line itself -----------------------------------------------

TEST_F(CliTest, UnknownOptionExitsWithTwo) {
  expect_command_line_error(run_tool({"--bogus", "-"}, kModel),
                            "unknown option '--bogus'");
}

TEST_F(CliTest, MisspelledOptionSuggestsTheNearest) {
  expect_command_line_error(run_tool({"--formt", "json", "-"}, kModel),
                            "unknown option '--formt'; did you mean "
                            "'--format'?");
}

TEST_F(CliTest, SecondFileExitsWithTwo) {
  expect_command_line_error(run_tool({"-", "other.expr"}, kModel),
                            "unexpected argument 'other.expr'; give one "
                            "model file");
}

TEST_F(CliTest, MissingFileArgumentExitsWithTwo) {
  expect_command_line_error(run_tool({}, kModel),
                            "no model file given; name one, or '-' to read "
                            "standard input");
}

TEST_F(CliTest, SetWithoutEqualsExitsWithTwo) {
  expect_command_line_error(run_tool({"--set", "x", "-"}, kModel),
                            "--set: expected NAME=VALUE, as in 'x=1.5', but "
                            "found 'x'");
}

TEST_F(CliTest, SetWithoutANumberExitsWithTwo) {
  expect_command_line_error(run_tool({"--set", "x=abc", "-"}, kModel),
                            "--set: 'abc' in 'x=abc' is not a number");
}

TEST_F(CliTest, SetWithoutAValueExitsWithTwo) {
  expect_command_line_error(run_tool({"--set"}, kModel),
                            "option '--set' needs a value");
}

TEST_F(CliTest, PrecisionZeroExitsWithTwo) {
  expect_command_line_error(run_tool({"--precision", "0", "-"}, kModel),
                            "--precision: expected a number of digits from 1 "
                            "to 17 but found '0'");
}

TEST_F(CliTest, UnknownFormatExitsWithTwo) {
  expect_command_line_error(run_tool({"--format", "xml", "-"}, kModel),
                            "--format: expected 'text', 'json', 'latex', "
                            "'markdown', 'dot' or 'svg' but found 'xml'");
}

TEST_F(CliTest, SetOutOfTheRangeOfADoubleExitsWithTwo) {
  expect_command_line_error(run_tool({"--set", "x=1e999", "-"}, kModel),
                            "--set: '1e999' in 'x=1e999' is out of the range "
                            "of a double (about 4.9e-324 to 1.8e308 in size)");
}

TEST_F(CliTest, NonPositiveToleranceExitsWithTwo) {
  expect_command_line_error(run_tool({"--tol", "-1", "-"}, kModel),
                            "--tol: expected a positive number but found "
                            "'-1'");
}

TEST_F(CliTest, VersionExitsWithZero) {
  testing::Run run = run_tool({"--version"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_TRUE(run.out.starts_with("backprop-trace ")) << run.out;
  EXPECT_EQ(run.err, "");
}

TEST_F(CliTest, HelpShowsUsageAndAnExample) {
  testing::Run run = run_tool({"--help"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("Usage: backprop-trace [OPTIONS] file"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("Examples:\n  backprop-trace graphs/"),
            std::string::npos)
      << run.out;
  EXPECT_EQ(run.err, "");
}

// ---- Input -----------------------------------------------------------------

TEST_F(CliTest, DashReadsStandardInput) {
  testing::Run run = run_tool({"--format", "json", "-"}, kModel);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Json trace = Json::parse(run.out);
  EXPECT_EQ(trace["file"], "<stdin>");
  EXPECT_DOUBLE_EQ(trace["gradients"]["w"].get<double>(), 2.25);
}

TEST_F(CliTest, ErrorInStandardInputNamesIt) {
  testing::Run run = run_tool({"-"}, "x = 1\ny = 2*q\n");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            "<stdin>:2:7: error: undefined name 'q'\n"
            "    y = 2*q\n"
            "          ^\n"
            "<stdin>: note: the file assigns 'x' and 'y'\n");
}

TEST_F(CliTest, BadInputPrintsNothingOnStandardOutputInJson) {
  testing::Run run = run_tool({"--format", "json", "-"}, "y = (x\n");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_TRUE(run.err.starts_with("<stdin>:1:7: error: expected ')'"))
      << run.err;
}

TEST_F(CliTest, UnopenableFileExitsWithOne) {
  // A path through a regular file fails to open for every user, root too,
  // unlike a file without read permission.
  write("plain.expr", kModel);
  std::string inside = path("plain.expr") + "/model.expr";
  testing::Run run = run_tool({inside});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "backprop-trace: error: cannot open '" + inside +
                         "': not a directory\n");
}

// ---- Options that change the model -----------------------------------------

TEST_F(CliTest, SetWinsOverTheFileValue) {
  testing::Run run =
      run_tool({"--format", "json", "--set", "x=2", "-"}, kModel);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Json trace = Json::parse(run.out);
  EXPECT_DOUBLE_EQ(trace["values"]["x"].get<double>(), 2);
  EXPECT_DOUBLE_EQ(trace["values"]["y"].get<double>(), 0.8 * 4);
}

TEST_F(CliTest, SetAcceptsAPlusSign) {
  testing::Run run =
      run_tool({"--format", "json", "--set", "x=+2", "-"}, kModel);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_DOUBLE_EQ(Json::parse(run.out)["values"]["x"].get<double>(), 2);
}

TEST_F(CliTest, OutputPicksAnotherNode) {
  testing::Run run = run_tool({"--format", "json", "--output", "u", "-"},
                              "x = 3\nu = x^2\ny = 2*x\n");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Json trace = Json::parse(run.out);
  EXPECT_EQ(trace["output"], "u");
  EXPECT_DOUBLE_EQ(trace["gradients"]["x"].get<double>(), 6);
}

TEST_F(CliTest, SetOfAnUnknownNameExitsWithOne) {
  testing::Run run = run_tool({"--set", "q=1", "-"}, kModel);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            "backprop-trace: error: --set names 'q', which '<stdin>' does not "
            "assign; it assigns 'x', 'w' and 'y'\n");
}

TEST_F(CliTest, OutputOfAnUnknownNameExitsWithOne) {
  testing::Run run = run_tool({"--output", "yy", "-"}, kModel);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            "backprop-trace: error: --output names 'yy', which '<stdin>' does "
            "not assign; did you mean 'y'?\n");
}

// ---- Output files ----------------------------------------------------------

TEST_F(CliTest, OutputFileHoldsWhatStandardOutputWould) {
  write("model.expr", kModel);
  for (const char* format : {"text", "json"}) {
    testing::Run to_stdout = run_tool({"--format", format, path("model.expr")});
    testing::Run to_file = run_tool(
        {"--format", format, "-o", path("trace.out"), path("model.expr")});
    ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
    EXPECT_EQ(to_file.out, "");
    EXPECT_EQ(testing::read_file(path("trace.out")), to_stdout.out);
  }
  // The second run replaced the first one's file and left nothing else.
  std::vector<std::string> names = entries();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"model.expr", "trace.out"}));
}

// A trace large enough that the sink writes most of the file with O_DIRECT
// (where the file system allows it) arrives whole, the same as on standard
// output, from its first block to its unaligned end.
TEST_F(CliTest, LargeOutputFileHoldsWhatStandardOutputWould) {
  std::string model = "a = 0.5\nx0 = 0.25\n";
  const int statements = 30'000;
  for (int i = 1; i <= statements; ++i) {
    model += "x" + std::to_string(i) + " = tanh(x" + std::to_string(i - 1) +
             " * a + 0.125)\n";
  }
  write("chain.expr", model);
  testing::Run to_stdout = run_tool({"--format", "json", path("chain.expr")});
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  ASSERT_GT(to_stdout.out.size(), Sink::kDirectFrom + (4 << 20));
  testing::Run to_file = run_tool(
      {"--format", "json", "-o", path("trace.json"), path("chain.expr")});
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  EXPECT_TRUE(testing::read_file(path("trace.json")) == to_stdout.out);
}

// As /dev/stdout is: a link is written through, and stays a link.
TEST_F(CliTest, OutputThroughALinkKeepsTheLink) {
  write("target.out", "an earlier trace\n");
  ASSERT_EQ(symlink(path("target.out").c_str(), path("link.out").c_str()), 0);
  testing::Run run = run_tool({"-o", path("link.out"), "-"}, kModel);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  struct stat status {};
  ASSERT_EQ(lstat(path("link.out").c_str(), &status), 0);
  EXPECT_TRUE(S_ISLNK(status.st_mode));
  EXPECT_EQ(testing::read_file(path("target.out")),
            run_tool({"-"}, kModel).out);
}

TEST_F(CliTest, OutputThatIsADirectoryExitsWithOneAndKeepsIt) {
  ASSERT_EQ(mkdir(path("out").c_str(), 0700), 0);
  testing::Run run = run_tool({"-o", path("out"), "-"}, kModel);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err, "backprop-trace: error: cannot write '" + path("out") +
                         "': is a directory\n");
  struct stat status {};
  ASSERT_EQ(stat(path("out").c_str(), &status), 0);
  EXPECT_TRUE(S_ISDIR(status.st_mode));
  EXPECT_EQ(entries(), std::vector<std::string>{"out"});
}

TEST_F(CliTest, FailedRunLeavesAnOldOutputFileUntouched) {
  write("bad.expr", "y = sigmoidd(1)\n");
  write("trace.out", "an earlier trace\n");
  testing::Run run = run_tool({"-o", path("trace.out"), path("bad.expr")});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(testing::read_file(path("trace.out")), "an earlier trace\n");
  std::vector<std::string> names = entries();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"bad.expr", "trace.out"}));
}

TEST_F(CliTest, FailedRunCreatesNoOutputFile) {
  testing::Run run = run_tool({"-o", path("trace.out"), "-"}, "y = q\n");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(entries(), std::vector<std::string>{});
}

// AddressSanitizer reserves terabytes of address space for itself, so a
// limit on it can be tried only in a build without.
#if !defined(__SANITIZE_ADDRESS__)
TEST_F(CliTest, RunningOutOfMemoryIsAnErrorNotACrash) {
  // Three hundred thousand statements need over 60 MB, and the tool
  // starts in under 20 MB.
  std::string model = "x0 = 0.5\n";
  for (int i = 1; i < 300000; ++i)
    model += "x" + std::to_string(i) + " = tanh(x" + std::to_string(i - 1) +
             ") + 0.25\n";
  write("large.expr", model);
  testing::Run run =
      run_tool({"--answer-key", "-o", path("key.json"), path("large.expr")}, "",
               size_t{48} << 20);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err,
            "backprop-trace: error: out of memory: the model needs more "
            "memory than this process may use\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"large.expr"});
  // The same run without the limit succeeds: the limit is what failed.
  EXPECT_EQ(
      run_tool({"--answer-key", "-o", path("key.json"), path("large.expr")})
          .exit_code,
      0);
}
#endif

// A pipe, like a device such as /dev/null, is written in place: a file
// renamed over it would take its place.
TEST_F(CliTest, OutputToAPipeIsWrittenInPlace) {
  const std::string pipe = path("pipe");
  ASSERT_EQ(mkfifo(pipe.c_str(), 0600), 0);
  // Opened for reading first, without waiting for a writer, so that the
  // tool's open does not block; the trace fits in the pipe's buffer.
  int reader = open(pipe.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  testing::Run run = run_tool({"-o", pipe, "-"}, kModel);
  std::string received;
  char buffer[4096];
  for (ssize_t n; (n = read(reader, buffer, sizeof buffer)) > 0;)
    received.append(buffer, static_cast<size_t>(n));
  close(reader);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(received, run_tool({"-"}, kModel).out);
  struct stat status {};
  ASSERT_EQ(stat(pipe.c_str(), &status), 0);
  EXPECT_TRUE(S_ISFIFO(status.st_mode));
  EXPECT_EQ(entries(), std::vector<std::string>{"pipe"});
}

TEST_F(CliTest, OutputFileInAMissingDirectoryExitsWithOne) {
  std::string target = path("missing/trace.out");
  testing::Run run = run_tool({"-o", target, "-"}, kModel);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "backprop-trace: error: cannot write '" + target +
                         "': no such file or directory\n");
}

TEST_F(CliTest, OutputFileThatIsTheModelExitsWithTwoAndKeepsIt) {
  write("model.expr", kModel);
  // The same file by another spelling of its path.
  const std::string other = directory_ + "/./model.expr";
  testing::Run run = run_tool({"-o", other, path("model.expr")});
  expect_command_line_error(
      run, "'" + other +
               "' is an input of this command; writing it would replace it");
  EXPECT_EQ(testing::read_file(path("model.expr")), kModel);
}

TEST_F(CliTest, TemplateRefusesToWriteOverItsModel) {
  write("model.expr", kModel);
  testing::Run run =
      run_tool({"template", "-o", path("model.expr"), path("model.expr")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(testing::read_file(path("model.expr")), kModel);
}

// ---- Warnings for values that are not finite -------------------------------

// The warning lines of a text run: each starts with "<stdin>:".
std::string warning_of(const std::string& model) {
  testing::Run run = run_tool({"-"}, model);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out, "");
  return run.err;
}

TEST_F(CliTest, LogOfANegativeNumberWarnsWithTheNode) {
  // log(-1) is a NaN whose sign bit is set; it prints as NaN all the same.
  EXPECT_EQ(warning_of("x = -1\ny = log(x)\n"),
            "<stdin>:2:5: warning: 'y': log of a negative number: log(-1) is "
            "NaN\n"
            "    y = log(x)\n"
            "        ^~~\n");
}

TEST_F(CliTest, DivisionByZeroWarnsWithTheNode) {
  EXPECT_EQ(warning_of("x = 0\ny = 1/x\n"),
            "<stdin>:2:6: warning: 'y': division by zero: 1 / 0 is inf\n"
            "    y = 1/x\n"
            "         ^\n");
}

TEST_F(CliTest, ExpOverflowWarnsWithTheNode) {
  EXPECT_EQ(warning_of("x = 1000\ny = exp(x)\n"),
            "<stdin>:2:5: warning: 'y': exp overflows: exp(1000) is inf\n"
            "    y = exp(x)\n"
            "        ^~~\n");
}

// The JSON trace of a model, which must parse.
Json json_of(const std::string& model) {
  testing::Run run = run_tool({"--format", "json", "-"}, model);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  return Json::parse(run.out);
}

TEST_F(CliTest, JsonSpellsNaNAsAStringAndWarns) {
  Json trace = json_of("x = -1\ny = log(x)\n");
  EXPECT_EQ(trace["values"]["y"], "NaN");
  ASSERT_EQ(trace["warnings"].size(), 1u);
  EXPECT_EQ(trace["warnings"][0]["node"], "y");
  EXPECT_EQ(trace["warnings"][0]["line"], 2);
}

TEST_F(CliTest, JsonSpellsInfinityAsAString) {
  EXPECT_EQ(json_of("x = 0\ny = 1/x\n")["values"]["y"], "Infinity");
  EXPECT_EQ(json_of("x = 1000\ny = exp(x)\n")["values"]["y"], "Infinity");
}

TEST_F(CliTest, JsonWarningNamesTheOperation) {
  Json trace = json_of("x = 0\ny = 1/x\n");
  ASSERT_EQ(trace["warnings"].size(), 1u);
  std::string message = trace["warnings"][0]["message"];
  EXPECT_NE(message.find("division by zero"), std::string::npos) << message;
}

TEST_F(CliTest, AnswerKeyWarnsOfAGradientThatIsNotFinite) {
  // d sqrt(x)/dx = 1/(2*sqrt(x)) is 1/0 at x = 0: the value is finite, the
  // gradient is not, and the answer key has no formula to point into.
  testing::Run run = run_tool({"--answer-key", "--format", "json", "-"},
                              "x = 0\ny = sqrt(x)\n");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Json trace = Json::parse(run.out);
  EXPECT_EQ(trace["gradients"]["x"], "Infinity");
  ASSERT_EQ(trace["warnings"].size(), 1u);
  EXPECT_EQ(trace["warnings"][0]["node"], "y");
  EXPECT_EQ(trace["warnings"][0]["message"],
            "the local derivative of 'y' by 'x' is inf");
}

}  // namespace
}  // namespace backprop
