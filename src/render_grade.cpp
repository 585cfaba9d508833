// Grade reports: a table for people, JSON for programs, Gradescope's
// results.json, and the CSV summary of a class.
#include "backprop/render_grade.hpp"

#include <algorithm>

#include "backprop/json_value.hpp"
#include "backprop/spelling.hpp"

namespace backprop {
namespace {

std::string value_text(double value) {
  return spell_value(value, 6, Style::Ascii);
}

// The labels of slots, joined: "zbar" or "zbar, ybar".
std::string labels(const Graph& graph, const std::vector<Slot>& slots) {
  std::string joined;
  for (const Slot& slot : slots) {
    if (!joined.empty())
      joined += ", ";
    joined += slot_label(graph, slot);
  }
  return joined;
}

// What the student wrote, short enough for a table or a message.
std::string written(const SlotGrade& slot, size_t limit) {
  if (!slot.answer)
    return "(none)";
  std::string_view text = *slot.answer;
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos)
    return "(none)";
  text = text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
  // A number written with all its digits is easier to read with fewer.
  if (text.size() > limit && slot.given)
    return spell_value(*slot.given, 8, Style::Ascii);
  return excerpt(text, limit);
}

// The mark with where a recomputed answer came from.
std::string mark_text(const Graph& graph, const SlotGrade& slot) {
  if (slot.mark == Mark::CarriedForward)
    return fmt::format("{} in {}", describe(slot.mark),
                       labels(graph, slot.inputs));
  if (slot.mark == Mark::Correct && slot.recomputed)
    return fmt::format("correct (from your {})", labels(graph, slot.inputs));
  return std::string(describe(slot.mark));
}

size_t count_marks(const Grade& grade, Mark mark) {
  return std::count_if(
      grade.slots.begin(), grade.slots.end(),
      [&](const SlotGrade& slot) { return slot.mark == mark; });
}

// A sentence about carried errors, or "".
std::string carried_note(const GradeReport& report) {
  size_t carried = count_marks(report.grade, Mark::CarriedForward);
  if (carried == 0)
    return "";
  std::string answers = carried == 1
                            ? "1 answer follows"
                            : fmt::format("{} answers follow", carried);
  return report.options.carry_errors
             ? fmt::format("{} from an earlier error and got credit for it",
                           answers)
             : fmt::format(
                   "{} from an earlier error; --carry-errors gives "
                   "credit for such answers",
                   answers);
}

std::string score_text(const Grade& grade) {
  if (grade.max_score <= 0)
    return fmt::format("{} of {}", grade.score, grade.max_score);
  return fmt::format("{} of {} ({:.1f}%)", grade.score, grade.max_score,
                     100 * grade.score / grade.max_score);
}

// ---- The table for people
// ------------------------------------------------------

void pad(std::string& line, std::string_view cell, size_t width) {
  line += cell;
  line.append(width + 2 - std::min(width, display_width(cell)), ' ');
}

// ---- Gradescope
// ----------------------------------------------------------------

// A test's name: the slot and what it stands for.
std::string test_name(const Trace& trace, Slot slot) {
  const Graph& graph = trace.graph();
  std::string label = slot_label(graph, slot);
  if (slot.kind == SlotKind::Bar) {
    return fmt::format("{} = d{}/d{}", label, graph.name(trace.output),
                       graph.name(slot.node));
  }
  std::string expression =
      print(graph, graph.statement(slot.node).value, {Style::Ascii, {}, 0});
  return fmt::format("{} = {}", label, excerpt(expression, 60));
}

// Why the slot got its mark, for the student.
std::string test_output(const GradeReport& report, const SlotGrade& slot) {
  const Graph& graph = report.trace.graph();
  std::string value = value_text(slot.expected);
  std::string wrote = written(slot, 40);
  switch (slot.mark) {
    case Mark::Correct:
      if (slot.recomputed) {
        return fmt::format(
            "correct: you wrote {}, which is what your {} gives; the exact "
            "value is {}",
            wrote, labels(graph, slot.inputs), value);
      }
      return fmt::format("correct: you wrote {}; the value is {}", wrote,
                         value);
    case Mark::Wrong:
      return fmt::format("wrong: you wrote {}; the value is {}", wrote, value);
    case Mark::Missing:
      return fmt::format("missing: no answer; the value is {}", value);
    case Mark::NotANumber:
      return fmt::format("not a number: you wrote '{}'; the value is {}", wrote,
                         value);
    case Mark::CarriedForward:
      return fmt::format(
          "follows from an earlier error: you wrote {}, which is what your "
          "{} gives, and the value is {}; {}",
          wrote, labels(graph, slot.inputs), value,
          report.options.carry_errors ? "credit given for it"
                                      : "no credit for it");
  }
  return "";
}

// ---- CSV
// -----------------------------------------------------------------------

std::string csv_cell(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos)
    return std::string(text);
  std::string cell = "\"";
  for (char c : text) {
    cell += c;
    if (c == '"')
      cell += '"';
  }
  return cell + "\"";
}

std::string_view csv_mark(Mark mark) {
  return mark == Mark::CarriedForward ? "carried forward" : describe(mark);
}

}  // namespace

void render_grade_text(const GradeReport& report, Sink& out) {
  const Graph& graph = report.trace.graph();
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"slot", "answer", "expected", "points", "mark"});
  for (const SlotGrade& slot : report.grade.slots) {
    rows.push_back({slot_label(graph, slot.slot), written(slot, 16),
                    value_text(slot.expected),
                    fmt::format("{}/{}", slot.score, slot.weight),
                    mark_text(graph, slot)});
  }
  std::vector<size_t> widths(4, 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < widths.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));
  }

  out.print("{}, graded on {} (output {})\n\n", report.answers_path,
            graph.source().path(), graph.name(report.trace.output));
  std::string line;
  for (const auto& row : rows) {
    line.clear();
    for (size_t i = 0; i < widths.size(); ++i)
      pad(line, row[i], widths[i]);
    line += row.back();
    out.print("{}\n", line);
  }
  out.print("\nscore: {}\n", score_text(report.grade));
  out.print("tolerance: --rtol {} --atol {}\n", report.options.tolerance.rtol,
            report.options.tolerance.atol);
  if (std::string note = carried_note(report); !note.empty())
    out.print("{}\n", note);
}

void render_grade_json(const GradeReport& report, Sink& out) {
  const Graph& graph = report.trace.graph();
  const GradeOptions& options = report.options;
  out.print(
      "{{\n  \"schema\": {},\n  \"model\": {},\n  \"answers\": {},\n"
      "  \"output\": {},\n  \"rtol\": {},\n  \"atol\": {},\n"
      "  \"carry_errors\": {},\n  \"score\": {},\n  \"max_score\": {},\n"
      "  \"slots\": [",
      json_quote(kGradeSchema), json_quote(graph.source().path()),
      json_quote(report.answers_path),
      json_quote(graph.name(report.trace.output)),
      json_double(options.tolerance.rtol), json_double(options.tolerance.atol),
      options.carry_errors, json_double(report.grade.score),
      json_double(report.grade.max_score));
  bool first = true;
  for (const SlotGrade& slot : report.grade.slots) {
    std::string line = first ? "\n    {" : ",\n    {";
    first = false;
    bool bar = slot.slot.kind == SlotKind::Bar;
    fmt::format_to(
        std::back_inserter(line),
        "\"slot\": {}, \"kind\": \"{}\", \"node\": {}, \"mark\": \"{}\", "
        "\"answer\": {}, \"given\": {}, \"expected\": {}",
        json_quote(slot_label(graph, slot.slot)), bar ? "bar" : "value",
        json_quote(graph.name(slot.slot.node)), mark_key(slot.mark),
        slot.answer ? json_quote(*slot.answer) : "null",
        slot.given ? json_double(*slot.given) : "null",
        json_double(slot.expected));
    if (slot.recomputed) {
      fmt::format_to(std::back_inserter(line),
                     ", \"recomputed\": {}, \"from\": [",
                     json_double(*slot.recomputed));
      for (size_t i = 0; i < slot.inputs.size(); ++i) {
        line += i == 0 ? "" : ", ";
        line += json_quote(slot_label(graph, slot.inputs[i]));
      }
      line += "]";
    }
    fmt::format_to(std::back_inserter(line),
                   ", \"weight\": {}, \"score\": {}}}",
                   json_double(slot.weight), json_double(slot.score));
    out.write(line);
  }
  out.write(first ? "]\n}\n" : "\n  ]\n}\n");
}

void render_gradescope(const GradeReport& report, Sink& out) {
  std::string summary = fmt::format("Score: {}.", score_text(report.grade));
  if (std::string note = carried_note(report); !note.empty())
    summary += fmt::format(" {}.", note);
  out.print(
      "{{\n  \"score\": {},\n  \"max_score\": {},\n  \"output\": {},\n"
      "  \"tests\": [",
      json_double(report.grade.score), json_double(report.grade.max_score),
      json_quote(summary));
  bool first = true;
  for (const SlotGrade& slot : report.grade.slots) {
    bool passed =
        slot.score >= slot.weight &&
        (slot.mark == Mark::Correct ||
         (slot.mark == Mark::CarriedForward && report.options.carry_errors));
    out.print(
        "{}{{\"name\": {}, \"score\": {}, \"max_score\": {}, "
        "\"status\": \"{}\", \"output\": {}}}",
        first ? "\n    " : ",\n    ",
        json_quote(test_name(report.trace, slot.slot)), json_double(slot.score),
        json_double(slot.weight), passed ? "passed" : "failed",
        json_quote(test_output(report, slot)));
    first = false;
  }
  out.write(first ? "]\n}\n" : "\n  ]\n}\n");
}

void render_summary(const Trace& trace, std::span<const Slot> asked,
                    std::span<const GradedFile> files, Sink& out) {
  const Graph& graph = trace.graph();
  std::string line = "answers,score,max_score";
  for (Slot slot : asked)
    line.append(",").append(csv_cell(slot_label(graph, slot)));
  out.print("{},error\n", line);

  std::vector<size_t> right(asked.size(), 0);
  size_t graded = 0;
  for (const GradedFile& file : files) {
    line = csv_cell(file.path);
    if (!file.grade) {
      line.append(asked.size() + 2, ',');
      out.print("{},{}\n", line, csv_cell(file.error));
      continue;
    }
    ++graded;
    fmt::format_to(std::back_inserter(line), ",{},{}", file.grade->score,
                   file.grade->max_score);
    for (size_t i = 0; i < asked.size(); ++i) {
      Mark mark = file.grade->slots[i].mark;
      right[i] += mark == Mark::Correct || mark == Mark::CarriedForward;
      line += ",";
      line += csv_mark(mark);
    }
    out.print("{},\n", line);
  }

  line = "share right,,";
  for (size_t count : right) {
    line += ",";
    if (graded > 0)
      fmt::format_to(std::back_inserter(line), "{:.2f}",
                     static_cast<double>(count) / graded);
  }
  out.print("{},\n", line);
}

}  // namespace backprop
