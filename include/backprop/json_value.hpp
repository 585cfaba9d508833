// JSON for untrusted input: a reader that keeps the place of every value so
// that a diagnostic can point at it, and the quoting of strings for output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "backprop/source.hpp"

namespace backprop {

/// The deepest that arrays and objects may nest in a JSON file. Deeper input
/// is an error, not a crash.
inline constexpr uint32_t kMaxJsonDepth = 64;

enum class JsonKind : uint8_t { Null, Boolean, Number, String, Array, Object };

struct JsonMember;

/// One JSON value and where it is written.
struct JsonValue {
  JsonKind kind = JsonKind::Null;
  Span span;
  bool boolean = false;
  /// A number's text as written, or a string's text with escapes decoded.
  std::string text;
  std::vector<JsonValue> items;     // an array's elements
  std::vector<JsonMember> members;  // an object's members, in file order
};

struct JsonMember {
  std::string key;
  Span key_span;
  JsonValue value;
};

/// Reads a whole file as one JSON value (RFC 8259). Throws Failure with a
/// diagnostic at the first problem: bytes that are not UTF-8, a syntax error
/// (with a hint for the usual slips: a trailing comma, single quotes, a bare
/// NaN), a control character or bad escape in a string, nesting deeper than
/// kMaxJsonDepth, and a key given twice in one object (with a note at the
/// first).
JsonValue parse_json(const SourceFile& source);

/// Throws Failure at the first byte of `text` that is not UTF-8, naming
/// UTF-16 when the text starts with its byte order mark.
void check_utf8(std::string_view text);

/// The double nearest to a JSON number's text; a number too large for a
/// double is an infinity, and one too small is 0.
double json_number(std::string_view text);

/// `text` as a JSON string literal, quotes included. Bytes that are not
/// UTF-8 become U+FFFD, so the result is always valid JSON.
std::string json_quote(std::string_view text);

/// `text` as a message quotes it: escaped as in a JSON string (without the
/// quotes), and cut after about `limit` bytes with "..." when longer.
std::string excerpt(std::string_view text, size_t limit = 40);

/// A double as a JSON value that reads back to the same double; NaN and the
/// infinities, which JSON lacks, as the strings "NaN", "Infinity" and
/// "-Infinity".
std::string json_double(double value);

/// The short description of `kind` that messages use: "a number", "an
/// object".
std::string_view describe(JsonKind kind);

}  // namespace backprop
