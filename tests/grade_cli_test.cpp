// Tests of `backprop-trace template` and `backprop-trace grade` as a user
// runs them: golden reports, Gradescope's file, batches, and hostile
// answers files.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace backprop {
namespace {

using testing::run_tool;
using Json = nlohmann::json;

constexpr const char* kExercise = "tests/grading/exercise.expr";

std::string golden(const std::string& name) {
  return testing::read_file(testing::source_dir() + "/tests/grading/" + name);
}

std::string grading(const std::string& name) {
  return "tests/grading/" + name;
}

// What one run of the tool took: its exit code, its standard error, its
// peak memory and its time.
struct Usage {
  int exit_code = -1;
  std::string err;
  long peak_kilobytes = 0;
  double seconds = 0;
};

// Runs the tool like run_tool(), with nothing on standard input and
// standard output discarded, and measures it with wait4(). posix_spawn,
// unlike fork, does not copy this process, whose memory would count.
Usage measure(const std::vector<std::string>& arguments) {
  char err_path[] = "/tmp/bt-usage-XXXXXX";
  close(mkstemp(err_path));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null",
                                   O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path,
                                   O_WRONLY | O_TRUNC, 0);
  posix_spawn_file_actions_addchdir_np(&actions, BACKPROP_SOURCE_DIR);
  std::string executable = BACKPROP_EXECUTABLE;
  std::vector<std::string> copies = arguments;
  std::vector<char*> argv = {executable.data()};
  for (std::string& argument : copies)
    argv.push_back(argument.data());
  argv.push_back(nullptr);

  auto start = std::chrono::steady_clock::now();
  pid_t child = 0;
  Usage result;
  if (posix_spawn(&child, executable.c_str(), &actions, nullptr, argv.data(),
                  environ) == 0) {
    int status = 0;
    rusage usage{};
    wait4(child, &status, 0, &usage);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.peak_kilobytes = usage.ru_maxrss;
  }
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  posix_spawn_file_actions_destroy(&actions);
  result.err = testing::read_file(err_path);
  result.seconds = elapsed.count();
  std::remove(err_path);
  return result;
}

// Checks that a run stayed within `megabytes` of memory. AddressSanitizer
// keeps freed memory in quarantine and adds its shadow, so the bound only
// holds without it.
void expect_at_most(const Usage& usage, long megabytes) {
#if defined(__SANITIZE_ADDRESS__)
  (void)usage;
  (void)megabytes;
#else
  EXPECT_LE(usage.peak_kilobytes, megabytes * 1024)
      << "took " << usage.seconds << " s";
#endif
}

// A fresh directory for answers files, removed with what it holds.
class GradeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/bt-grade-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    directory_ = pattern;
  }

  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::string write(const std::string& name, const std::string& text) const {
    std::string path = directory_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  testing::Run grade(const std::string& text,
                     std::vector<std::string> options = {}) const {
    options.insert(options.begin(), "grade");
    options.push_back(kExercise);
    options.push_back(write("answers.json", text));
    return run_tool(options);
  }

  // A run that failed on its input with exactly `message` after the path
  // of this directory.
  void expect_error(const testing::Run& run, const std::string& message) const {
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(run.err, directory_ + message);
  }

  std::string directory_;
};

// ---- Golden reports
// ------------------------------------------------------------------

struct GoldenCase {
  const char* answers;
  std::vector<std::string> options;
  const char* expected;
};

TEST(GradeGoldenTest, ReportsMatchTheCommittedFiles) {
  const std::vector<GoldenCase> cases = {
      {"correct.json", {}, "correct.txt"},
      {"partly_wrong.json", {}, "partly_wrong.txt"},
      {"carried.json", {}, "carried.txt"},
      {"empty.json", {}, "empty.txt"},
      {"partly_wrong.json", {"--format", "json"}, "partly_wrong.report.json"},
      {"carried.json",
       {"--format", "gradescope", "--carry-errors", "--weights",
        "bars=2,zbar=3"},
       "carried.gradescope.json"},
  };
  for (const GoldenCase& golden_case : cases) {
    std::vector<std::string> arguments = {"grade"};
    arguments.insert(arguments.end(), golden_case.options.begin(),
                     golden_case.options.end());
    arguments.push_back(kExercise);
    arguments.push_back(grading(golden_case.answers));
    testing::Run run = run_tool(arguments);
    EXPECT_EQ(run.exit_code, 0) << golden_case.expected << "\n" << run.err;
    EXPECT_EQ(run.err, "") << golden_case.expected;
    EXPECT_EQ(run.out, golden(golden_case.expected)) << golden_case.expected;
  }
}

TEST(GradeGoldenTest, TemplateMatchesTheEmptyAnswersFile) {
  testing::Run run = run_tool({"template", kExercise});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out, golden("empty.json"));
}

TEST(GradeGoldenTest, RoundedAnswersInJsonAndCsvGetFullMarks) {
  for (const char* answers : {"rounded.json", "rounded.csv"}) {
    testing::Run run =
        run_tool({"grade", "--format", "json", kExercise, grading(answers)});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    Json report = Json::parse(run.out);
    EXPECT_EQ(report["score"], 14) << answers;
    EXPECT_EQ(report["max_score"], 14) << answers;
  }
}

// ---- Gradescope
// ----------------------------------------------------------------------

TEST(GradescopeTest, ScoreIsTheSumOfTheTests) {
  testing::Run run =
      run_tool({"grade", "--format", "gradescope", "--weights",
                "values=0.5,wbar=4", kExercise, grading("partly_wrong.json")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Json results = Json::parse(run.out);
  double score = 0;
  double max_score = 0;
  for (const Json& test : results["tests"]) {
    ASSERT_TRUE(test["name"].is_string());
    ASSERT_TRUE(test["output"].is_string());
    score += test["score"].get<double>();
    max_score += test["max_score"].get<double>();
  }
  // partly_wrong.txt marks z, R (values, 0.5 each) and Lbar, ybar, zbar,
  // lambdabar, bbar, xbar (1 each) and wbar (4) correct.
  EXPECT_EQ(score, 11);
  EXPECT_EQ(results["score"], score);
  EXPECT_EQ(max_score, 5 * 0.5 + 8 + 4);
  EXPECT_EQ(results["max_score"], max_score);
}

// ---- The workflow
// --------------------------------------------------------------------

TEST_F(GradeCliTest, FilledInTemplateGetsFullMarks) {
  testing::Run made = run_tool({"template", "--ask", "wbar,bbar", "--format",
                                "csv", "graphs/logistic_regression.expr"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(made.out, "kind,node,answer\nbar,b,\nbar,w,\n");
  // The trace's own gradients, rounded to 3 digits.
  std::string answers = "kind,node,answer\nbar,b,-0.0529\nbar,w,0.000684\n";
  testing::Run run =
      run_tool({"grade", "--ask", "wbar,bbar",
                "graphs/logistic_regression.expr", write("a.csv", answers)});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("score: 2 of 2 (100.0%)"), std::string::npos);
}

TEST_F(GradeCliTest, OutputFileIsWrittenWhole) {
  std::string target = directory_ + "/results.json";
  testing::Run run = run_tool({"grade", "--format", "gradescope", "-o", target,
                               kExercise, grading("correct.json")});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(Json::parse(testing::read_file(target))["score"], 14);
}

TEST_F(GradeCliTest, BatchWritesOneRowPerFileAndTheShareRight) {
  std::filesystem::copy(testing::source_dir() + "/" + grading("carried.json"),
                        directory_ + "/b.json");
  std::filesystem::copy(testing::source_dir() + "/" + grading("rounded.csv"),
                        directory_ + "/a.csv");
  write("c.json", "{\"values\": ");
  write("notes.txt", "not an answers file");
  testing::Run run =
      run_tool({"grade", "--ask", "zbar,bbar", kExercise, directory_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string d = directory_;
  // a.csv has both right; b.json has zbar wrong and bbar carried; c.json
  // is unreadable. Shares over the two graded files: zbar 1/2, bbar 2/2.
  EXPECT_EQ(run.out,
            "answers,score,max_score,zbar,bbar,error\n" + d +
                "/a.csv,2,2,correct,correct,\n" + d +
                "/b.json,0,2,wrong,carried forward,\n" + d + "/c.json,,,,," +
                d +
                "/c.json:1:12: error: expected a value but found the end of "
                "the file\n"
                "share right,,,0.50,1.00,\n");
  EXPECT_NE(run.err.find("c.json:1:12: error:"), std::string::npos);
}

TEST_F(GradeCliTest, ManyFilesAreGradedAlike) {
  std::vector<std::string> arguments = {"grade", kExercise};
  for (int i = 0; i < 40; ++i) {
    std::string name = fmt::format("s{:02}.json", i);
    arguments.push_back(
        write(name, golden(i % 2 ? "carried.json" : "rounded.json")));
  }
  testing::Run run = run_tool(arguments);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  size_t full = 0;
  size_t ten = 0;
  for (size_t at = 0; (at = run.out.find('\n', at)) != std::string::npos;) {
    std::string rest = run.out.substr(at + 1, 80);
    full += rest.find(".json,14,14,") != std::string::npos;
    ten += rest.find(".json,10,14,") != std::string::npos;
    ++at;
  }
  EXPECT_EQ(full, 20u);
  EXPECT_EQ(ten, 20u);
}

// ---- Hostile answers files
// -----------------------------------------------------------

TEST_F(GradeCliTest, MalformedJsonIsAnErrorWithItsPlace) {
  testing::Run run = grade("{\"values\": {\"z\": 1,,}}");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, directory_ +
                         "/answers.json:1:20: error: expected a key in double "
                         "quotes but found ','\n"
                         "    {\"values\": {\"z\": 1,,}}\n"
                         "                       ^\n");
}

TEST_F(GradeCliTest, FileThatIsNotAnObjectIsAnError) {
  expect_error(grade("[]"),
               "/answers.json:1:1: error: an answers file holds a JSON "
               "object, not an array\n"
               "    []\n"
               "    ^\n");
}

TEST_F(GradeCliTest, ValuesOfTheWrongTypeAreAnError) {
  // The 3 is the 12th character.
  expect_error(grade("{\"values\": 3}"),
               "/answers.json:1:12: error: 'values' holds an object from node "
               "names to numbers, not a number\n"
               "    {\"values\": 3}\n"
               "               ^\n");
}

TEST_F(GradeCliTest, SlotsOfTheWrongTypeAreNotANumber) {
  testing::Run run =
      grade("{\"values\": {\"z\": [1], \"y\": {}, \"L\": true}}");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("z          [1]"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("y          {}"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("L          true"), std::string::npos) << run.out;
  size_t not_a_number = 0;
  for (size_t at = 0;
       (at = run.out.find("not a number", at)) != std::string::npos; ++at) {
    ++not_a_number;
  }
  EXPECT_EQ(not_a_number, 3u) << run.out;
}

TEST_F(GradeCliTest, UnknownNameIsAnError) {
  // "ww" is the 11th to 14th characters.
  expect_error(grade("{\"bars\": {\"ww\": 1}}"),
               "/answers.json:1:11: error: 'tests/grading/exercise.expr' "
               "assigns no node named 'ww'; did you mean 'w'?\n"
               "    {\"bars\": {\"ww\": 1}}\n"
               "              ^~~~\n");
}

TEST_F(GradeCliTest, DuplicateKeyIsAnErrorWithANoteAtTheFirst) {
  // The first "w" starts at the 11th character, the second at the 19th.
  std::string path = directory_ + "/answers.json";
  expect_error(grade("{\"bars\": {\"w\": 1, \"w\": 2}}"),
               "/answers.json:1:19: error: the key 'w' is given twice\n"
               "    {\"bars\": {\"w\": 1, \"w\": 2}}\n"
               "                      ^~~\n" +
                   path +
                   ":1:11: note: first here\n"
                   "    {\"bars\": {\"w\": 1, \"w\": 2}}\n"
                   "              ^~~\n");
}

TEST_F(GradeCliTest, HundredMegabyteFileIsRefusedUnread) {
  for (const char* name : {"big.json", "big.csv"}) {
    std::string path = write(name, "");
    // Sparse: the file's size shows 100 MB without writing them.
    ASSERT_EQ(truncate(path.c_str(), 100 << 20), 0);
    Usage usage = measure({"grade", kExercise, path});
    EXPECT_EQ(usage.exit_code, 1);
    EXPECT_EQ(usage.err, "backprop-trace: error: '" + path +
                             "' is too large for an answers file (1 MiB at "
                             "most)\n");
    // Reading 100 MB would take more than 100 MB.
    expect_at_most(usage, 64);
  }
}

TEST_F(GradeCliTest, HundredMegabytesOnStandardInputAreRefused) {
  std::string text(100 << 20, ' ');
  testing::Run run = run_tool({"grade", kExercise, "-"}, text);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            "backprop-trace: error: '<stdin>' is too large for an answers "
            "file (1 MiB at most)\n");
}

TEST_F(GradeCliTest, EndlessDeviceIsRefused) {
  Usage usage = measure({"grade", kExercise, "/dev/zero"});
  EXPECT_EQ(usage.exit_code, 1);
  EXPECT_EQ(usage.err,
            "backprop-trace: error: '/dev/zero' is too large for an answers "
            "file (1 MiB at most)\n");
  expect_at_most(usage, 64);
}

TEST_F(GradeCliTest, LargestFileOfTinyValuesIsReadInBoundedMemory) {
  // [0,0,...,0] as one answer, just under the limit: the most values a
  // file can hold, each of which the reader keeps while it reads.
  std::string prefix = "{\"values\": {\"z\": [";
  std::string suffix = "0]}}";
  size_t zeros = ((1 << 20) - prefix.size() - suffix.size()) / 2;
  std::string text = prefix;
  for (size_t i = 0; i < zeros; ++i)
    text += "0,";
  text += suffix;
  ASSERT_LE(text.size(), size_t{1} << 20);
  Usage usage = measure({"grade", kExercise, write("tiny.json", text)});
  EXPECT_EQ(usage.exit_code, 0) << usage.err;
  EXPECT_EQ(usage.err, "");
  expect_at_most(usage, 128);
}

TEST_F(GradeCliTest, HundredThousandLevelsOfNestingAreRefused) {
  // The object of "z" is at depth 2, so the 63rd '[' (the 80th character)
  // is the 65th level. The quote is a window of 70 columns around it.
  expect_error(grade("{\"values\": {\"z\": " + std::string(100000, '[')),
               "/answers.json:1:80: error: arrays and objects nest deeper "
               "than 64 levels here\n"
               "    ..." +
                   std::string(70, '[') + "...\n" + std::string(42, ' ') +
                   "^\n");
}

TEST_F(GradeCliTest, NumberTooLargeIsWrong) {
  testing::Run run = grade("{\"values\": {\"z\": 1e999, \"y\": -1e999}}");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("z          1e999   1            0/1     wrong"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("y          -1e999  0.731059     0/1     wrong"),
            std::string::npos)
      << run.out;
}

TEST_F(GradeCliTest, NumberTooLargeInCsvIsWrong) {
  testing::Run run =
      run_tool({"grade", kExercise,
                write("answers.csv", "kind,node,answer\nvalue,z,1e999\n")});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("z          1e999   1            0/1     wrong"),
            std::string::npos)
      << run.out;
}

TEST_F(GradeCliTest, BytesThatAreNotUtf8AreAnError) {
  // The byte 0xFE is the 19th; a quote shows it as <FE>.
  expect_error(grade("{\"values\": {\"z\": \"\xFE\xFF\"}}"),
               "/answers.json:1:19: error: a byte that is not UTF-8; save "
               "the file as UTF-8 text\n"
               "    {\"values\": {\"z\": \"<FE><FF>\"}}\n"
               "                      ^~~~\n");
}

TEST_F(GradeCliTest, BytesThatAreNotUtf8InCsvAreAnError) {
  // Latin-1's "é" (0xE9) is the 7th byte of the second line.
  testing::Run run =
      run_tool({"grade", kExercise,
                write("answers.csv", "kind,node,answer\nbar,w,\xE9t\xE9\n")});
  expect_error(run,
               "/answers.csv:2:7: error: a byte that is not UTF-8; save the "
               "file as UTF-8 text\n"
               "    bar,w,<E9>t<E9>\n"
               "          ^~~~\n");
}

TEST_F(GradeCliTest, UnclosedQuoteInCsvIsAnError) {
  testing::Run run = run_tool(
      {"grade", kExercise,
       write("answers.csv", "kind,node,answer\nbar,w,\"0.5\nbar,b,1\n")});
  expect_error(run,
               "/answers.csv:2:7: error: this quoted cell is not closed on "
               "its line\n"
               "    bar,w,\"0.5\n"
               "          ^\n");
}

TEST_F(GradeCliTest, BinaryGarbageIsAnError) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i)
    garbage += static_cast<char>((i * 7919) % 256);
  for (const char* name : {"garbage.json", "garbage.csv"}) {
    testing::Run run = run_tool({"grade", kExercise, write(name, garbage)});
    EXPECT_EQ(run.exit_code, 1) << name;
    EXPECT_EQ(run.out, "") << name;
    // The bytes are 0, 7919 % 256 = 239, ...: the first that is not UTF-8
    // is the second, 0xEF followed by 0xDE, which no sequence continues.
    EXPECT_EQ(run.err.substr(0, run.err.find('\n')),
              directory_ + "/" + name +
                  ":1:2: error: a byte that is not UTF-8; save the file as "
                  "UTF-8 text")
        << run.err;
  }
}

TEST_F(GradeCliTest, HostileFileLeavesNoReport) {
  std::string target = directory_ + "/results.json";
  testing::Run run = run_tool({"grade", "--format", "gradescope", "-o", target,
                               kExercise, write("answers.json", "{\"bars\"")});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST_F(GradeCliTest, FifoInAFolderIsNotWaitedFor) {
  write("a.json", golden("correct.json"));
  std::string fifo = directory_ + "/b.json";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // If the tool opened the FIFO, it would wait for a writer: this thread
  // is one, so that a regression fails instead of hanging.
  std::atomic<bool> done = false;
  std::atomic<bool> opened = false;
  std::thread writer([&] {
    while (!done) {
      int descriptor = open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
      if (descriptor >= 0) {
        opened = true;
        close(descriptor);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  testing::Run run = run_tool({"grade", kExercise, directory_});
  done = true;
  writer.join();
  EXPECT_FALSE(opened);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.find("b.json"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("a.json,14,14,"), std::string::npos) << run.out;
}

// ---- Batches on several threads
// ------------------------------------------------------

TEST_F(GradeCliTest, BatchSummaryIsTheSameOnOneThreadAndOnMany) {
  // Scores from the golden reports: correct 14, rounded 14, carried 10,
  // partly wrong 9, empty 0 of 14; every sixth file cannot be read.
  const std::vector<std::pair<std::string, std::string>> kinds = {
      {"correct.json", "14"},     {"rounded.csv", "14"}, {"carried.json", "10"},
      {"partly_wrong.json", "9"}, {"empty.json", "0"},   {"", ""}};
  std::vector<std::string> expected_rows;
  for (int i = 0; i < 60; ++i) {
    const auto& [answers, score] = kinds[i % kinds.size()];
    std::string extension = answers.ends_with(".csv") ? ".csv" : ".json";
    std::string path = directory_ + fmt::format("/s{:02}{}", i, extension);
    if (answers.empty()) {
      write(path.substr(directory_.size() + 1), "{\"bars\": {\"q\": 1}}");
      expected_rows.push_back(path + ",,,");
    } else {
      write(path.substr(directory_.size() + 1), golden(answers));
      expected_rows.push_back(path + "," + score + ",14,");
    }
  }
  testing::Run serial =
      run_tool({"grade", "--jobs", "1", kExercise, directory_});
  ASSERT_EQ(serial.exit_code, 0) << serial.err;
  std::vector<std::string> lines;
  for (size_t at = 0, next; at < serial.out.size(); at = next + 1) {
    next = serial.out.find('\n', at);
    lines.push_back(serial.out.substr(at, next - at));
  }
  ASSERT_EQ(lines.size(), 62u);  // the header, 60 files, the shares
  for (size_t i = 0; i < expected_rows.size(); ++i) {
    EXPECT_EQ(lines[i + 1].substr(0, expected_rows[i].size()),
              expected_rows[i]);
  }
  for (const char* jobs : {"2", "7"}) {
    testing::Run parallel =
        run_tool({"grade", "--jobs", jobs, kExercise, directory_});
    EXPECT_EQ(parallel.exit_code, 0);
    EXPECT_EQ(parallel.out, serial.out) << "--jobs " << jobs;
    EXPECT_EQ(parallel.err, serial.err) << "--jobs " << jobs;
  }
  testing::Run by_default = run_tool({"grade", kExercise, directory_});
  EXPECT_EQ(by_default.out, serial.out);
  EXPECT_EQ(by_default.err, serial.err);
}

// ---- The command line
// ----------------------------------------------------------------

TEST(GradeCommandLineTest, NoAnswersFileExitsWithTwo) {
  testing::Run run = run_tool({"grade", kExercise});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "backprop-trace: error: no answers file given; name one or more "
            "after the model\n"
            "backprop-trace: note: 'backprop-trace grade --help' lists the "
            "options\n");
}

TEST(GradeCommandLineTest, ReportFormatWithManyFilesExitsWithTwo) {
  testing::Run run = run_tool({"grade", "--format", "gradescope", kExercise,
                               grading("correct.json"), grading("empty.json")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--format gradescope reports on one answers file"),
            std::string::npos);
}

TEST(GradeCommandLineTest, NegativeToleranceExitsWithTwo) {
  testing::Run run =
      run_tool({"grade", "--rtol", "-1", kExercise, grading("correct.json")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("expected a number of at least 0 but found '-1'"),
            std::string::npos);
}

TEST(GradeCommandLineTest, MalformedWeightExitsWithTwo) {
  testing::Run run = run_tool(
      {"grade", "--weights", "wbar", kExercise, grading("correct.json")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("expected SLOTS=WEIGHT"), std::string::npos);
}

TEST(GradeCommandLineTest, UnknownAskExitsWithOne) {
  testing::Run run = run_tool({"template", "--ask", "q", kExercise});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("--ask names 'q', which "), std::string::npos);
}

TEST(GradeCommandLineTest, EmptyFolderIsAnError) {
  char pattern[] = "/tmp/bt-empty-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  testing::Run run = run_tool({"grade", kExercise, pattern});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("holds no answers file (.json or .csv)"),
            std::string::npos);
  rmdir(pattern);
}

}  // namespace
}  // namespace backprop
