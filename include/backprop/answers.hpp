// Answers files: the slots an exercise asks for, the skeleton that a student
// fills in, and the reading of a filled-in file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backprop/sink.hpp"
#include "backprop/trace.hpp"

namespace backprop {

/// The version of the answers file's layout, its "schema" key.
inline constexpr std::string_view kAnswersSchema = "backprop-answers/1";

/// The largest answers file that is read, in bytes: room for some 30,000
/// slots, far more than an exercise asks. A larger file is refused unread.
/// Reading one takes at most about 50 times its size in memory (a file of
/// tiny values, `[0,0,0,...]`, is the worst case), so this also bounds the
/// memory that a hostile file can take.
inline constexpr size_t kMaxAnswersSize = size_t{1} << 20;

enum class SlotKind : uint8_t { Value, Bar };

/// One number an exercise asks for: a node's forward value or its bar.
struct Slot {
  SlotKind kind = SlotKind::Value;
  NodeId node = 0;

  bool operator==(const Slot&) const = default;
};

/// A slot's name on the command line and in reports: the node's name for
/// its value (`z`), the ASCII spelling of its bar for its bar (`zbar`,
/// `w_1_bar`), or `bar:z` where a node is itself named like that bar.
std::string slot_label(const Graph& graph, Slot slot);

/// The slots that one selector of `--ask` or `--weights` names, in
/// canonical order (the values in topological order, then the bars in
/// reverse topological order, as the trace computes them):
///
///     values       the value of every node computed from others
///     bars         the bar of every node the output depends on, except the
///                  output's own, which is 1
///     gradients    the bar of every leaf the output depends on
///     NAME         the node's value unless it is a leaf, and its bar
///                  unless it has none or is the output
///     NAMEbar      the node's bar, spelled as slot_label() spells it
///     value:NAME   the node's value; bar:NAME, its bar
///
/// Throws Failure, without a place and naming `flag`, when the selector
/// names no node (suggesting the nearest), names a bar that does not exist,
/// or selects nothing.
std::vector<Slot> select_slots(const Trace& trace, std::string_view selector,
                               std::string_view flag);

/// The slots that any of the selectors names, each once, in canonical
/// order; select_slots() says what throws.
std::vector<Slot> asked_slots(const Trace& trace,
                              const std::vector<std::string>& selectors);

/// What a student wrote in one slot.
struct Answer {
  Slot slot;
  Span span;  // where, in the answers file
  /// As written: a number's digits, a string's text, or the JSON of
  /// another value; empty for null.
  std::string text;
  /// null, an empty string or an empty cell: the slot is not answered.
  bool blank = false;
  /// What the text reads as; empty when it is not a number. A number too
  /// large for a double reads as an infinity.
  std::optional<double> number;
};

/// A filled-in answers file.
struct Answers {
  std::shared_ptr<const SourceFile> source;
  std::vector<Answer> answers;  // in file order
};

enum class AnswersFormat { Json, Csv };

/// Reads an answers file; the path "-" reads standard input. Throws Failure
/// without a place when the file cannot be read or is a directory, and when
/// it holds more than kMaxAnswersSize bytes, which a regular file's size
/// shows before anything is read.
std::shared_ptr<const SourceFile> read_answers_file(const std::string& path);

/// The format of an answers file: CSV when its path ends in ".csv", or when
/// it does not end in ".json" and starts with "kind,"; JSON otherwise.
AnswersFormat answers_format(const SourceFile& source);

/// Parses a filled-in answers file for the model of `trace`.
///
/// JSON: an object with "values" and "bars", each an object from node
/// names to numbers (null: not answered), and optionally "schema" (which
/// must be kAnswersSchema) and "model" (any string). CSV: the header
/// `kind,node,answer`, then one row per slot, `value` or `bar`, a node's
/// name and the answer. A number may also be written as a string ("0.5",
/// "NaN", "-Infinity"); any other string or value is kept as not a number.
///
/// Throws Failure with a diagnostic in the file on malformed JSON or CSV,
/// a key or column that is not part of the layout, a "schema" other than
/// kAnswersSchema, a "model" that is not a string, a name that no node has
/// (with the nearest), the bar of a node that has none, and a slot given
/// twice (with a note at the first).
Answers parse_answers(std::shared_ptr<const SourceFile> source,
                      const Trace& trace);

/// The skeleton of an answers file for `slots`: the JSON layout with null
/// in every slot, or the CSV layout with empty answer cells.
void render_template(const Trace& trace, std::span<const Slot> slots,
                     AnswersFormat format, Sink& out);

}  // namespace backprop
