// The lexer: maximal munch over a small alphabet, with helpful errors for
// characters pasted from slides (such as '·' or '−').
#include "backprop/lexer.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "backprop/diagnostic.hpp"

namespace backprop {
namespace {

using lexing::is_a;
using lexing::kBlank;
using lexing::kDigit;
using lexing::kNameStart;

bool is_name_start(char c) {
  return is_a(c, kNameStart);
}

bool is_digit(char c) {
  return is_a(c, kDigit);
}

bool is_name_char(char c) {
  return is_a(c, kNameStart | kDigit);
}

// Characters a student may paste from a lecture's slides, with what this
// language spells them as.
struct Lookalike {
  std::string_view character;
  std::string_view meant;
};

constexpr Lookalike kLookalikes[] = {
    {"\u00b7", "*"},      {"\u00d7", "*"},
    {"\u22c5", "*"},      {"\u2217", "*"},
    {"\u2212", "-"},      {"\u2013", "-"},
    {"\u2014", "-"},      {"\u2010", "-"},
    {"\u00f7", "/"},      {"\u00b2", "^2"},
    {"\u00b3", "^3"},     {"[", "("},
    {"]", ")"},           {"{", "("},
    {"}", ")"},           {"\u03b1", "alpha"},
    {"\u03b2", "beta"},   {"\u03b3", "gamma"},
    {"\u03b4", "delta"},  {"\u03b5", "epsilon"},
    {"\u03b7", "eta"},    {"\u03b8", "theta"},
    {"\u03bb", "lambda"}, {"\u03bc", "mu"},
    {"\u03c0", "pi"},     {"\u03c1", "rho"},
    {"\u03c3", "sigma"},  {"\u03c4", "tau"},
    {"\u03c6", "phi"},    {"\u03c9", "omega"},
};

// Characters that look like a space, or like nothing: what they are, and
// what to do about them.
struct Invisible {
  char32_t code_point;
  std::string_view name;
  std::string_view advice;
};

constexpr std::string_view kSpace = "write an ordinary space";
constexpr std::string_view kDelete = "delete it";

constexpr Invisible kInvisibles[] = {
    {0x00A0, "no-break space", kSpace},
    {0x2002, "en space", kSpace},
    {0x2003, "em space", kSpace},
    {0x2009, "thin space", kSpace},
    {0x200B, "zero-width space", kDelete},
    {0x202F, "narrow no-break space", kSpace},
    {0x3000, "ideographic space", kSpace},
    {0xFEFF, "zero-width no-break space", kDelete},
};

// Whether a text starts with the byte order mark of UTF-16.
bool is_utf16(std::string_view text) {
  return text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF");
}

}  // namespace

std::string_view describe(TokenKind kind) {
  switch (kind) {
    case TokenKind::Name:
      return "a name";
    case TokenKind::Number:
      return "a number";
    case TokenKind::Plus:
      return "'+'";
    case TokenKind::Minus:
      return "'-'";
    case TokenKind::Star:
      return "'*'";
    case TokenKind::Slash:
      return "'/'";
    case TokenKind::Caret:
      return "'^'";
    case TokenKind::LeftParen:
      return "'('";
    case TokenKind::RightParen:
      return "')'";
    case TokenKind::Comma:
      return "','";
    case TokenKind::Equals:
      return "'='";
    case TokenKind::Newline:
      return "the end of the line";
    case TokenKind::Semicolon:
      return "';'";
    case TokenKind::End:
      return "the end of the file";
  }
  return "a token";
}

Token Lexer::next_rare(uint32_t begin) {
  const char* const text = text_.data();
  const auto size = static_cast<uint32_t>(text_.size());
  if (text[begin] == '#') {  // a comment, to the line break or the end
    const void* line_end = std::memchr(text + begin, '\n', size - begin);
    if (line_end == nullptr) {
      begin = size;
    } else {
      begin = static_cast<uint32_t>(static_cast<const char*>(line_end) - text);
      position_ = begin + 1;
      return {TokenKind::Newline, {begin, begin + 1}};
    }
  }
  if (begin == size) {
    position_ = begin;
    return {TokenKind::End, {begin, begin}};
  }
  const char c = text[begin];
  if (is_digit(c) || (c == '.' && is_digit(text[begin + 1])))
    return lex_number(begin);
  stray_character(begin);
}

// number := digits [ '.' digits ] [ ('e'|'E') ['+'|'-'] digits ]
//         | '.' digits [ exponent ]
Token Lexer::lex_number(uint32_t begin) {
  // Scans as next() does, up to the '\0' after the text, and gathers the
  // digits into an integer on the way: a number without an exponent whose
  // digits (at most 15 of them, leading zeros aside) make an integer that a
  // double holds exactly is that integer divided by a power of ten no larger
  // than 1e22, which a double also holds exactly. One division of two exact
  // doubles is rounded correctly, so the value is what from_chars reads, at
  // a fraction of its cost.
  const char* const text = text_.data();
  uint64_t digits = 0;
  int significant = 0;
  int decimals = 0;
  auto take = [&](char c) {
    digits = digits * 10 + static_cast<uint64_t>(c - '0');
    significant += digits != 0;
  };
  uint32_t end = begin;
  while (is_digit(text[end]))
    take(text[end++]);
  if (text[end] == '.') {
    ++end;
    for (; is_digit(text[end]); ++decimals)
      take(text[end++]);
  }
  bool plain = true;  // no exponent
  if (text[end] == 'e' || text[end] == 'E') {
    uint32_t exponent = end + 1;
    if (text[exponent] == '+' || text[exponent] == '-')
      ++exponent;
    if (is_digit(text[exponent])) {
      plain = false;
      end = exponent;
      while (is_digit(text[end]))
        ++end;
    }
  }
  if (is_name_char(text[end]) || text[end] == '.') {
    uint32_t stop = end;
    while (is_name_char(text[stop]) || text[stop] == '.')
      ++stop;
    std::string_view number = text_.substr(begin, end - begin);
    std::string_view rest = text_.substr(end, stop - end);
    std::string hint =
        is_name_start(rest.front())
            ? fmt::format("; write '{}*{}' for a product", number, rest)
            : "; a number has one '.' at most";
    throw Failure(Diagnostic::error(
        {begin, stop}, fmt::format("malformed number '{}'{}",
                                   text_.substr(begin, stop - begin), hint)));
  }

  constexpr double kPowersOfTen[] = {
      1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  Token token{TokenKind::Number, {begin, end}};
  if (plain && significant <= 15 && decimals <= 22) {
    token.number = static_cast<double>(digits) / kPowersOfTen[decimals];
  } else {
    auto [ptr, error] = std::from_chars(text + begin, text + end, token.number);
    if (error == std::errc::result_out_of_range)
      out_of_range(begin, end);
  }
  position_ = end;
  return token;
}

void Lexer::out_of_range(uint32_t begin, uint32_t end) {
  std::string_view number = text_.substr(begin, end - begin);
  // strtod tells the two ways apart: infinity when too large, and a tiny
  // value or zero when too small.
  bool too_large =
      std::isinf(std::strtod(std::string(number).c_str(), nullptr));
  std::string message =
      too_large ? fmt::format(
                      "number '{}' is too large for a double (the largest "
                      "is about 1.8e308)",
                      number)
                : fmt::format(
                      "number '{}' is too small for a double (the smallest "
                      "is about 4.9e-324); write 0 if zero is meant",
                      number);
  throw Failure(Diagnostic::error({begin, end}, message));
}

void Lexer::stray_character(uint32_t begin) {
  uint32_t length = utf8_length(text_, begin);
  if (length == 0) {
    if (begin == 0 && is_utf16(text_)) {
      throw Failure(Diagnostic::error(
          {0, 2}, "the file is encoded as UTF-16; save it as UTF-8"));
    }
    auto byte = static_cast<unsigned char>(text_[begin]);
    throw Failure(Diagnostic::error(
        {begin, begin + 1},
        fmt::format("stray byte 0x{:02X}, which is not valid UTF-8; save the "
                    "file as UTF-8",
                    byte)));
  }
  throw Failure(
      Diagnostic::error({begin, begin + length}, stray_message(begin, length)));
}

std::string Lexer::stray_message(uint32_t begin, uint32_t length) const {
  auto code_point = static_cast<uint32_t>(utf8_code_point(text_, begin));
  if (code_point < 0x20 || (code_point >= 0x7F && code_point < 0xA0))
    return fmt::format("stray control character U+{:04X}", code_point);
  for (const Invisible& invisible : kInvisibles) {
    if (invisible.code_point == code_point) {
      return fmt::format("stray {} (U+{:04X}); {}", invisible.name, code_point,
                         invisible.advice);
    }
  }
  std::string_view character = text_.substr(begin, length);
  std::string message = length == 1
                            ? fmt::format("stray character '{}'", character)
                            : fmt::format("stray character '{}' (U+{:04X})",
                                          character, code_point);
  for (const Lookalike& lookalike : kLookalikes) {
    if (lookalike.character == character)
      message += fmt::format("; did you mean '{}'?", lookalike.meant);
  }
  return message;
}

}  // namespace backprop
