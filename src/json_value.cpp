// A JSON reader for files that a person typed, and JSON quoting.
#include "backprop/json_value.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "backprop/diagnostic.hpp"

namespace backprop {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
         c == '_';
}

int hex_digit(char c) {
  if (is_digit(c))
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, char32_t code_point) {
  auto byte = [&](uint32_t bits) { out += static_cast<char>(bits); };
  if (code_point < 0x80) {
    byte(code_point);
  } else if (code_point < 0x800) {
    byte(0xC0 | (code_point >> 6));
    byte(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    byte(0xE0 | (code_point >> 12));
    byte(0x80 | ((code_point >> 6) & 0x3F));
    byte(0x80 | (code_point & 0x3F));
  } else {
    byte(0xF0 | (code_point >> 18));
    byte(0x80 | ((code_point >> 12) & 0x3F));
    byte(0x80 | ((code_point >> 6) & 0x3F));
    byte(0x80 | (code_point & 0x3F));
  }
}

// A recursive-descent parser whose recursion kMaxJsonDepth bounds.
class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : text_(text) {}

  JsonValue document();

 private:
  JsonValue value(uint32_t depth);
  JsonValue object(uint32_t depth);
  JsonValue array(uint32_t depth);
  std::string string_text();
  char32_t escape(uint32_t backslash);
  uint32_t hex4(uint32_t backslash);
  JsonValue number();
  JsonValue word();

  bool at_end() const { return position_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[position_]; }
  void skip_space();
  Span here() const;
  std::string found() const;
  [[noreturn]] void fail(Span span, std::string message) const;
  [[noreturn]] void expected(std::string_view what) const;
  void check_depth(uint32_t depth) const;

  std::string_view text_;
  uint32_t position_ = 0;
};

// document := value END
JsonValue JsonParser::document() {
  skip_space();
  if (at_end())
    fail(here(), "the file is empty; expected a JSON value");
  JsonValue result = value(0);
  skip_space();
  if (!at_end()) {
    fail(here(), fmt::format("expected the end of the file after the JSON "
                             "value but found {}",
                             found()));
  }
  return result;
}

// value := object | array | string | number | 'true' | 'false' | 'null'
JsonValue JsonParser::value(uint32_t depth) {
  skip_space();
  char c = peek();
  if (c == '{')
    return object(depth + 1);
  if (c == '[')
    return array(depth + 1);
  if (c == '"') {
    JsonValue result;
    result.kind = JsonKind::String;
    uint32_t begin = position_;
    result.text = string_text();
    result.span = {begin, position_};
    return result;
  }
  if (c == '-' || is_digit(c))
    return number();
  if (is_word_char(c))
    return word();
  if (c == '\'')
    fail(here(), "JSON strings take double quotes, not single quotes");
  if (c == '.' || c == '+') {
    fail(here(), fmt::format("a JSON number starts with a digit or '-', "
                             "not '{}'",
                             c));
  }
  expected("a value");
}

void JsonParser::check_depth(uint32_t depth) const {
  if (depth > kMaxJsonDepth) {
    fail(here(),
         fmt::format("arrays and objects nest deeper than {} levels here",
                     kMaxJsonDepth));
  }
}

// object := '{' [ string ':' value { ',' string ':' value } ] '}'
JsonValue JsonParser::object(uint32_t depth) {
  check_depth(depth);
  JsonValue result;
  result.kind = JsonKind::Object;
  uint32_t begin = position_++;
  std::unordered_map<std::string, size_t> seen;
  skip_space();
  bool after_comma = false;
  while (after_comma || peek() != '}') {
    skip_space();
    if (after_comma && peek() == '}')
      fail(here(), "a comma before '}' is not allowed in JSON");
    if (peek() == '\'')
      fail(here(), "JSON keys take double quotes, not single quotes");
    if (peek() != '"')
      expected("a key in double quotes");

    JsonMember member;
    uint32_t key_begin = position_;
    member.key = string_text();
    member.key_span = {key_begin, position_};
    auto [first, inserted] = seen.emplace(member.key, result.members.size());
    if (!inserted) {
      Span earlier = result.members[first->second].key_span;
      throw Failure(Diagnostic::error(member.key_span,
                                      fmt::format("the key '{}' is given twice",
                                                  excerpt(member.key)))
                        .with_note(Diagnostic::note(earlier, "first here")));
    }
    skip_space();
    if (peek() != ':')
      expected("':' after the key");
    ++position_;
    member.value = value(depth);
    result.members.push_back(std::move(member));

    skip_space();
    after_comma = peek() == ',';
    if (after_comma) {
      ++position_;
    } else if (peek() != '}') {
      expected("',' or '}'");
    }
  }
  ++position_;
  result.span = {begin, position_};
  return result;
}

// array := '[' [ value { ',' value } ] ']'
JsonValue JsonParser::array(uint32_t depth) {
  check_depth(depth);
  JsonValue result;
  result.kind = JsonKind::Array;
  uint32_t begin = position_++;
  skip_space();
  bool after_comma = false;
  while (after_comma || peek() != ']') {
    skip_space();
    if (after_comma && peek() == ']')
      fail(here(), "a comma before ']' is not allowed in JSON");
    if (at_end())
      expected("a value or ']'");
    result.items.push_back(value(depth));

    skip_space();
    after_comma = peek() == ',';
    if (after_comma) {
      ++position_;
    } else if (peek() != ']') {
      expected("',' or ']'");
    }
  }
  ++position_;
  result.span = {begin, position_};
  return result;
}

// string := '"' { character | '\' escape } '"'
std::string JsonParser::string_text() {
  uint32_t open = position_++;
  std::string text;
  while (true) {
    if (at_end() || peek() == '\n' || peek() == '\r') {
      fail({open, open + 1},
           "this string is not closed before the end of the line");
    }
    char c = peek();
    if (c == '"') {
      ++position_;
      return text;
    }
    if (c == '\\') {
      append_utf8(text, escape(position_));
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20) {
      fail(here(),
           "a control character in a string; write it as an escape "
           "such as \\t");
    }
    uint32_t length = utf8_length(text_, position_);
    text.append(text_.substr(position_, length));
    position_ += length;
  }
}

// escape := '"' | '\' | '/' | 'b' | 'f' | 'n' | 'r' | 't' | 'u' hex4
//           [ '\u' hex4 ]    (a surrogate pair)
char32_t JsonParser::escape(uint32_t backslash) {
  position_ = backslash + 1;
  char c = peek();
  constexpr std::string_view kSimple = "\"\\/bfnrt";
  constexpr std::string_view kMeaning = "\"\\/\b\f\n\r\t";
  if (size_t at = kSimple.find(c); c != '\0' && at != kSimple.npos) {
    ++position_;
    return static_cast<unsigned char>(kMeaning[at]);
  }
  if (c != 'u') {
    fail({backslash, here().end},
         "unknown escape; a backslash starts one of \\\" \\\\ \\/ \\b \\f "
         "\\n \\r \\t \\uXXXX");
  }
  uint32_t unit = hex4(backslash);
  if (unit >= 0xDC00 && unit <= 0xDFFF) {
    fail({backslash, position_},
         "an escaped low surrogate without a high surrogate before it");
  }
  if (unit < 0xD800 || unit > 0xDBFF)
    return unit;
  uint32_t second = position_;
  if (!text_.substr(position_).starts_with("\\u")) {
    fail({backslash, position_},
         "an escaped high surrogate without a low surrogate after it");
  }
  ++position_;
  uint32_t low = hex4(second);
  if (low < 0xDC00 || low > 0xDFFF) {
    fail({backslash, position_},
         "an escaped high surrogate without a low surrogate after it");
  }
  return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
}

// hex4 := four hexadecimal digits, after the 'u' at position_
uint32_t JsonParser::hex4(uint32_t backslash) {
  ++position_;
  uint32_t unit = 0;
  for (int i = 0; i < 4; ++i) {
    int digit = hex_digit(peek());
    if (digit < 0) {
      fail({backslash, position_},
           "\\u needs four hexadecimal digits, as in \\u00e9");
    }
    unit = unit * 16 + digit;
    ++position_;
  }
  return unit;
}

// number := [ '-' ] ( '0' | [1-9] { digit } ) [ '.' digit { digit } ]
//           [ ( 'e' | 'E' ) [ '+' | '-' ] digit { digit } ]
JsonValue JsonParser::number() {
  uint32_t begin = position_;
  auto digits = [&](std::string_view after) {
    if (!is_digit(peek()))
      expected(fmt::format("a digit after {}", after));
    while (is_digit(peek()))
      ++position_;
  };
  if (peek() == '-')
    ++position_;
  if (peek() == '0' && position_ + 1 < text_.size() &&
      is_digit(text_[position_ + 1])) {
    fail({begin, position_ + 2},
         "a JSON number does not start with 0 unless it is 0 or 0.something");
  }
  if (peek() == 'I' || peek() == 'N') {
    fail({begin, position_ + 1},
         "JSON has no infinity or NaN; write them as strings, as in "
         "\"-Infinity\"");
  }
  digits(position_ == begin ? "the start" : "'-'");
  if (peek() == '.') {
    ++position_;
    digits("'.'");
  }
  if (peek() == 'e' || peek() == 'E') {
    ++position_;
    if (peek() == '+' || peek() == '-')
      ++position_;
    digits("the exponent's 'e'");
  }
  JsonValue result;
  result.kind = JsonKind::Number;
  result.span = {begin, position_};
  result.text = std::string(text_.substr(begin, position_ - begin));
  return result;
}

// The literals true, false and null; any other word is a mistake.
JsonValue JsonParser::word() {
  uint32_t begin = position_;
  while (is_word_char(peek()))
    ++position_;
  std::string_view word = text_.substr(begin, position_ - begin);
  JsonValue result;
  result.span = {begin, position_};
  if (word == "null")
    return result;
  if (word == "true" || word == "false") {
    result.kind = JsonKind::Boolean;
    result.boolean = word == "true";
    return result;
  }
  if (word == "NaN" || word == "Infinity" || word == "nan" || word == "inf") {
    fail(result.span, fmt::format("JSON has no '{}'; write it as a string, "
                                  "as in \"NaN\"",
                                  word));
  }
  std::vector<std::string> close =
      nearest_names(word, {"true", "false", "null"});
  std::string hint =
      close.empty() ? "" : fmt::format("; did you mean '{}'?", close[0]);
  fail(result.span, fmt::format("expected a value but found '{}'{}",
                                word.substr(0, 40), hint));
}

void JsonParser::skip_space() {
  while (!at_end()) {
    char c = peek();
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
      return;
    ++position_;
  }
}

// The character at the current position, or the empty span at the end.
Span JsonParser::here() const {
  if (at_end()) {
    auto end = static_cast<uint32_t>(text_.size());
    return {end, end};
  }
  uint32_t length = std::max<uint32_t>(1, utf8_length(text_, position_));
  return {position_, position_ + length};
}

std::string JsonParser::found() const {
  if (at_end())
    return "the end of the file";
  unsigned char c = static_cast<unsigned char>(peek());
  if (c < 0x20 || c == 0x7F)
    return fmt::format("the control character U+{:04X}", c);
  Span span = here();
  return fmt::format("'{}'", text_.substr(span.begin, span.end - span.begin));
}

void JsonParser::fail(Span span, std::string message) const {
  throw Failure(Diagnostic::error(span, std::move(message)));
}

void JsonParser::expected(std::string_view what) const {
  fail(here(), fmt::format("expected {} but found {}", what, found()));
}

}  // namespace

void check_utf8(std::string_view text) {
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    throw Failure(Diagnostic::error(
        {0, 2}, "the file is encoded as UTF-16; save it as UTF-8"));
  }
  for (uint32_t offset = 0; offset < text.size();) {
    uint32_t length = utf8_length(text, offset);
    if (length == 0) {
      throw Failure(Diagnostic::error(
          {offset, offset + 1},
          "a byte that is not UTF-8; save the file as UTF-8 text"));
    }
    offset += length;
  }
}

JsonValue parse_json(const SourceFile& source) {
  check_utf8(source.text());
  return JsonParser(source.text()).document();
}

double json_number(std::string_view text) {
  std::string copy(text);
  return std::strtod(copy.c_str(), nullptr);
}

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  while (!text.empty()) {
    char c = text.front();
    uint32_t length = utf8_length(text, 0);
    if (length == 0) {
      out += "\ufffd";
      length = 1;
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
    } else {
      out.append(text.substr(0, length));
    }
    text.remove_prefix(length);
  }
  return out + "\"";
}

std::string excerpt(std::string_view text, size_t limit) {
  std::string quoted = json_quote(text);
  std::string_view inner = std::string_view(quoted).substr(1);
  inner.remove_suffix(1);
  if (inner.size() <= limit)
    return std::string(inner);
  size_t cut = limit;
  while (cut > 0 && utf8_length(inner, cut) == 0)
    --cut;
  return std::string(inner.substr(0, cut)) + "...";
}

std::string json_double(double value) {
  if (std::isnan(value))
    return "\"NaN\"";
  if (std::isinf(value))
    return value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  return fmt::format("{}", value);
}

std::string_view describe(JsonKind kind) {
  switch (kind) {
    case JsonKind::Null:
      return "null";
    case JsonKind::Boolean:
      return "true or false";
    case JsonKind::Number:
      return "a number";
    case JsonKind::String:
      return "a string";
    case JsonKind::Array:
      return "an array";
    case JsonKind::Object:
      return "an object";
  }
  return "a value";
}

}  // namespace backprop
