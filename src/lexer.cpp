// The lexer: maximal munch over a small alphabet, with helpful errors for
// characters pasted from slides (such as '·' or '−').
#include "backprop/lexer.hpp"

#include <charconv>

#include "backprop/diagnostic.hpp"

namespace backprop {
namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_name_char(char c) {
  return is_name_start(c) || is_digit(c);
}

// Characters a student may paste from a lecture's slides, with what this
// language spells them as.
struct Lookalike {
  std::string_view character;
  std::string_view meant;
};

constexpr Lookalike kLookalikes[] = {
    {"\u00b7", "*"},     {"\u00d7", "*"},      {"\u22c5", "*"},
    {"\u2212", "-"},     {"\u2013", "-"},      {"\u00f7", "/"},
    {"\u03c3", "sigma"}, {"\u03bb", "lambda"}, {"\u03b1", "alpha"},
    {"\u03b2", "beta"},  {"\u03b7", "eta"},    {"\u03b8", "theta"},
    {"\u00b2", "^2"},    {"\u00b3", "^3"},
};

// The length of the UTF-8 sequence starting with `lead`, or 0 if invalid.
uint32_t utf8_length(unsigned char lead) {
  if (lead < 0x80)
    return 1;
  if (lead >= 0xC2 && lead <= 0xDF)
    return 2;
  if (lead >= 0xE0 && lead <= 0xEF)
    return 3;
  if (lead >= 0xF0 && lead <= 0xF4)
    return 4;
  return 0;
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

Token Lexer::next() {
  const uint32_t size = static_cast<uint32_t>(text_.size());
  while (position_ < size) {
    char c = text_[position_];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++position_;
    } else if (c == '#') {
      while (position_ < size && text_[position_] != '\n')
        ++position_;
    } else {
      break;
    }
  }
  const uint32_t begin = position_;
  if (begin == size)
    return {TokenKind::End, {begin, begin}};

  char c = text_[begin];
  if (is_digit(c) ||
      (c == '.' && begin + 1 < size && is_digit(text_[begin + 1]))) {
    return lex_number(begin);
  }
  if (is_name_start(c))
    return lex_name(begin);

  TokenKind kind;
  switch (c) {
    case '+':
      kind = TokenKind::Plus;
      break;
    case '-':
      kind = TokenKind::Minus;
      break;
    case '*':
      kind = TokenKind::Star;
      break;
    case '/':
      kind = TokenKind::Slash;
      break;
    case '^':
      kind = TokenKind::Caret;
      break;
    case '(':
      kind = TokenKind::LeftParen;
      break;
    case ')':
      kind = TokenKind::RightParen;
      break;
    case ',':
      kind = TokenKind::Comma;
      break;
    case '=':
      kind = TokenKind::Equals;
      break;
    case ';':
      kind = TokenKind::Semicolon;
      break;
    case '\n':
      kind = TokenKind::Newline;
      break;
    default:
      stray_character(begin);
  }
  ++position_;
  return {kind, {begin, position_}};
}

// number := digits [ '.' digits ] [ ('e'|'E') ['+'|'-'] digits ]
//         | '.' digits [ exponent ]
Token Lexer::lex_number(uint32_t begin) {
  const uint32_t size = static_cast<uint32_t>(text_.size());
  uint32_t end = begin;
  while (end < size && is_digit(text_[end]))
    ++end;
  if (end < size && text_[end] == '.') {
    ++end;
    while (end < size && is_digit(text_[end]))
      ++end;
  }
  if (end < size && (text_[end] == 'e' || text_[end] == 'E')) {
    uint32_t exponent = end + 1;
    if (exponent < size && (text_[exponent] == '+' || text_[exponent] == '-'))
      ++exponent;
    if (exponent < size && is_digit(text_[exponent])) {
      end = exponent;
      while (end < size && is_digit(text_[end]))
        ++end;
    }
  }
  if (end < size && (is_name_char(text_[end]) || text_[end] == '.')) {
    uint32_t stop = end;
    while (stop < size && (is_name_char(text_[stop]) || text_[stop] == '.'))
      ++stop;
    std::string_view number = text_.substr(begin, end - begin);
    std::string_view rest = text_.substr(end, stop - end);
    std::string hint =
        is_name_start(rest.front())
            ? fmt::format("; write '{}*{}' for a product", number, rest)
            : "";
    throw Failure(Diagnostic::error(
        {begin, stop}, fmt::format("malformed number '{}'{}",
                                   text_.substr(begin, stop - begin), hint)));
  }

  Token token{TokenKind::Number, {begin, end}};
  const char* first = text_.data() + begin;
  auto [ptr, error] = std::from_chars(first, text_.data() + end, token.number);
  if (error == std::errc::result_out_of_range) {
    throw Failure(Diagnostic::error(
        {begin, end}, fmt::format("number '{}' is out of the range of a double",
                                  text_.substr(begin, end - begin))));
  }
  position_ = end;
  return token;
}

Token Lexer::lex_name(uint32_t begin) {
  uint32_t end = begin;
  while (end < text_.size() && is_name_char(text_[end]))
    ++end;
  position_ = end;
  return {TokenKind::Name, {begin, end}};
}

void Lexer::stray_character(uint32_t begin) {
  auto lead = static_cast<unsigned char>(text_[begin]);
  uint32_t length = utf8_length(lead);
  bool valid = length > 0 && begin + length <= text_.size();
  for (uint32_t i = 1; valid && i < length; ++i) {
    valid = (static_cast<unsigned char>(text_[begin + i]) & 0xC0) == 0x80;
  }
  if (!valid) {
    throw Failure(Diagnostic::error(
        {begin, begin + 1},
        fmt::format("stray byte 0x{:02x}, which is not valid UTF-8", lead)));
  }
  std::string_view character = text_.substr(begin, length);
  std::string message = fmt::format("stray character '{}'", character);
  if (lead < 0x20 || lead == 0x7f) {
    message = fmt::format("stray control character 0x{:02x}", lead);
  }
  for (const Lookalike& lookalike : kLookalikes) {
    if (lookalike.character == character) {
      message += fmt::format("; did you mean '{}'?", lookalike.meant);
    }
  }
  throw Failure(Diagnostic::error({begin, begin + length}, message));
}

}  // namespace backprop
