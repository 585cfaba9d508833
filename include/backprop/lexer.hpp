// The lexer: source text to tokens.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "backprop/source.hpp"

namespace backprop {

enum class TokenKind : uint8_t {
  Name,
  Number,
  Plus,
  Minus,
  Star,
  Slash,
  Caret,
  LeftParen,
  RightParen,
  Comma,
  Equals,
  Newline,  // ends a statement, as does ';'
  Semicolon,
  End,
};

struct Token {
  TokenKind kind = TokenKind::End;
  Span span;
  double number = 0;  // the value of a Number token
};

/// How a token kind is spelled in messages: "'+'", "a name", "end of line".
std::string_view describe(TokenKind kind);

// The lexer's tables, here so that Lexer::next() can be inlined.
namespace lexing {

// What a byte can be, as bits: the lexer asks this of every byte, and one
// table look-up answers it. No class holds '\0'.
enum ByteClass : uint8_t {
  kBlank = 1,      // skipped between tokens: ' ', '\t', '\r'
  kDigit = 2,      // '0' to '9'
  kNameStart = 4,  // a letter or '_'
};

inline constexpr std::array<uint8_t, 256> kByteClasses = [] {
  std::array<uint8_t, 256> classes{};
  for (unsigned char c : {' ', '\t', '\r'})
    classes[c] = kBlank;
  for (int c = '0'; c <= '9'; ++c)
    classes[c] = kDigit;
  for (int c = 'a'; c <= 'z'; ++c)
    classes[c] = classes[c - 'a' + 'A'] = kNameStart;
  classes['_'] = kNameStart;
  return classes;
}();

inline bool is_a(char c, uint8_t classes) {
  return (kByteClasses[static_cast<unsigned char>(c)] & classes) != 0;
}

// The token that each byte is by itself, or End for none.
inline constexpr std::array<TokenKind, 256> kOneByteTokens = [] {
  std::array<TokenKind, 256> kinds{};
  kinds.fill(TokenKind::End);
  kinds['+'] = TokenKind::Plus;
  kinds['-'] = TokenKind::Minus;
  kinds['*'] = TokenKind::Star;
  kinds['/'] = TokenKind::Slash;
  kinds['^'] = TokenKind::Caret;
  kinds['('] = TokenKind::LeftParen;
  kinds[')'] = TokenKind::RightParen;
  kinds[','] = TokenKind::Comma;
  kinds['='] = TokenKind::Equals;
  kinds[';'] = TokenKind::Semicolon;
  kinds['\n'] = TokenKind::Newline;
  return kinds;
}();

}  // namespace lexing

/// Splits a source text into tokens on demand. Spaces, tabs, carriage
/// returns and '#' comments are skipped; line breaks are tokens.
class Lexer {
 public:
  explicit Lexer(const SourceFile& source) : text_(source.text()) {}

  /// The next token. Throws Failure on a character that starts no token
  /// (saying what was meant when it can), on bytes that are not UTF-8, on a
  /// malformed number (`1.2.3`, `2x`) and on a number too large or too
  /// small for a double.
  ///
  /// Names, operators and punctuation, most of any file, are lexed here,
  /// where the parser can inline it: a call per token costs as much as the
  /// rest of lexing it. The text belongs to a std::string, so a '\0'
  /// follows its last byte, and each scan stops there without comparing
  /// the position with the size.
  Token next() {
    using lexing::is_a;
    const char* const text = text_.data();
    uint32_t at = position_;
    while (is_a(text[at], lexing::kBlank))
      ++at;
    const uint32_t begin = at;
    if (is_a(text[at], lexing::kNameStart)) {
      do {
        ++at;
      } while (is_a(text[at], lexing::kNameStart | lexing::kDigit));
      position_ = at;
      return {TokenKind::Name, {begin, at}, 0};
    }
    const TokenKind kind =
        lexing::kOneByteTokens[static_cast<unsigned char>(text[at])];
    if (kind == TokenKind::End)
      return next_rare(begin);
    position_ = begin + 1;
    return {kind, {begin, begin + 1}, 0};
  }

 private:
  /// The rest of next(), from the first byte that is not blank: comments,
  /// numbers, the end and stray characters.
  Token next_rare(uint32_t begin);
  Token lex_number(uint32_t begin);
  [[noreturn]] void out_of_range(uint32_t begin, uint32_t end);
  [[noreturn]] void stray_character(uint32_t begin);
  std::string stray_message(uint32_t begin, uint32_t length) const;

  std::string_view text_;
  uint32_t position_ = 0;
};

}  // namespace backprop
