// Tests of answers files: the slots asked, the template, and the reading of
// JSON and CSV answers, hostile ones included.
#include "backprop/answers.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <fstream>

#include "backprop/diagnostic.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

// The exercise of the grading tests; u is a node the output does not use.
constexpr const char* kExercise = R"(x = 1.5; t = 1
w = 0.8; b = -0.2; lambda = 0.1
z = w*x + b
y = sigma(z)
L = 0.5*(y - t)^2
R = 0.5*w^2
u = 2*x
L_reg = L + lambda*R
)";

class AnswersTest : public ::testing::Test {
 protected:
  void SetUp() override { load(kExercise); }

  void load(const std::string& text) {
    model_ = testing::model(text);
    trace_ = evaluate(model_);
  }

  // The labels of the slots that `selectors` ask, joined by spaces.
  std::string asked(const std::vector<std::string>& selectors) const {
    std::string labels;
    for (Slot slot : asked_slots(trace_, selectors)) {
      labels += labels.empty() ? "" : " ";
      labels += slot_label(trace_.graph(), slot);
    }
    return labels;
  }

  std::string error_of_ask(const std::vector<std::string>& selectors) const {
    try {
      asked_slots(trace_, selectors);
    } catch (const Failure& failure) {
      return render(failure.diagnostics().front(), nullptr);
    }
    return "";
  }

  Answers parse(std::string text, std::string path = "a.json") const {
    return parse_answers(testing::source(std::move(text), std::move(path)),
                         trace_);
  }

  std::string error_of(std::string text, std::string path = "a.json") const {
    auto file = testing::source(std::move(text), std::move(path));
    try {
      parse_answers(file, trace_);
    } catch (const Failure& failure) {
      std::string rendered;
      for (const Diagnostic& diagnostic : failure.diagnostics())
        rendered += render(diagnostic, file.get());
      return rendered;
    }
    return "";
  }

  std::string template_of(const std::vector<std::string>& selectors,
                          AnswersFormat format) const {
    std::string text;
    {
      Sink sink(text);
      render_template(trace_, asked_slots(trace_, selectors), format, sink);
    }
    return text;
  }

  NodeId node(std::string_view name) const {
    return *trace_.graph().find(name);
  }

  Model model_;
  Trace trace_;
};

// ---- Slots and selectors
// -----------------------------------------------------

TEST_F(AnswersTest, LabelsSpellBarsInAscii) {
  load("w_1 = 2\nz = 3*w_1\n");
  EXPECT_EQ(slot_label(trace_.graph(), {SlotKind::Value, node("z")}), "z");
  EXPECT_EQ(slot_label(trace_.graph(), {SlotKind::Bar, node("z")}), "zbar");
  EXPECT_EQ(slot_label(trace_.graph(), {SlotKind::Bar, node("w_1")}),
            "w_1_bar");
}

TEST_F(AnswersTest, BarSpelledLikeANodeIsLabelledExplicitly) {
  load("w = 2\nwbar = 3*w\n");
  EXPECT_EQ(slot_label(trace_.graph(), {SlotKind::Bar, node("w")}), "bar:w");
  EXPECT_EQ(slot_label(trace_.graph(), {SlotKind::Value, node("wbar")}),
            "wbar");
  EXPECT_EQ(asked({"wbar"}), "wbar");
  EXPECT_EQ(asked({"bar:w"}), "bar:w");
}

TEST_F(AnswersTest, ValuesAreTheComputedNodesInTopologicalOrder) {
  EXPECT_EQ(asked({"values"}), "z y L R u L_reg");
}

TEST_F(AnswersTest, BarsAreAllButTheOutputsInReverseOrder) {
  EXPECT_EQ(asked({"bars"}),
            "Rbar Lbar ybar zbar lambdabar bbar wbar tbar xbar");
}

TEST_F(AnswersTest, GradientsAreTheBarsOfTheLeaves) {
  EXPECT_EQ(asked({"gradients"}), "lambdabar bbar wbar tbar xbar");
}

TEST_F(AnswersTest, NameOfALeafAsksForItsBar) {
  EXPECT_EQ(asked({"w", "b"}), "bbar wbar");
}

TEST_F(AnswersTest, NameOfAComputedNodeAsksForItsValueAndBar) {
  EXPECT_EQ(asked({"z"}), "z zbar");
  EXPECT_EQ(asked({"value:z"}), "z");
  EXPECT_EQ(asked({"zbar"}), "zbar");
  EXPECT_EQ(asked({"L_reg"}), "L_reg");
}

TEST_F(AnswersTest, SelectorsAreUnitedInCanonicalOrder) {
  EXPECT_EQ(asked({"wbar", "y", "values", "bbar"}),
            "z y L R u L_reg ybar bbar wbar");
}

TEST_F(AnswersTest, UnknownSelectorSuggestsTheNearest) {
  EXPECT_EQ(error_of_ask({"wbra"}),
            "backprop-trace: error: --ask names 'wbra', which 'test.expr' "
            "does not assign; did you mean 'wbar'?\n");
  EXPECT_EQ(error_of_ask({"value"}),
            "backprop-trace: error: --ask names 'value', which 'test.expr' "
            "does not assign; did you mean 'values'?\n");
}

TEST_F(AnswersTest, BarOfAnUnusedNodeIsAnError) {
  EXPECT_EQ(error_of_ask({"ubar"}),
            "backprop-trace: error: --ask asks for the bar of 'u', which has "
            "none: 'L_reg' does not depend on it\n");
}

TEST_F(AnswersTest, UnusedLeafSelectsNothing) {
  load("q = 1\nx = 2\ny = x^2\n");
  EXPECT_EQ(error_of_ask({"q"}),
            "backprop-trace: error: --ask 'q' selects nothing: 'q' is a leaf "
            "that 'y' does not depend on\n");
}

// ---- The template
// ----------------------------------------------------------------

TEST_F(AnswersTest, JsonTemplateHasANullPerSlot) {
  EXPECT_EQ(template_of({"y", "wbar"}, AnswersFormat::Json),
            "{\n"
            "  \"schema\": \"backprop-answers/1\",\n"
            "  \"model\": \"test.expr\",\n"
            "  \"values\": {\n"
            "    \"y\": null\n"
            "  },\n"
            "  \"bars\": {\n"
            "    \"y\": null,\n"
            "    \"w\": null\n"
            "  }\n"
            "}\n");
}

TEST_F(AnswersTest, JsonTemplateLeavesOutAKindNotAsked) {
  EXPECT_EQ(template_of({"wbar"}, AnswersFormat::Json),
            "{\n"
            "  \"schema\": \"backprop-answers/1\",\n"
            "  \"model\": \"test.expr\",\n"
            "  \"bars\": {\n"
            "    \"w\": null\n"
            "  }\n"
            "}\n");
}

TEST_F(AnswersTest, CsvTemplateHasAnEmptyCellPerSlot) {
  EXPECT_EQ(template_of({"z"}, AnswersFormat::Csv),
            "kind,node,answer\nvalue,z,\nbar,z,\n");
}

TEST_F(AnswersTest, TemplateReadsBackAsUnanswered) {
  for (AnswersFormat format : {AnswersFormat::Json, AnswersFormat::Csv}) {
    std::string path = format == AnswersFormat::Csv ? "a.csv" : "a.json";
    Answers answers = parse(template_of({"values", "bars"}, format), path);
    ASSERT_EQ(answers.answers.size(), 15u);
    for (const Answer& answer : answers.answers)
      EXPECT_TRUE(answer.blank);
  }
}

// ---- Reading JSON
// ----------------------------------------------------------------

TEST_F(AnswersTest, ReadsEveryKindOfJsonAnswer) {
  Answers answers = parse(R"({"values": {"z": 1.5, "y": null, "L": "0.25",
    "R": "abc", "u": [1]}, "bars": {"w": true}})");
  ASSERT_EQ(answers.answers.size(), 6u);
  const std::vector<Answer>& a = answers.answers;
  EXPECT_EQ(a[0].slot, (Slot{SlotKind::Value, node("z")}));
  EXPECT_EQ(a[0].number, 1.5);
  EXPECT_TRUE(a[1].blank);
  EXPECT_EQ(a[2].number, 0.25);
  EXPECT_EQ(a[3].text, "abc");
  EXPECT_FALSE(a[3].number);
  EXPECT_EQ(a[4].text, "[1]");
  EXPECT_FALSE(a[4].number);
  EXPECT_EQ(a[5].slot, (Slot{SlotKind::Bar, node("w")}));
  EXPECT_FALSE(a[5].number);
}

TEST_F(AnswersTest, NumbersMayBeWrittenAsStrings) {
  Answers answers = parse(R"({"values": {"z": " -1e-3 ", "y": "+2",
    "L": "NaN", "R": "-Infinity", "u": "  "}})");
  const std::vector<Answer>& a = answers.answers;
  EXPECT_EQ(a[0].number, -1e-3);
  EXPECT_EQ(a[1].number, 2.0);
  EXPECT_TRUE(std::isnan(*a[2].number));
  EXPECT_EQ(a[3].number, -INFINITY);
  EXPECT_TRUE(a[4].blank);
}

TEST_F(AnswersTest, NumberTooLargeReadsAsInfinity) {
  Answers answers = parse(R"({"values": {"z": 1e999, "y": "-1e999"}})");
  EXPECT_EQ(answers.answers[0].number, INFINITY);
  EXPECT_EQ(answers.answers[0].text, "1e999");
  EXPECT_EQ(answers.answers[1].number, -INFINITY);
}

TEST_F(AnswersTest, UnknownNodeIsAnErrorWithTheNearest) {
  EXPECT_EQ(error_of("{\"bars\": {\"ww\": 1}}"),
            "a.json:1:11: error: 'test.expr' assigns no node named 'ww'; did "
            "you mean 'w'?\n"
            "    {\"bars\": {\"ww\": 1}}\n"
            "              ^~~~\n");
}

TEST_F(AnswersTest, UnknownKeyIsAnError) {
  EXPECT_EQ(error_of("{\"bar\": {}}"),
            "a.json:1:2: error: unknown key 'bar'; did you mean 'bars'?\n"
            "    {\"bar\": {}}\n"
            "     ^~~~~\n");
}

TEST_F(AnswersTest, FileThatIsNotAnObjectIsAnError) {
  EXPECT_EQ(error_of("[1, 2]"),
            "a.json:1:1: error: an answers file holds a JSON object, not an "
            "array\n"
            "    [1, 2]\n"
            "    ^\n");
}

TEST_F(AnswersTest, ValuesThatAreNotAnObjectAreAnError) {
  EXPECT_EQ(error_of("{\"values\": [1]}"),
            "a.json:1:12: error: 'values' holds an object from node names to "
            "numbers, not an array\n"
            "    {\"values\": [1]}\n"
            "               ^\n");
}

TEST_F(AnswersTest, OtherSchemaIsAnError) {
  EXPECT_NE(error_of("{\"schema\": \"backprop-answers/2\"}")
                .find("reads answers files of schema 'backprop-answers/1'"),
            std::string::npos);
}

TEST_F(AnswersTest, ModelThatIsNotAStringIsAnError) {
  EXPECT_EQ(error_of("{\"model\": 5}"),
            "a.json:1:11: error: 'model' holds the model's path as a string, "
            "not a number\n"
            "    {\"model\": 5}\n"
            "              ^\n");
}

TEST_F(AnswersTest, ModelIsNotCheckedAgainstTheTrace) {
  Answers answers = parse("{\"model\": \"other.expr\", \"bars\": {\"w\": 1}}");
  EXPECT_EQ(answers.answers.size(), 1u);
}

TEST_F(AnswersTest, BarOfANodeWithoutOneIsAnError) {
  EXPECT_EQ(error_of("{\"bars\": {\"u\": 1}}"),
            "a.json:1:11: error: 'u' has no bar: 'L_reg' does not depend on "
            "it\n"
            "    {\"bars\": {\"u\": 1}}\n"
            "              ^~~\n");
}

TEST_F(AnswersTest, DuplicateKeyIsAnError) {
  // The first "z" starts at the 13th character, the second at the 21st.
  EXPECT_EQ(error_of("{\"values\": {\"z\": 1, \"z\": 2}}"),
            "a.json:1:21: error: the key 'z' is given twice\n"
            "    {\"values\": {\"z\": 1, \"z\": 2}}\n"
            "                        ^~~\n"
            "a.json:1:13: note: first here\n"
            "    {\"values\": {\"z\": 1, \"z\": 2}}\n"
            "                ^~~\n");
}

TEST_F(AnswersTest, DuplicateSectionIsAnError) {
  EXPECT_EQ(error_of("{\"bars\": {},\n \"bars\": {}}"),
            "a.json:2:2: error: the key 'bars' is given twice\n"
            "     \"bars\": {}}\n"
            "     ^~~~~~\n"
            "a.json:1:2: note: first here\n"
            "    {\"bars\": {},\n"
            "     ^~~~~~\n");
}

// ---- Reading CSV
// -----------------------------------------------------------------

TEST_F(AnswersTest, ReadsCsvWithQuotedCellsAndCrlf) {
  Answers answers = parse(
      "kind,node,answer\r\nvalue,z,\" 1.5\"\r\n\r\nbar , w , \"a,\"\"b\"\r\n",
      "a.csv");
  ASSERT_EQ(answers.answers.size(), 2u);
  EXPECT_EQ(answers.answers[0].number, 1.5);
  EXPECT_EQ(answers.answers[1].slot, (Slot{SlotKind::Bar, node("w")}));
  EXPECT_EQ(answers.answers[1].text, "a,\"b");
  EXPECT_FALSE(answers.answers[1].number);
}

TEST_F(AnswersTest, CsvWithoutTheHeaderIsAnError) {
  EXPECT_EQ(error_of("value,z,1\n", "a.csv"),
            "a.csv:1:1: error: an answers file in CSV starts with the header "
            "'kind,node,answer'\n"
            "    value,z,1\n"
            "    ^~~~~~~~~\n");
}

TEST_F(AnswersTest, CsvSlotGivenTwiceIsAnError) {
  EXPECT_EQ(error_of("kind,node,answer\nbar,w,1\nbar,w,2\n", "a.csv"),
            "a.csv:3:5: error: 'wbar' is answered twice\n"
            "    bar,w,2\n"
            "        ^\n"
            "a.csv:2:5: note: first here\n"
            "    bar,w,1\n"
            "        ^\n");
}

TEST_F(AnswersTest, CsvKindMustBeValueOrBar) {
  EXPECT_EQ(error_of("kind,node,answer\ngrad,w,1\n", "a.csv"),
            "a.csv:2:1: error: expected 'value' or 'bar' but found 'grad'\n"
            "    grad,w,1\n"
            "    ^~~~\n");
}

TEST_F(AnswersTest, CsvRowWithTooFewCellsIsAnError) {
  EXPECT_EQ(error_of("kind,node,answer\nbar,w\n", "a.csv"),
            "a.csv:2:1: error: expected three cells: the kind ('value' or "
            "'bar'), the node and the answer\n"
            "    bar,w\n"
            "    ^~~~~\n");
}

TEST_F(AnswersTest, CsvRowWithTooManyCellsIsAnError) {
  // 50,001 cells after the answer: the quote shows the first 73 columns.
  std::string row = "value,z,1";
  for (int i = 0; i < 50000; ++i)
    row += ",x";
  EXPECT_EQ(error_of("kind,node,answer\n" + row + "\n", "a.csv"),
            "a.csv:2:1: error: expected three cells: the kind ('value' or "
            "'bar'), the node and the answer\n"
            "    " +
                row.substr(0, 73) + "...\n" + "    ^" + std::string(72, '~') +
                "\n");
}

TEST_F(AnswersTest, CsvEmptyCellsAfterTheAnswerAreAllowed) {
  // A spreadsheet may pad every row with commas.
  Answers answers = parse("kind,node,answer,,\nbar,w,1,,,,\n", "a.csv");
  ASSERT_EQ(answers.answers.size(), 1u);
  EXPECT_EQ(answers.answers[0].number, 1.0);
}

TEST_F(AnswersTest, CsvUnknownNodeIsAnErrorWithTheNearest) {
  EXPECT_EQ(error_of("kind,node,answer\nbar,ww,1\n", "a.csv"),
            "a.csv:2:5: error: 'test.expr' assigns no node named 'ww'; did "
            "you mean 'w'?\n"
            "    bar,ww,1\n"
            "        ^~\n");
}

TEST_F(AnswersTest, CsvBarOfANodeWithoutOneIsAnError) {
  EXPECT_EQ(error_of("kind,node,answer\nbar,u,1\n", "a.csv"),
            "a.csv:2:5: error: 'u' has no bar: 'L_reg' does not depend on "
            "it\n"
            "    bar,u,1\n"
            "        ^\n");
}

TEST_F(AnswersTest, CsvUnclosedQuoteIsAnError) {
  EXPECT_EQ(error_of("kind,node,answer\nvalue,z,\"1.5\n", "a.csv"),
            "a.csv:2:9: error: this quoted cell is not closed on its line\n"
            "    value,z,\"1.5\n"
            "            ^\n");
}

TEST_F(AnswersTest, CsvNumbersOutOfRangeReadAsInfinityOrZero) {
  Answers answers =
      parse("kind,node,answer\nvalue,z,1e999\nvalue,y,-1e999\nvalue,L,1e-999\n",
            "a.csv");
  ASSERT_EQ(answers.answers.size(), 3u);
  EXPECT_EQ(answers.answers[0].number, INFINITY);
  EXPECT_EQ(answers.answers[1].number, -INFINITY);
  EXPECT_EQ(answers.answers[2].number, 0.0);
}

TEST_F(AnswersTest, CsvBytesThatAreNotUtf8AreAnError) {
  // 0xC0 is the 7th byte of the second line; a quote shows it as <C0>.
  EXPECT_EQ(error_of("kind,node,answer\nbar,w,\xC0\n", "a.csv"),
            "a.csv:2:7: error: a byte that is not UTF-8; save the file as "
            "UTF-8 text\n"
            "    bar,w,<C0>\n"
            "          ^~~~\n");
}

TEST_F(AnswersTest, CsvEmptyFileIsAnError) {
  EXPECT_EQ(error_of("", "a.csv"),
            "a.csv:1:1: error: the file is empty; an answers file in CSV "
            "starts with the header 'kind,node,answer'\n");
}

TEST_F(AnswersTest, FormatComesFromTheExtensionThenTheText) {
  EXPECT_EQ(answers_format(*testing::source("{}", "a.csv")),
            AnswersFormat::Csv);
  EXPECT_EQ(answers_format(*testing::source("kind,node", "a.json")),
            AnswersFormat::Json);
  EXPECT_EQ(answers_format(*testing::source("kind,node,answer", "-")),
            AnswersFormat::Csv);
  EXPECT_EQ(answers_format(*testing::source(" {}", "-")), AnswersFormat::Json);
}

// ---- Reading files
// ---------------------------------------------------------------

TEST(AnswersFileTest, FileLargerThanTheLimitIsRefusedUnread) {
  char path[] = "/tmp/bt-answers-XXXXXX";
  int descriptor = mkstemp(path);
  ASSERT_GE(descriptor, 0);
  // A sparse file of 100 MB: its size shows without writing it.
  ASSERT_EQ(ftruncate(descriptor, 100 << 20), 0);
  close(descriptor);
  try {
    read_answers_file(path);
    ADD_FAILURE() << "read a 100 MB file";
  } catch (const Failure& failure) {
    EXPECT_EQ(render(failure.diagnostics().front(), nullptr),
              fmt::format("backprop-trace: error: '{}' is too large for an "
                          "answers file (1 MiB at most)\n",
                          path));
  }
  std::remove(path);
}

TEST(AnswersFileTest, DirectoryIsAnError) {
  try {
    read_answers_file("/tmp");
    ADD_FAILURE() << "read a directory";
  } catch (const Failure& failure) {
    EXPECT_EQ(render(failure.diagnostics().front(), nullptr),
              "backprop-trace: error: cannot read '/tmp': it is a directory, "
              "not an answers file\n");
  }
}

TEST(AnswersFileTest, MissingFileIsAnError) {
  try {
    read_answers_file("/nonexistent/answers.json");
    ADD_FAILURE() << "read a missing file";
  } catch (const Failure& failure) {
    EXPECT_EQ(render(failure.diagnostics().front(), nullptr),
              "backprop-trace: error: cannot open '/nonexistent/answers.json': "
              "no such file or directory\n");
  }
}

}  // namespace
}  // namespace backprop
