// Tests of `backprop-trace template` and `backprop-trace grade` as a user
// runs them: golden reports, Gradescope's file, batches, and hostile
// answers files.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
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

// A run that failed on its input: exit code 1, nothing on standard output.
void expect_bad_input(const testing::Run& run, const std::string& message) {
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find(message), std::string::npos) << run.err;
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

  std::string directory_;
};

// ---- Golden reports ------------------------------------------------------------------

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
    testing::Run run = run_tool({"grade", "--format", "json", kExercise,
                                 grading(answers)});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    Json report = Json::parse(run.out);
    EXPECT_EQ(report["score"], 14) << answers;
    EXPECT_EQ(report["max_score"], 14) << answers;
  }
}

// ---- Gradescope ----------------------------------------------------------------------

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

// ---- The workflow --------------------------------------------------------------------

TEST_F(GradeCliTest, FilledInTemplateGetsFullMarks) {
  testing::Run made =
      run_tool({"template", "--ask", "wbar,bbar", "--format", "csv",
                "graphs/logistic_regression.expr"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(made.out, "kind,node,answer\nbar,b,\nbar,w,\n");
  // The trace's own gradients, rounded to 3 digits.
  std::string answers = "kind,node,answer\nbar,b,-0.0529\nbar,w,0.000684\n";
  testing::Run run = run_tool({"grade", "--ask", "wbar,bbar",
                               "graphs/logistic_regression.expr",
                               write("a.csv", answers)});
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
                "/b.json,0,2,wrong,carried forward,\n" + d +
                "/c.json,,,,," + d +
                "/c.json:1:12: error: expected a value but found the end of "
                "the file\n"
                "share right,,,0.50,1.00,\n");
  EXPECT_NE(run.err.find("c.json:1:12: error:"), std::string::npos);
}

TEST_F(GradeCliTest, ManyFilesAreGradedAlike) {
  std::vector<std::string> arguments = {"grade", kExercise};
  for (int i = 0; i < 40; ++i) {
    std::string name = fmt::format("s{:02}.json", i);
    arguments.push_back(write(name, golden(i % 2 ? "carried.json"
                                                 : "rounded.json")));
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

// ---- Hostile answers files -----------------------------------------------------------

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

TEST_F(GradeCliTest, WrongTypesAreAnErrorOrNotANumber) {
  expect_bad_input(grade("[]"), "an answers file holds a JSON object");
  expect_bad_input(grade("{\"values\": 3}"), "'values' holds an object");
  testing::Run run =
      grade("{\"values\": {\"z\": [1], \"y\": {}, \"L\": true}}");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("z          [1]"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("0/1     not a number"), std::string::npos);
}

TEST_F(GradeCliTest, UnknownNameIsAnError) {
  expect_bad_input(grade("{\"bars\": {\"ww\": 1}}"),
                   "assigns no node named 'ww'; did you mean 'w'?");
}

TEST_F(GradeCliTest, DuplicateKeyIsAnError) {
  expect_bad_input(grade("{\"bars\": {\"w\": 1, \"w\": 2}}"),
                   "the key 'w' is given twice");
}

TEST_F(GradeCliTest, HundredMegabyteFileIsRefused) {
  std::string path = write("big.json", "");
  ASSERT_EQ(truncate(path.c_str(), 100 << 20), 0);
  expect_bad_input(run_tool({"grade", kExercise, path}),
                   "is too large for an answers file (8 MiB at most)");
}

TEST_F(GradeCliTest, HundredMegabytesOnStandardInputAreRefused) {
  std::string text(100 << 20, ' ');
  expect_bad_input(run_tool({"grade", kExercise, "-"}, text),
                   "'<stdin>' is too large for an answers file");
}

TEST_F(GradeCliTest, HundredThousandLevelsOfNestingAreRefused) {
  expect_bad_input(grade("{\"values\": {\"z\": " + std::string(100000, '[')),
                   "arrays and objects nest deeper than 64 levels");
}

TEST_F(GradeCliTest, NumberTooLargeIsWrong) {
  testing::Run run = grade("{\"values\": {\"z\": 1e999, \"y\": -1e999}}");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("z          1e999   1            0/1     wrong"),
            std::string::npos)
      << run.out;
}

TEST_F(GradeCliTest, BytesThatAreNotUtf8AreAnError) {
  expect_bad_input(grade("{\"values\": {\"z\": \"\xFE\xFF\"}}"),
                   "a byte that is not UTF-8");
}

TEST_F(GradeCliTest, BinaryGarbageIsAnError) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i)
    garbage += static_cast<char>((i * 7919) % 256);
  expect_bad_input(grade(garbage), "error:");
}

// ---- The command line ----------------------------------------------------------------

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
