// Tests of the lexer: token kinds, spans, numbers, and the diagnostics for
// characters and numbers that start no token.
#include "backprop/lexer.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <random>
#include <string>
#include <vector>

#include "backprop/diagnostic.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

using Kinds = std::vector<TokenKind>;

// Every token of `text`, up to and including End.
std::vector<Token> tokens_of(const std::string& text) {
  SourceFile source("test.expr", text);
  Lexer lexer(source);
  std::vector<Token> tokens;
  do {
    tokens.push_back(lexer.next());
  } while (tokens.back().kind != TokenKind::End);
  return tokens;
}

Kinds kinds_of(const std::string& text) {
  Kinds kinds;
  for (const Token& token : tokens_of(text))
    kinds.push_back(token.kind);
  return kinds;
}

// The rendered diagnostic of lexing `text` to its end, or "".
std::string lex_error(const std::string& text) {
  SourceFile source("test.expr", text);
  try {
    Lexer lexer(source);
    while (lexer.next().kind != TokenKind::End) {
    }
  } catch (const Failure& failure) {
    return render(failure.diagnostics().front(), &source);
  }
  return "";
}

TEST(LexerTest, SplitsAStatementIntoTokens) {
  EXPECT_EQ(kinds_of("y = 2*x"),
            (Kinds{TokenKind::Name, TokenKind::Equals, TokenKind::Number,
                   TokenKind::Star, TokenKind::Name, TokenKind::End}));
}

TEST(LexerTest, RecognisesEveryOperatorAndPunctuation) {
  EXPECT_EQ(kinds_of("+-*/^(),=;\n"),
            (Kinds{TokenKind::Plus, TokenKind::Minus, TokenKind::Star,
                   TokenKind::Slash, TokenKind::Caret, TokenKind::LeftParen,
                   TokenKind::RightParen, TokenKind::Comma, TokenKind::Equals,
                   TokenKind::Semicolon, TokenKind::Newline, TokenKind::End}));
}

TEST(LexerTest, SpansCoverEachTokenExactly) {
  std::vector<Token> tokens = tokens_of("L_reg = 0.5*w1");
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[0].span.begin, 0u);
  EXPECT_EQ(tokens[0].span.end, 5u);
  EXPECT_EQ(tokens[1].span.begin, 6u);
  EXPECT_EQ(tokens[1].span.end, 7u);
  EXPECT_EQ(tokens[2].span.begin, 8u);
  EXPECT_EQ(tokens[2].span.end, 11u);
  EXPECT_EQ(tokens[4].span.begin, 12u);
  EXPECT_EQ(tokens[4].span.end, 14u);
}

TEST(LexerTest, EndIsAnEmptySpanAtTheEndOfTheText) {
  std::vector<Token> tokens = tokens_of("x  ");
  EXPECT_EQ(tokens.back().span.begin, 3u);
  EXPECT_EQ(tokens.back().span.end, 3u);
}

TEST(LexerTest, NumbersCarryTheirValues) {
  std::vector<Token> tokens = tokens_of("1.5 .25 2e3 1E-2 5. 007");
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_EQ(tokens[0].number, 1.5);
  EXPECT_EQ(tokens[1].number, 0.25);
  EXPECT_EQ(tokens[2].number, 2000);
  EXPECT_EQ(tokens[3].number, 0.01);
  EXPECT_EQ(tokens[4].number, 5);
  EXPECT_EQ(tokens[5].number, 7);
}

// Plain decimals take a shortcut past std::from_chars; whatever the digits,
// the value must be the one from_chars reads, bit for bit.
TEST(LexerTest, DecimalsReadExactlyAsFromCharsReadsThem) {
  std::mt19937_64 random(20261204);
  for (int i = 0; i < 200000; ++i) {
    const int length = 1 + static_cast<int>(random() % 24);
    std::string spelled;
    for (int j = 0; j < length; ++j)
      spelled += static_cast<char>('0' + random() % 10);
    const size_t point = random() % (spelled.size() + 1);
    spelled.insert(point, ".");
    double expected = 0;
    std::from_chars(spelled.data(), spelled.data() + spelled.size(), expected);
    std::vector<Token> tokens = tokens_of(spelled);
    ASSERT_EQ(tokens.size(), 2u) << spelled;
    ASSERT_EQ(tokens[0].number, expected) << spelled;
  }
}

TEST(LexerTest, NumberAndNameMayEndTheText) {
  std::vector<Token> tokens = tokens_of("x1 = 0.125");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[2].number, 0.125);
  EXPECT_EQ(tokens[3].span.begin, 10u);
  EXPECT_EQ(kinds_of("y = x # no line break after this"),
            (Kinds{TokenKind::Name, TokenKind::Equals, TokenKind::Name,
                   TokenKind::End}));
}

TEST(LexerTest, MinusIsNotPartOfANumber) {
  EXPECT_EQ(kinds_of("-0.2"),
            (Kinds{TokenKind::Minus, TokenKind::Number, TokenKind::End}));
}

TEST(LexerTest, NamesHoldLettersDigitsAndUnderscores) {
  std::vector<Token> tokens = tokens_of("L_reg w1 _hidden");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].span.end - tokens[0].span.begin, 5u);
  EXPECT_EQ(tokens[1].span.end - tokens[1].span.begin, 2u);
  EXPECT_EQ(tokens[2].span.end - tokens[2].span.begin, 7u);
}

TEST(LexerTest, SkipsSpacesTabsAndCarriageReturns) {
  EXPECT_EQ(kinds_of(" \tx\r\n"),
            (Kinds{TokenKind::Name, TokenKind::Newline, TokenKind::End}));
}

TEST(LexerTest, CommentRunsToTheEndOfTheLine) {
  EXPECT_EQ(kinds_of("x # a comment; y = 2\ny"),
            (Kinds{TokenKind::Name, TokenKind::Newline, TokenKind::Name,
                   TokenKind::End}));
}

TEST(LexerTest, CommentMayHoldAnyCharacter) {
  EXPECT_EQ(kinds_of("x # σ(z)·w − λ \x01\n"),
            (Kinds{TokenKind::Name, TokenKind::Newline, TokenKind::End}));
}

TEST(LexerTest, StrayCharacterIsShown) {
  EXPECT_EQ(lex_error("y = $x"),
            "test.expr:1:5: error: stray character '$'\n"
            "    y = $x\n"
            "        ^\n");
}

TEST(LexerTest, MiddleDotSuggestsStar) {
  EXPECT_EQ(lex_error("z = w·x"),
            "test.expr:1:6: error: stray character '·' (U+00B7); did you "
            "mean '*'?\n"
            "    z = w·x\n"
            "         ^\n");
}

TEST(LexerTest, UnicodeMinusSuggestsMinus) {
  EXPECT_EQ(lex_error("y = 2 − x"),
            "test.expr:1:7: error: stray character '−' (U+2212); did you "
            "mean '-'?\n"
            "    y = 2 − x\n"
            "          ^\n");
}

TEST(LexerTest, GreekLetterSuggestsItsName) {
  EXPECT_EQ(lex_error("λ = 0.1"),
            "test.expr:1:1: error: stray character 'λ' (U+03BB); did you "
            "mean 'lambda'?\n"
            "    λ = 0.1\n"
            "    ^\n");
}

TEST(LexerTest, SquareBracketSuggestsParenthesis) {
  EXPECT_EQ(lex_error("y = [x]"),
            "test.expr:1:5: error: stray character '['; did you mean '('?\n"
            "    y = [x]\n"
            "        ^\n");
}

TEST(LexerTest, NoBreakSpaceIsNamed) {
  EXPECT_EQ(lex_error("y = 2*\u00a0x"),
            "test.expr:1:7: error: stray no-break space (U+00A0); write an "
            "ordinary space\n"
            "    y = 2*\u00a0x\n"
            "          ^\n");
}

TEST(LexerTest, InvalidUtf8ByteIsShownInHex) {
  EXPECT_EQ(lex_error("y = 2\xe9 + x"),
            "test.expr:1:6: error: stray byte 0xE9, which is not valid UTF-8; "
            "save the file as UTF-8\n"
            "    y = 2<E9> + x\n"
            "         ^~~~\n");
}

TEST(LexerTest, TruncatedUtf8SequenceIsInvalid) {
  EXPECT_EQ(lex_error("y = \xe2\x88"),
            "test.expr:1:5: error: stray byte 0xE2, which is not valid UTF-8; "
            "save the file as UTF-8\n"
            "    y = <E2><88>\n"
            "        ^~~~\n");
}

TEST(LexerTest, Utf16FileIsRecognised) {
  EXPECT_EQ(lex_error(std::string("\xff\xfex\0", 4)),
            "test.expr:1:1: error: the file is encoded as UTF-16; save it as "
            "UTF-8\n"
            "    <FF><FE>x<U+0000>\n"
            "    ^~~~~~~~\n");
}

TEST(LexerTest, ControlCharacterIsNamedByCodePoint) {
  EXPECT_EQ(lex_error("y = x\x1b + 1"),
            "test.expr:1:6: error: stray control character U+001B\n"
            "    y = x<U+001B> + 1\n"
            "         ^~~~~~~~\n");
}

TEST(LexerTest, NulByteIsAControlCharacter) {
  EXPECT_EQ(lex_error(std::string("y = x +\0 1", 10)),
            "test.expr:1:8: error: stray control character U+0000\n"
            "    y = x +<U+0000> 1\n"
            "           ^~~~~~~~\n");
}

TEST(LexerTest, NumberWithTwoPointsIsMalformed) {
  EXPECT_EQ(lex_error("x = 1.2.3"),
            "test.expr:1:5: error: malformed number '1.2.3'; a number has one "
            "'.' at most\n"
            "    x = 1.2.3\n"
            "        ^~~~~\n");
}

TEST(LexerTest, NumberFollowedByANameSuggestsAProduct) {
  EXPECT_EQ(lex_error("y = 2x + 1"),
            "test.expr:1:5: error: malformed number '2x'; write '2*x' for a "
            "product\n"
            "    y = 2x + 1\n"
            "        ^~\n");
}

TEST(LexerTest, NumberTooLargeForADouble) {
  EXPECT_EQ(lex_error("x = 1e999"),
            "test.expr:1:5: error: number '1e999' is too large for a double "
            "(the largest is about 1.8e308)\n"
            "    x = 1e999\n"
            "        ^~~~~\n");
}

TEST(LexerTest, NumberTooSmallForADouble) {
  EXPECT_EQ(lex_error("x = 1e-400"),
            "test.expr:1:5: error: number '1e-400' is too small for a double "
            "(the smallest is about 4.9e-324); write 0 if zero is meant\n"
            "    x = 1e-400\n"
            "        ^~~~~~\n");
}

TEST(LexerTest, SubnormalNumberIsAccepted) {
  EXPECT_EQ(lex_error("x = 1e-310"), "");
}

TEST(LexerTest, DescribesTokenKindsForMessages) {
  EXPECT_EQ(describe(TokenKind::Name), "a name");
  EXPECT_EQ(describe(TokenKind::RightParen), "')'");
  EXPECT_EQ(describe(TokenKind::Newline), "the end of the line");
  EXPECT_EQ(describe(TokenKind::End), "the end of the file");
}

}  // namespace
}  // namespace backprop
