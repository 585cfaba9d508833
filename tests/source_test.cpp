// Tests of source files: lines and columns of byte offsets, UTF-8, and
// reading files.
#include "backprop/source.hpp"

#include <gtest/gtest.h>

#include <string>

#include "backprop/diagnostic.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

// The rendered diagnostic of reading `path`, or "".
std::string read_error(const std::string& path) {
  try {
    read_source(path);
  } catch (const Failure& failure) {
    return render(failure.diagnostics().front(), nullptr);
  }
  return "";
}

TEST(SourceTest, LocatesOffsetsByLineAndColumn) {
  SourceFile source("m.expr", "x = 1\ny = x\n");
  EXPECT_EQ(source.locate(0).line, 1u);
  EXPECT_EQ(source.locate(0).column, 1u);
  EXPECT_EQ(source.locate(10).line, 2u);
  EXPECT_EQ(source.locate(10).column, 5u);
}

TEST(SourceTest, OffsetOfALineBreakIsTheEndOfItsLine) {
  SourceFile source("m.expr", "x = 1\ny");
  EXPECT_EQ(source.locate(5).line, 1u);
  EXPECT_EQ(source.locate(5).column, 6u);
}

TEST(SourceTest, OffsetAtTheEndAfterALineBreakIsOnANewLine) {
  SourceFile source("m.expr", "x = 1\n");
  EXPECT_EQ(source.locate(6).line, 2u);
  EXPECT_EQ(source.locate(6).column, 1u);
}

TEST(SourceTest, ColumnsCountCharactersNotBytes) {
  SourceFile source("m.expr", "σ·λ q");
  EXPECT_EQ(source.locate(6).column, 4u);
  EXPECT_EQ(source.locate(7).column, 5u);
}

TEST(SourceTest, ByteThatIsNotUtf8CountsAsOneColumn) {
  SourceFile source("m.expr", "\x80\xff q");
  EXPECT_EQ(source.locate(3).column, 4u);
}

TEST(SourceTest, LineTextHasNoLineBreak) {
  SourceFile source("m.expr", "x = 1\r\ny = x\nz");
  EXPECT_EQ(source.line_text(1), "x = 1");
  EXPECT_EQ(source.line_text(2), "y = x");
  EXPECT_EQ(source.line_text(3), "z");
  EXPECT_EQ(source.line_text(4), "");
  EXPECT_EQ(source.line_start(2), 7u);
}

TEST(SourceTest, ByteOrderMarkIsDropped) {
  SourceFile source("m.expr", "\xEF\xBB\xBFx = 1");
  EXPECT_EQ(source.text(), "x = 1");
  EXPECT_EQ(testing::error_of("\xEF\xBB\xBFx = 1\ny = 2*x\n"), "");
}

TEST(SourceTest, Utf8LengthsOfValidCharacters) {
  EXPECT_EQ(utf8_length("a", 0), 1u);
  EXPECT_EQ(utf8_length("·", 0), 2u);
  EXPECT_EQ(utf8_length("−", 0), 3u);
  EXPECT_EQ(utf8_length("\xF0\x9F\x98\x80", 0), 4u);
}

TEST(SourceTest, Utf8LengthRejectsInvalidSequences) {
  EXPECT_EQ(utf8_length("\x80", 0), 0u);          // a lone continuation
  EXPECT_EQ(utf8_length("\xC0\xAF", 0), 0u);      // an overlong '/'
  EXPECT_EQ(utf8_length("\xED\xA0\x80", 0), 0u);  // a surrogate
  EXPECT_EQ(utf8_length("\xE2\x88", 0), 0u);      // cut short
  EXPECT_EQ(utf8_length("\xF5\x80\x80\x80", 0), 0u);
  EXPECT_EQ(utf8_length("", 0), 0u);
}

TEST(SourceTest, CodePointsOfCharacters) {
  EXPECT_EQ(utf8_code_point("a", 0), U'a');
  EXPECT_EQ(utf8_code_point("·", 0), U'\u00b7');
  EXPECT_EQ(utf8_code_point("−", 0), U'\u2212');
  EXPECT_EQ(utf8_code_point("\xF0\x9F\x98\x80", 0), U'\U0001F600');
}

TEST(SourceTest, MissingFileIsAPlacelessError) {
  EXPECT_EQ(read_error("/nonexistent/m.expr"),
            "backprop-trace: error: cannot open '/nonexistent/m.expr': no "
            "such file or directory\n");
}

TEST(SourceTest, DirectoryIsAPlacelessError) {
  EXPECT_EQ(read_error(testing::source_dir() + "/tests"),
            "backprop-trace: error: cannot read '" + testing::source_dir() +
                "/tests': it is a directory, not a model file\n");
}

TEST(SourceTest, ReadsAWholeFile) {
  SourceFile source =
      read_source(testing::source_dir() + "/tests/cli/bad/cycle.expr");
  EXPECT_EQ(source.text(), "x = 1\na = b + x\nb = 2*a\ny = b\n");
}

}  // namespace
}  // namespace backprop
