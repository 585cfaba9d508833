// The lexer: source text to tokens.
#pragma once

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

/// Splits a source text into tokens on demand. Spaces, tabs, carriage
/// returns and '#' comments are skipped; line breaks are tokens.
class Lexer {
 public:
  explicit Lexer(const SourceFile& source) : text_(source.text()) {}

  /// The next token. Throws Failure on a character that starts no token
  /// (saying what was meant when it can), on bytes that are not UTF-8, on a
  /// malformed number (`1.2.3`, `2x`) and on a number too large or too
  /// small for a double.
  Token next();

 private:
  Token lex_number(uint32_t begin);
  Token lex_name(uint32_t begin);
  [[noreturn]] void out_of_range(uint32_t begin, uint32_t end);
  [[noreturn]] void stray_character(uint32_t begin);
  std::string stray_message(uint32_t begin, uint32_t length) const;

  std::string_view text_;
  uint32_t position_ = 0;
};

}  // namespace backprop
