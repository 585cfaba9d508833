// Tests of the JSON reader for untrusted files, and of JSON quoting.
#include "backprop/json_value.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "backprop/diagnostic.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

JsonValue read(std::string text) {
  return parse_json(*testing::source(std::move(text), "a.json"));
}

// The rendered diagnostics of reading `text`, or "" if it reads.
std::string error_of(std::string text) {
  auto file = testing::source(std::move(text), "a.json");
  try {
    parse_json(*file);
  } catch (const Failure& failure) {
    std::string rendered;
    for (const Diagnostic& diagnostic : failure.diagnostics())
      rendered += render(diagnostic, file.get());
    return rendered;
  }
  return "";
}

TEST(JsonValueTest, ReadsEveryKindWithItsSpan) {
  JsonValue value = read(R"({"a": [1, -2.5e3, true, null], "b": "x"})");
  ASSERT_EQ(value.kind, JsonKind::Object);
  ASSERT_EQ(value.members.size(), 2u);
  const JsonValue& array = value.members[0].value;
  ASSERT_EQ(array.kind, JsonKind::Array);
  ASSERT_EQ(array.items.size(), 4u);
  EXPECT_EQ(array.items[1].kind, JsonKind::Number);
  EXPECT_EQ(array.items[1].text, "-2.5e3");
  EXPECT_EQ(array.items[1].span.begin, 10u);
  EXPECT_EQ(array.items[1].span.end, 16u);
  EXPECT_TRUE(array.items[2].boolean);
  EXPECT_EQ(array.items[3].kind, JsonKind::Null);
  EXPECT_EQ(value.members[1].key, "b");
  EXPECT_EQ(value.members[1].key_span.begin, 31u);
  EXPECT_EQ(value.members[1].value.text, "x");
}

TEST(JsonValueTest, DecodesEscapesAndSurrogatePairs) {
  // U+1D70E (mathematical italic small sigma) as a surrogate pair.
  JsonValue value = read(R"("a\"\\\/\n\t\u00e9\ud835\udf0e")");
  EXPECT_EQ(value.text, "a\"\\/\n\t\xC3\xA9\xF0\x9D\x9C\x8E");
}

TEST(JsonValueTest, KeyGivenTwiceIsAnErrorWithANoteAtTheFirst) {
  EXPECT_EQ(error_of("{\"z\": 1,\n \"z\": 2}"),
            "a.json:2:2: error: the key 'z' is given twice\n"
            "     \"z\": 2}\n"
            "     ^~~\n"
            "a.json:1:2: note: first here\n"
            "    {\"z\": 1,\n"
            "     ^~~\n");
}

TEST(JsonValueTest, TrailingCommaIsNamed) {
  EXPECT_EQ(error_of("{\"z\": 1,}"),
            "a.json:1:9: error: a comma before '}' is not allowed in JSON\n"
            "    {\"z\": 1,}\n"
            "            ^\n");
}

TEST(JsonValueTest, SingleQuotesAreNamed) {
  EXPECT_EQ(error_of("{'z': 1}"),
            "a.json:1:2: error: JSON keys take double quotes, not single "
            "quotes\n"
            "    {'z': 1}\n"
            "     ^\n");
}

TEST(JsonValueTest, BareNaNAsksForAString) {
  EXPECT_EQ(error_of("[NaN]"),
            "a.json:1:2: error: JSON has no 'NaN'; write it as a string, as "
            "in \"NaN\"\n"
            "    [NaN]\n"
            "     ^~~\n");
}

TEST(JsonValueTest, MisspelledLiteralSuggestsTheNearest) {
  EXPECT_EQ(error_of("[True]"),
            "a.json:1:2: error: expected a value but found 'True'; did you "
            "mean 'true'?\n"
            "    [True]\n"
            "     ^~~~\n");
}

TEST(JsonValueTest, MissingCommaSaysWhatWasExpected) {
  EXPECT_EQ(error_of("{\"a\": 1 \"b\": 2}"),
            "a.json:1:9: error: expected ',' or '}' but found '\"'\n"
            "    {\"a\": 1 \"b\": 2}\n"
            "            ^\n");
}

TEST(JsonValueTest, NestingAtTheLimitIsRead) {
  std::string text =
      std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_EQ(read(text).kind, JsonKind::Array);
}

TEST(JsonValueTest, NestingPastTheLimitIsAnError) {
  std::string text =
      std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  EXPECT_EQ(error_of(text).substr(0, 70),
            "a.json:1:65: error: arrays and objects nest deeper than 64 levels "
            "here");
}

TEST(JsonValueTest, HundredThousandLevelsAreAnErrorNotACrash) {
  // The 65th '[' is too deep. The line is wider than a quote, so it shows
  // 70 columns from 35 before the caret, cut with "..." on both sides.
  std::string text(100000, '[');
  EXPECT_EQ(error_of(text),
            "a.json:1:65: error: arrays and objects nest deeper than 64 "
            "levels here\n"
            "    ..." +
                std::string(70, '[') + "...\n" + std::string(4 + 3 + 35, ' ') +
                "^\n");
}

TEST(JsonValueTest, ByteThatIsNotUtf8IsAnError) {
  EXPECT_EQ(error_of("{\"z\": \"\xFF\"}"),
            "a.json:1:8: error: a byte that is not UTF-8; save the file as "
            "UTF-8 text\n"
            "    {\"z\": \"<FF>\"}\n"
            "           ^~~~\n");
}

TEST(JsonValueTest, Utf16IsNamed) {
  EXPECT_EQ(error_of(std::string("\xFF\xFE{\0}\0", 6)),
            "a.json:1:1: error: the file is encoded as UTF-16; save it as "
            "UTF-8\n"
            "    <FF><FE>{<U+0000>}<U+0000>\n"
            "    ^~~~~~~~\n");
}

TEST(JsonValueTest, NulByteIsNamed) {
  EXPECT_EQ(error_of(std::string("{\"z\": \0}", 8)),
            "a.json:1:7: error: expected a value but found the control "
            "character U+0000\n"
            "    {\"z\": <U+0000>}\n"
            "          ^~~~~~~~\n");
}

TEST(JsonValueTest, HugeExponentIsANumber) {
  // The reader keeps the text; json_number() makes it an infinity.
  JsonValue value = read("[1e999, -1e" + std::string(1000, '9') + "]");
  ASSERT_EQ(value.items.size(), 2u);
  EXPECT_EQ(value.items[0].text, "1e999");
  EXPECT_EQ(json_number(value.items[0].text), INFINITY);
  EXPECT_EQ(json_number(value.items[1].text), -INFINITY);
}

TEST(JsonValueTest, UnclosedStringPointsAtItsQuote) {
  EXPECT_EQ(error_of("{\"z\": \"1.5}\n"),
            "a.json:1:7: error: this string is not closed before the end of "
            "the line\n"
            "    {\"z\": \"1.5}\n"
            "          ^\n");
}

TEST(JsonValueTest, LoneSurrogateIsAnError) {
  EXPECT_NE(error_of(R"("\ud835")").find("without a low surrogate"),
            std::string::npos);
  EXPECT_NE(error_of(R"("\udf0e")").find("low surrogate without"),
            std::string::npos);
}

TEST(JsonValueTest, ControlCharacterInAStringIsAnError) {
  EXPECT_NE(error_of("\"a\tb\"").find("a control character in a string"),
            std::string::npos);
}

TEST(JsonValueTest, LeadingZeroIsAnError) {
  EXPECT_NE(error_of("[01]").find("does not start with 0"), std::string::npos);
}

TEST(JsonValueTest, TextAfterTheValueIsAnError) {
  EXPECT_NE(error_of("{} x").find("expected the end of the file"),
            std::string::npos);
}

TEST(JsonValueTest, EmptyFileIsAnError) {
  EXPECT_EQ(error_of(" \n"),
            "a.json:2:1: error: the file is empty; expected a JSON value\n");
}

TEST(JsonValueTest, NumbersOutOfRangeBecomeInfinityOrZero) {
  EXPECT_EQ(json_number("1e999"), INFINITY);
  EXPECT_EQ(json_number("-1e999"), -INFINITY);
  EXPECT_EQ(json_number("1e-999"), 0.0);
  EXPECT_EQ(json_number("-0.125"), -0.125);
}

TEST(JsonValueTest, QuoteEscapesAndReplacesBytesThatAreNotUtf8) {
  EXPECT_EQ(json_quote("a\"b\\c\n\x01\xFF\xC3\xA9"),
            "\"a\\\"b\\\\c\\n\\u0001\xEF\xBF\xBD\xC3\xA9\"");
}

TEST(JsonValueTest, DoublesReadBackAndNonFiniteAreStrings) {
  EXPECT_EQ(json_double(0.1), "0.1");
  EXPECT_EQ(std::stod(json_double(1.0 / 3)), 1.0 / 3);
  EXPECT_EQ(json_double(NAN), "\"NaN\"");
  EXPECT_EQ(json_double(-INFINITY), "\"-Infinity\"");
}

TEST(JsonValueTest, ExcerptCutsLongTextOnACharacterBoundary) {
  EXPECT_EQ(excerpt("abc", 40), "abc");
  EXPECT_EQ(excerpt("\xC3\xA9\xC3\xA9", 3), "\xC3\xA9...");
  EXPECT_EQ(excerpt("a\nb", 40), "a\\nb");
}

}  // namespace
}  // namespace backprop
