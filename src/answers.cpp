// Answers files: which slots an exercise asks for, the skeleton a student
// fills in, and the reading of what the student wrote.
#include "backprop/answers.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <map>

#include "backprop/diagnostic.hpp"
#include "backprop/json_value.hpp"
#include "backprop/spelling.hpp"

namespace backprop {
namespace {

// ---- Slots and selectors
// -----------------------------------------------------

// The node whose bar `label` spells (`wbar`, `w_1_bar`), if any.
std::optional<NodeId> node_of_bar(const Graph& graph, std::string_view label) {
  for (std::string_view suffix : {"_bar", "bar"}) {
    if (!label.ends_with(suffix))
      continue;
    std::string_view base = label.substr(0, label.size() - suffix.size());
    std::optional<NodeId> node = graph.find(base);
    if (node && spell_bar(base, Style::Ascii) == label)
      return node;
  }
  return std::nullopt;
}

// Each node's place in the topological order.
std::vector<uint32_t> positions(const Model& model) {
  std::vector<uint32_t> position(model.order.size());
  for (uint32_t i = 0; i < model.order.size(); ++i)
    position[model.order[i]] = i;
  return position;
}

class Selector {
 public:
  Selector(const Trace& trace, std::string_view flag)
      : trace_(trace), graph_(trace.graph()), flag_(flag) {}

  std::vector<Slot> select(std::string_view selector);

 private:
  void group(bool values, bool (Selector::*keep)(NodeId) const);
  bool is_computed(NodeId node) const { return !is_leaf(node); }
  bool is_leaf(NodeId node) const { return graph_.statement(node).is_leaf; }
  bool has_bar(NodeId node) const {
    return trace_.has_bar(node) && node != trace_.output;
  }
  bool is_graded_leaf(NodeId node) const {
    return is_leaf(node) && trace_.has_bar(node);
  }
  NodeId node(std::string_view name) const;
  void bar(NodeId node);
  Failure unknown(std::string_view selector) const;

  const Trace& trace_;
  const Graph& graph_;
  std::string_view flag_;
  std::vector<Slot> slots_;
};

std::vector<Slot> Selector::select(std::string_view selector) {
  if (selector == "values") {
    group(true, &Selector::is_computed);
  } else if (selector == "bars") {
    group(false, &Selector::has_bar);
  } else if (selector == "gradients") {
    group(false, &Selector::is_graded_leaf);
  } else if (selector.starts_with("value:")) {
    slots_.push_back({SlotKind::Value, node(selector.substr(6))});
  } else if (selector.starts_with("bar:")) {
    bar(node(selector.substr(4)));
  } else if (std::optional<NodeId> named = graph_.find(selector)) {
    if (!is_leaf(*named))
      slots_.push_back({SlotKind::Value, *named});
    if (has_bar(*named))
      slots_.push_back({SlotKind::Bar, *named});
  } else if (std::optional<NodeId> barred = node_of_bar(graph_, selector)) {
    bar(*barred);
  } else {
    throw unknown(selector);
  }
  if (slots_.empty()) {
    throw Failure(fmt::format(
        "{} '{}' selects nothing: '{}' is a leaf that '{}' does not depend on",
        flag_, selector, selector, graph_.name(trace_.output)));
  }
  return std::move(slots_);
}

void Selector::group(bool values, bool (Selector::*keep)(NodeId) const) {
  const std::vector<NodeId>& order = trace_.model->order;
  for (size_t i = 0; i < order.size(); ++i) {
    NodeId node = order[values ? i : order.size() - 1 - i];
    if ((this->*keep)(node))
      slots_.push_back({values ? SlotKind::Value : SlotKind::Bar, node});
  }
}

NodeId Selector::node(std::string_view name) const {
  std::optional<NodeId> node = graph_.find(name);
  if (!node)
    throw unknown(name);
  return *node;
}

void Selector::bar(NodeId node) {
  if (!trace_.has_bar(node)) {
    throw Failure(fmt::format(
        "{} asks for the bar of '{}', which has none: '{}' does not depend "
        "on it",
        flag_, graph_.name(node), graph_.name(trace_.output)));
  }
  slots_.push_back({SlotKind::Bar, node});
}

Failure Selector::unknown(std::string_view selector) const {
  std::vector<std::string_view> names = graph_.names();
  // A typo in "wbar" is meant as a bar, so bars are candidates too.
  std::vector<std::string> bars;
  for (NodeId node = 0; node < graph_.size(); ++node) {
    if (trace_.has_bar(node))
      bars.push_back(fmt::format("{}bar", graph_.name(node)));
  }
  std::vector<std::string_view> candidates = names;
  candidates.insert(candidates.end(), bars.begin(), bars.end());
  for (std::string_view group : {"values", "bars", "gradients"})
    candidates.push_back(group);
  std::vector<std::string> close = nearest_names(selector, candidates);
  std::string hint = close.empty()
                         ? fmt::format("; it assigns {}", quoted_list(names))
                         : fmt::format("; did you mean '{}'?", close[0]);
  return Failure(fmt::format("{} names '{}', which '{}' does not assign{}",
                             flag_, excerpt(selector), graph_.source().path(),
                             hint));
}

// ---- Reading a file
// -----------------------------------------------------------

Failure too_large(const std::string& name) {
  return Failure(
      fmt::format("'{}' is too large for an answers file ({} MiB at most)",
                  name, kMaxAnswersSize >> 20));
}

// Reads at most kMaxAnswersSize bytes, and throws if there are more.
std::string read_bounded(int descriptor, const std::string& name) {
  std::string text;
  char buffer[1 << 16];
  while (true) {
    ssize_t count = ::read(descriptor, buffer, sizeof buffer);
    if (count < 0 && errno == EINTR)
      continue;
    if (count < 0) {
      throw Failure(
          fmt::format("cannot read '{}': {}", name, describe_errno(errno)));
    }
    if (count == 0)
      return text;
    if (text.size() + count > kMaxAnswersSize)
      throw too_large(name);
    text.append(buffer, count);
  }
}

// A descriptor that closes itself.
struct Descriptor {
  int value;
  ~Descriptor() {
    if (value > STDIN_FILENO)
      ::close(value);
  }
};

// ---- Numbers as students write them
// -------------------------------------------

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos)
    return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

// A whole string as a number: decimal or scientific, with an optional
// sign, or NaN and the infinities; nullopt for anything else.
std::optional<double> read_number(std::string_view text) {
  text = trim(text);
  if (text.starts_with('+') && text.size() > 1 && text[1] != '-')
    text.remove_prefix(1);
  double value = 0;
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || stop != end)
    return std::nullopt;
  if (error == std::errc::result_out_of_range)
    return std::strtod(std::string(text).c_str(), nullptr);
  if (error != std::errc())
    return std::nullopt;
  return value;
}

Answer text_answer(Slot slot, Span span, std::string text) {
  Answer answer{slot, span, std::move(text), false, std::nullopt};
  answer.blank = trim(answer.text).empty();
  if (!answer.blank)
    answer.number = read_number(answer.text);
  return answer;
}

// ---- The JSON layout
// ----------------------------------------------------------

// Where a diagnostic about a whole value points: its first character.
Span start_of(const JsonValue& value) {
  return {value.span.begin, value.span.begin + 1};
}

class AnswersReader {
 public:
  AnswersReader(std::shared_ptr<const SourceFile> source, const Trace& trace)
      : source_(std::move(source)), trace_(trace), graph_(trace.graph()) {}

  Answers read_json();
  Answers read_csv();

 private:
  void slots(const JsonMember& member, SlotKind kind);
  Answer json_answer(Slot slot, const JsonValue& value) const;
  NodeId node(std::string_view name, Span span) const;
  void check_bar(NodeId node, Span span) const;
  void add(Answer answer, Span label);

  std::shared_ptr<const SourceFile> source_;
  const Trace& trace_;
  const Graph& graph_;
  Answers answers_;
  std::map<std::pair<SlotKind, NodeId>, Span> seen_;
};

Answers AnswersReader::read_json() {
  JsonValue root = parse_json(*source_);
  if (root.kind != JsonKind::Object) {
    throw Failure(Diagnostic::error(
        start_of(root), fmt::format("an answers file holds a JSON object, "
                                    "not {}",
                                    describe(root.kind))));
  }
  for (const JsonMember& member : root.members) {
    if (member.key == "values" || member.key == "bars") {
      slots(member, member.key == "bars" ? SlotKind::Bar : SlotKind::Value);
    } else if (member.key == "schema") {
      if (member.value.kind != JsonKind::String ||
          member.value.text != kAnswersSchema) {
        throw Failure(Diagnostic::error(
            start_of(member.value),
            fmt::format("this tool reads answers files of schema '{}'",
                        kAnswersSchema)));
      }
    } else if (member.key == "model") {
      if (member.value.kind != JsonKind::String) {
        throw Failure(Diagnostic::error(
            start_of(member.value),
            fmt::format("'model' holds the model's path as a string, not {}",
                        describe(member.value.kind))));
      }
    } else {
      std::vector<std::string> close =
          nearest_names(member.key, {"values", "bars", "schema", "model"});
      std::string hint =
          close.empty()
              ? "; an answers file has 'values', 'bars', 'schema' and 'model'"
              : fmt::format("; did you mean '{}'?", close[0]);
      throw Failure(Diagnostic::error(
          member.key_span,
          fmt::format("unknown key '{}'{}", excerpt(member.key), hint)));
    }
  }
  answers_.source = source_;
  return std::move(answers_);
}

// "values" or "bars": an object from node names to answers.
void AnswersReader::slots(const JsonMember& member, SlotKind kind) {
  if (member.value.kind != JsonKind::Object) {
    throw Failure(Diagnostic::error(
        start_of(member.value),
        fmt::format("'{}' holds an object from node names to numbers, not {}",
                    member.key, describe(member.value.kind))));
  }
  for (const JsonMember& slot : member.value.members) {
    NodeId named = node(slot.key, slot.key_span);
    if (kind == SlotKind::Bar)
      check_bar(named, slot.key_span);
    add(json_answer({kind, named}, slot.value), slot.key_span);
  }
}

Answer AnswersReader::json_answer(Slot slot, const JsonValue& value) const {
  switch (value.kind) {
    case JsonKind::Null:
      return {slot, value.span, "", true, std::nullopt};
    case JsonKind::Number:
      return {slot, value.span, value.text, false, json_number(value.text)};
    case JsonKind::String:
      return text_answer(slot, value.span, value.text);
    default: {
      std::string_view text = source_->text().substr(
          value.span.begin, value.span.end - value.span.begin);
      return {slot, value.span, std::string(text), false, std::nullopt};
    }
  }
}

NodeId AnswersReader::node(std::string_view name, Span span) const {
  if (std::optional<NodeId> node = graph_.find(name))
    return *node;
  std::vector<std::string> close = nearest_names(name, graph_.names());
  std::string hint =
      close.empty() ? "" : fmt::format("; did you mean '{}'?", close[0]);
  throw Failure(Diagnostic::error(
      span, fmt::format("'{}' assigns no node named '{}'{}",
                        graph_.source().path(), excerpt(name), hint)));
}

void AnswersReader::check_bar(NodeId node, Span span) const {
  if (trace_.has_bar(node))
    return;
  throw Failure(Diagnostic::error(
      span, fmt::format("'{}' has no bar: '{}' does not depend on it",
                        graph_.name(node), graph_.name(trace_.output))));
}

void AnswersReader::add(Answer answer, Span label) {
  auto [first, inserted] =
      seen_.emplace(std::pair(answer.slot.kind, answer.slot.node), label);
  if (!inserted) {
    throw Failure(
        Diagnostic::error(label, fmt::format("'{}' is answered twice",
                                             slot_label(graph_, answer.slot)))
            .with_note(Diagnostic::note(first->second, "first here")));
  }
  answers_.answers.push_back(std::move(answer));
}

// ---- The CSV layout
// -----------------------------------------------------------

struct Cell {
  std::string text;
  Span span;
};

// The cells of one line [begin, end), unquoting "..." cells ("" is a quote
// inside them) and trimming spaces around the others.
std::vector<Cell> split_row(std::string_view text, uint32_t begin,
                            uint32_t end) {
  std::vector<Cell> cells;
  uint32_t at = begin;
  while (true) {
    while (at < end && (text[at] == ' ' || text[at] == '\t'))
      ++at;
    Cell cell{"", {at, at}};
    if (at < end && text[at] == '"') {
      uint32_t open = at++;
      while (true) {
        if (at >= end) {
          throw Failure(Diagnostic::error(
              {open, open + 1}, "this quoted cell is not closed on its line"));
        }
        if (text[at] == '"' && (at + 1 >= end || text[at + 1] != '"'))
          break;
        at += text[at] == '"' ? 2 : 1;
        cell.text += text[at - 1];
      }
      ++at;
      cell.span = {open, at};
      while (at < end && (text[at] == ' ' || text[at] == '\t'))
        ++at;
      if (at < end && text[at] != ',') {
        throw Failure(Diagnostic::error({at, at + 1},
                                        "expected ',' after a quoted cell"));
      }
    } else {
      uint32_t stop = at;
      while (stop < end && text[stop] != ',')
        ++stop;
      std::string_view raw = trim(text.substr(at, stop - at));
      cell.text = std::string(raw);
      cell.span = {at, at + static_cast<uint32_t>(raw.size())};
      at = stop;
    }
    cells.push_back(std::move(cell));
    if (at >= end)
      return cells;
    ++at;  // the comma
  }
}

bool all_empty(const std::vector<Cell>& cells, size_t from) {
  for (size_t i = from; i < cells.size(); ++i) {
    if (!cells[i].text.empty())
      return false;
  }
  return true;
}

Answers AnswersReader::read_csv() {
  std::string_view text = source_->text();
  check_utf8(text);
  bool header = false;
  uint32_t begin = 0;
  while (begin < text.size()) {
    size_t newline = text.find('\n', begin);
    auto end = static_cast<uint32_t>(
        newline == std::string_view::npos ? text.size() : newline);
    uint32_t next = end + 1;
    if (end > begin && text[end - 1] == '\r')
      --end;
    std::vector<Cell> cells = split_row(text, begin, end);
    Span line{begin, end};
    begin = next;
    if (all_empty(cells, 0))
      continue;
    if (!header) {
      bool layout = cells.size() >= 3 && all_empty(cells, 3) &&
                    cells[0].text == "kind" && cells[1].text == "node" &&
                    cells[2].text == "answer";
      if (!layout) {
        throw Failure(
            Diagnostic::error(line,
                              "an answers file in CSV starts with the header "
                              "'kind,node,answer'"));
      }
      header = true;
      continue;
    }
    if (cells.size() < 3 || !all_empty(cells, 3)) {
      throw Failure(Diagnostic::error(
          line,
          "expected three cells: the kind ('value' or 'bar'), the "
          "node and the answer"));
    }
    if (cells[0].text != "value" && cells[0].text != "bar") {
      throw Failure(Diagnostic::error(
          cells[0].span, fmt::format("expected 'value' or 'bar' but found '{}'",
                                     excerpt(cells[0].text))));
    }
    SlotKind kind = cells[0].text == "bar" ? SlotKind::Bar : SlotKind::Value;
    NodeId named = node(cells[1].text, cells[1].span);
    if (kind == SlotKind::Bar)
      check_bar(named, cells[1].span);
    add(text_answer({kind, named}, cells[2].span, cells[2].text),
        cells[1].span);
  }
  if (!header) {
    throw Failure(Diagnostic::error(
        {0, 0},
        "the file is empty; an answers file in CSV starts with the "
        "header 'kind,node,answer'"));
  }
  answers_.source = source_;
  return std::move(answers_);
}

}  // namespace

std::string slot_label(const Graph& graph, Slot slot) {
  std::string_view name = graph.name(slot.node);
  if (slot.kind == SlotKind::Value)
    return std::string(name);
  std::string bar = spell_bar(name, Style::Ascii);
  return graph.find(bar) ? fmt::format("bar:{}", name) : bar;
}

std::vector<Slot> select_slots(const Trace& trace, std::string_view selector,
                               std::string_view flag) {
  return Selector(trace, flag).select(selector);
}

std::vector<Slot> asked_slots(const Trace& trace,
                              const std::vector<std::string>& selectors) {
  std::vector<uint32_t> position = positions(*trace.model);
  const auto count = static_cast<uint32_t>(position.size());
  // Values first in topological order, then bars in reverse.
  auto rank = [&](Slot slot) {
    uint32_t at = position[slot.node];
    return slot.kind == SlotKind::Value ? at : 2 * count - at;
  };
  std::vector<Slot> slots;
  for (const std::string& selector : selectors) {
    for (Slot slot : select_slots(trace, selector, "--ask"))
      slots.push_back(slot);
  }
  std::sort(slots.begin(), slots.end(),
            [&](Slot a, Slot b) { return rank(a) < rank(b); });
  slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
  return slots;
}

std::shared_ptr<const SourceFile> read_answers_file(const std::string& path) {
  bool standard_input = path == "-";
  std::string name = standard_input ? "<stdin>" : path;
  Descriptor file{standard_input ? STDIN_FILENO
                                 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.value < 0) {
    throw Failure(
        fmt::format("cannot open '{}': {}", name, describe_errno(errno)));
  }
  struct stat status {};
  if (::fstat(file.value, &status) == 0) {
    if (S_ISDIR(status.st_mode)) {
      throw Failure(fmt::format(
          "cannot read '{}': it is a directory, not an answers file", name));
    }
    if (S_ISREG(status.st_mode) &&
        static_cast<uint64_t>(status.st_size) > kMaxAnswersSize) {
      throw too_large(name);
    }
  }
  return std::make_shared<const SourceFile>(name,
                                            read_bounded(file.value, name));
}

AnswersFormat answers_format(const SourceFile& source) {
  const std::string& path = source.path();
  if (path.ends_with(".csv"))
    return AnswersFormat::Csv;
  if (path.ends_with(".json"))
    return AnswersFormat::Json;
  return trim(source.text()).starts_with("kind,") ? AnswersFormat::Csv
                                                  : AnswersFormat::Json;
}

Answers parse_answers(std::shared_ptr<const SourceFile> source,
                      const Trace& trace) {
  AnswersFormat format = answers_format(*source);
  AnswersReader reader(std::move(source), trace);
  return format == AnswersFormat::Csv ? reader.read_csv() : reader.read_json();
}

void render_template(const Trace& trace, std::span<const Slot> slots,
                     AnswersFormat format, Sink& out) {
  const Graph& graph = trace.graph();
  if (format == AnswersFormat::Csv) {
    out.write("kind,node,answer\n");
    for (Slot slot : slots) {
      out.print("{},{},\n", slot.kind == SlotKind::Bar ? "bar" : "value",
                graph.name(slot.node));
    }
    return;
  }
  out.print("{{\n  \"schema\": {},\n  \"model\": {}",
            json_quote(kAnswersSchema), json_quote(graph.source().path()));
  for (SlotKind kind : {SlotKind::Value, SlotKind::Bar}) {
    bool first = true;
    for (Slot slot : slots) {
      if (slot.kind != kind)
        continue;
      if (first)
        out.print(",\n  \"{}\": {{", kind == SlotKind::Bar ? "bars" : "values");
      out.print("{}\n    \"{}\": null", first ? "" : ",",
                graph.name(slot.node));
      first = false;
    }
    if (!first)
      out.write("\n  }");
  }
  out.write("\n}\n");
}

}  // namespace backprop
