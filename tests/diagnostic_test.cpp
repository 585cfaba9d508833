// Tests of diagnostics: clang's layout (place, quote, caret and tildes,
// notes), tab expansion, long-line windows, and the suggestions for
// misspelled names.
#include "backprop/diagnostic.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace backprop {
namespace {

// The rendering of an error at [begin, end) of `text`.
std::string error_at(const std::string& text, uint32_t begin, uint32_t end,
                     const std::string& message = "bad") {
  SourceFile source("test.expr", text);
  return render(Diagnostic::error({begin, end}, message), &source);
}

std::string repeated(std::string_view piece, size_t count) {
  std::string text;
  for (size_t i = 0; i < count; ++i)
    text += piece;
  return text;
}

// ---- Layout ----------------------------------------------------------------

TEST(DiagnosticTest, CaretUnderTheFirstCharacterOfTheSpan) {
  EXPECT_EQ(error_at("x = 1\ny = w*q + b\n", 12, 13, "undefined name 'q'"),
            "test.expr:2:7: error: undefined name 'q'\n"
            "    y = w*q + b\n"
            "          ^\n");
}

TEST(DiagnosticTest, TildesUnderTheRestOfTheRange) {
  EXPECT_EQ(error_at("y = sigmoidd(z)", 4, 12),
            "test.expr:1:5: error: bad\n"
            "    y = sigmoidd(z)\n"
            "        ^~~~~~~~\n");
}

TEST(DiagnosticTest, EmptySpanGetsACaretOnly) {
  EXPECT_EQ(error_at("y = x +", 7, 7),
            "test.expr:1:8: error: bad\n"
            "    y = x +\n"
            "           ^\n");
}

TEST(DiagnosticTest, RangeAcrossLinesStopsAtTheEndOfTheFirst) {
  EXPECT_EQ(error_at("y = (a +\n b)", 4, 11),
            "test.expr:1:5: error: bad\n"
            "    y = (a +\n"
            "        ^~~~\n");
}

TEST(DiagnosticTest, TabsExpandToTheNextStopOfEight) {
  // "y =" fills columns 0-2, the tab runs to 8, 'w' is at 8, the next tab
  // runs to 16, '*' is at 16 and 'q' at 18.
  EXPECT_EQ(error_at("y =\tw\t* q", 8, 9),
            "test.expr:1:9: error: bad\n"
            "    y =     w       * q\n"
            "                      ^\n");
}

TEST(DiagnosticTest, TabUnderTheRangeWidensTheTildes) {
  EXPECT_EQ(error_at("a\tb", 0, 3),
            "test.expr:1:1: error: bad\n"
            "    a       b\n"
            "    ^~~~~~~~~\n");
}

TEST(DiagnosticTest, ColumnCountsCharactersNotBytes) {
  // 'σ' is two bytes and one column.
  EXPECT_EQ(error_at("σ = q", 5, 6),
            "test.expr:1:5: error: bad\n"
            "    σ = q\n"
            "        ^\n");
}

TEST(DiagnosticTest, ControlCharacterShowsAsItsCodePoint) {
  EXPECT_EQ(error_at("a\x01 = q", 5, 6),
            "test.expr:1:6: error: bad\n"
            "    a<U+0001> = q\n"
            "                ^\n");
}

TEST(DiagnosticTest, ByteThatIsNotUtf8ShowsInHex) {
  EXPECT_EQ(error_at("a\xff = q", 5, 6),
            "test.expr:1:6: error: bad\n"
            "    a<FF> = q\n"
            "            ^\n");
}

TEST(DiagnosticTest, CarriageReturnBeforeTheLineBreakIsNotShown) {
  EXPECT_EQ(error_at("x = 1\r\ny = q\r\n", 11, 12),
            "test.expr:2:5: error: bad\n"
            "    y = q\n"
            "        ^\n");
}

TEST(DiagnosticTest, LastLineWithoutALineBreakIsQuoted) {
  EXPECT_EQ(error_at("x = 1\ny = q", 10, 11),
            "test.expr:2:5: error: bad\n"
            "    y = q\n"
            "        ^\n");
}

TEST(DiagnosticTest, EmptyLineIsNotQuoted) {
  EXPECT_EQ(error_at("", 0, 0), "test.expr:1:1: error: bad\n");
  EXPECT_EQ(error_at("x\n\n", 2, 2), "test.expr:2:1: error: bad\n");
}

// ---- Long lines ------------------------------------------------------------

TEST(DiagnosticTest, LineThatFitsIsShownWhole) {
  std::string line = "y = " + repeated("b + ", 18) + "qq";  // 78 columns
  line.resize(76);
  EXPECT_EQ(error_at(line, 75, 76), "test.expr:1:76: error: bad\n    " + line +
                                        "\n    " + std::string(75, ' ') +
                                        "^\n");
}

TEST(DiagnosticTest, LongLineShowsAWindowCutAtBothEnds) {
  std::string line =
      "y = " + repeated("a + ", 30) + "qq" + repeated(" + b", 30);
  EXPECT_EQ(error_at(line, 124, 126),
            "test.expr:1:125: error: bad\n"
            "    ... + a + a + a + a + a + a + a + a + qq + b + b + b + b + b "
            "+ b + b + b ...\n"
            "                                          ^~\n");
}

TEST(DiagnosticTest, LongLineNearItsStartIsCutAtTheEndOnly) {
  std::string line = "y = qq" + repeated(" + b", 40);
  EXPECT_EQ(error_at(line, 4, 6),
            "test.expr:1:5: error: bad\n"
            "    y = qq + b + b + b + b + b + b + b + b + b + b + b + b + b + "
            "b + b + b + ...\n"
            "        ^~\n");
}

TEST(DiagnosticTest, LongLineNearItsEndIsCutAtTheStartOnly) {
  std::string line = "y = " + repeated("b + ", 40) + "qq";
  EXPECT_EQ(error_at(line, 164, 166),
            "test.expr:1:165: error: bad\n"
            "    ... + b + b + b + b + b + b + b + b + b + b + b + b + b + b "
            "+ b + b + b + qq\n    " +
                std::string(74, ' ') + "^~\n");
}

TEST(DiagnosticTest, WindowedQuoteFitsEightyColumns) {
  std::string line = repeated("x", 500);
  std::string rendered = error_at(line, 250, 251);
  size_t quote = rendered.find('\n') + 1;
  size_t quote_end = rendered.find('\n', quote);
  EXPECT_EQ(quote_end - quote, 80u);
}

TEST(DiagnosticTest, RangeLongerThanTheWindowStopsAtItsEdge) {
  std::string line = "y = " + repeated("b", 200);
  std::string rendered = error_at(line, 4, 204);
  EXPECT_TRUE(rendered.ends_with("    ^" + repeated("~", 68) + "\n"));
}

// ---- Severities, notes, places ---------------------------------------------

TEST(DiagnosticTest, NotesFollowWithTheirOwnPlaces) {
  SourceFile source("test.expr", "x = 1\nx = 2\n");
  Diagnostic error = Diagnostic::error({6, 7}, "'x' is assigned twice");
  error.with_note(Diagnostic::note({0, 1}, "'x' was first assigned here"));
  EXPECT_EQ(render(error, &source),
            "test.expr:2:1: error: 'x' is assigned twice\n"
            "    x = 2\n"
            "    ^\n"
            "test.expr:1:1: note: 'x' was first assigned here\n"
            "    x = 1\n"
            "    ^\n");
}

TEST(DiagnosticTest, WarningNamesItsSeverity) {
  SourceFile source("test.expr", "y = log(x)");
  EXPECT_EQ(render(Diagnostic::warning({4, 7}, "log of zero"), &source),
            "test.expr:1:5: warning: log of zero\n"
            "    y = log(x)\n"
            "        ^~~\n");
}

TEST(DiagnosticTest, PlacelessErrorNamesTheTool) {
  Failure failure(std::string("cannot open 'm.expr': no such file"));
  EXPECT_EQ(render(failure.diagnostics().front(), nullptr),
            "backprop-trace: error: cannot open 'm.expr': no such file\n");
}

TEST(DiagnosticTest, PlacelessErrorNamesTheToolEvenWithASource) {
  SourceFile source("test.expr", "x = 1\n");
  Failure failure(std::string("--set names 'q'"));
  EXPECT_EQ(render(failure.diagnostics().front(), &source),
            "backprop-trace: error: --set names 'q'\n");
}

TEST(DiagnosticTest, PlacelessNoteNamesTheFile) {
  SourceFile source("test.expr", "y = q\n");
  Diagnostic error = Diagnostic::error({4, 5}, "undefined name 'q'");
  error.with_note({Severity::Note, std::nullopt, "the file assigns 'y'", {}});
  EXPECT_EQ(render(error, &source),
            "test.expr:1:5: error: undefined name 'q'\n"
            "    y = q\n"
            "        ^\n"
            "test.expr: note: the file assigns 'y'\n");
}

TEST(DiagnosticTest, FailureSaysItsFirstMessage) {
  Failure failure(Diagnostic::error({0, 1}, "undefined name 'q'"));
  EXPECT_STREQ(failure.what(), "undefined name 'q'");
}

TEST(DiagnosticTest, UndefinedNameListsKnownNames) {
  EXPECT_EQ(testing::error_of("x = 1\nw = 2\ny = w*q + x\n"),
            "test.expr:3:7: error: undefined name 'q'\n"
            "    y = w*q + x\n"
            "          ^\n"
            "test.expr: note: the file assigns 'x', 'w' and 'y'\n");
}

TEST(DiagnosticTest, UndefinedNameSuggestsTheNearest) {
  EXPECT_EQ(testing::error_of("lambda = 0.1\nw = 2\nR = lamda*w^2\n"),
            "test.expr:3:5: error: undefined name 'lamda'; did you mean "
            "'lambda'?\n"
            "    R = lamda*w^2\n"
            "        ^~~~~\n"
            "test.expr: note: the file assigns 'lambda', 'w' and 'R'\n");
}

// ---- Suggestions and lists -------------------------------------------------

using Names = std::vector<std::string>;
const std::vector<std::string_view> kFunctions = {
    "sigma", "sigmoid", "tanh", "relu", "exp", "log", "sqrt", "abs"};

TEST(DiagnosticTest, NearestNameIsOneEditAway) {
  EXPECT_EQ(nearest_names("sigmoidd", kFunctions), Names{"sigmoid"});
  EXPECT_EQ(nearest_names("rel", kFunctions), Names{"relu"});
}

TEST(DiagnosticTest, SwapOfNeighboursIsOneEdit) {
  EXPECT_EQ(nearest_names("tnah", kFunctions), Names{"tanh"});
}

TEST(DiagnosticTest, NameThatDiffersInCaseIsNearest) {
  EXPECT_EQ(nearest_names("SIGMA", kFunctions), Names{"sigma"});
  EXPECT_EQ(nearest_names("X", {"y", "x"}), Names{"x"});
}

TEST(DiagnosticTest, OneLetterIsNoSuggestionForAnother) {
  EXPECT_EQ(nearest_names("q", {"x", "w", "b"}), Names{});
}

TEST(DiagnosticTest, DistantNamesAreNoSuggestion) {
  EXPECT_EQ(nearest_names("softplus", kFunctions), Names{});
}

TEST(DiagnosticTest, NameItselfIsNoSuggestion) {
  EXPECT_EQ(nearest_names("tanh", kFunctions), Names{});
}

TEST(DiagnosticTest, NearestNamesComeBestFirst) {
  EXPECT_EQ(nearest_names("w12", {"w1", "w123x", "w13"}, 3),
            (Names{"w1", "w13"}));
}

TEST(DiagnosticTest, QuotedListJoinsTheLastWithAnd) {
  EXPECT_EQ(quoted_list({"a"}), "'a'");
  EXPECT_EQ(quoted_list({"a", "b"}), "'a' and 'b'");
  EXPECT_EQ(quoted_list({"a", "b", "c"}), "'a', 'b' and 'c'");
}

TEST(DiagnosticTest, QuotedListCountsWhatItLeavesOut) {
  EXPECT_EQ(quoted_list({"a", "b", "c", "d", "e"}, 3),
            "'a', 'b', 'c' and 2 more");
}

TEST(DiagnosticTest, SystemErrorIsLowercased) {
  EXPECT_EQ(describe_errno(ENOENT), "no such file or directory");
}

}  // namespace
}  // namespace backprop
