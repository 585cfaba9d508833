// Reading CSV tables of numbers, with a diagnostic at the offending cell.
#include "backprop/csv.hpp"

#include <charconv>
#include <cmath>
#include <optional>

#include "backprop/diagnostic.hpp"

namespace backprop {
namespace {

// One cell of a line: its text without the blanks around it, where that
// text is, and where the cell starts (after the comma before it).
struct Cell {
  std::string_view text;
  Span span;
};

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_name(std::string_view text) {
  if (text.empty() || !is_name_start(text[0]))
    return false;
  for (char c : text) {
    if (!is_name_start(c) && !(c >= '0' && c <= '9'))
      return false;
  }
  return true;
}

// Splits the line [begin, end) of `text` at its commas.
std::vector<Cell> split(std::string_view text, uint32_t begin, uint32_t end) {
  std::vector<Cell> cells;
  uint32_t start = begin;
  while (true) {
    uint32_t stop = start;
    while (stop < end && text[stop] != ',')
      ++stop;
    uint32_t first = start;
    uint32_t last = stop;
    while (first < last && is_blank(text[first]))
      ++first;
    while (last > first && is_blank(text[last - 1]))
      --last;
    cells.push_back({text.substr(first, last - first), {first, last}});
    if (stop == end)
      return cells;
    start = stop + 1;
  }
}

// A number written as a whole cell, with an optional '+'; nullopt when the
// cell is not one.
std::optional<double> parse_cell(std::string_view text) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '-')
    text.remove_prefix(1);
  double number = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, number);
  if (ptr != end || ptr == text.data())
    return std::nullopt;
  if (error == std::errc::result_out_of_range)
    return std::nan("");  // too large or too small: not a finite number
  if (error != std::errc())
    return std::nullopt;
  return number;
}

class CsvReader {
 public:
  explicit CsvReader(std::shared_ptr<const SourceFile> source)
      : text_(source->text()) {
    table_.source = std::move(source);
  }

  CsvTable read();

 private:
  // The next line that holds data, without its line break: false at the end.
  bool next_line(uint32_t& begin, uint32_t& end);
  void read_header(uint32_t begin, uint32_t end);
  void read_row(uint32_t begin, uint32_t end);
  double read_cell(const Cell& cell, size_t column) const;
  std::string_view column(size_t index) const { return table_.columns[index]; }

  std::string_view text_;
  uint32_t position_ = 0;
  uint32_t line_ = 0;  // the 1-based line that next_line() returned
  CsvTable table_;
};

bool CsvReader::next_line(uint32_t& begin, uint32_t& end) {
  const auto size = static_cast<uint32_t>(text_.size());
  while (position_ < size) {
    begin = position_;
    end = begin;
    while (end < size && text_[end] != '\n')
      ++end;
    position_ = end + 1;
    ++line_;
    if (end > begin && text_[end - 1] == '\r')
      --end;
    uint32_t first = begin;
    while (first < end && is_blank(text_[first]))
      ++first;
    if (first < end && text_[first] != '#')
      return true;
  }
  return false;
}

CsvTable CsvReader::read() {
  uint32_t begin = 0;
  uint32_t end = 0;
  if (!next_line(begin, end)) {
    auto size = static_cast<uint32_t>(text_.size());
    throw Failure(Diagnostic::error(
        {size, size},
        "the file has no header; its first line names the columns, as in "
        "'x_1, x_2, t'"));
  }
  read_header(begin, end);
  uint32_t header_end = end;
  while (next_line(begin, end))
    read_row(begin, end);
  if (table_.row_count() == 0) {
    throw Failure(Diagnostic::error(
        {header_end, header_end},
        "the header names the columns, but no rows of numbers follow it"));
  }
  return std::move(table_);
}

void CsvReader::read_header(uint32_t begin, uint32_t end) {
  for (const Cell& cell : split(text_, begin, end)) {
    if (cell.text.empty()) {
      throw Failure(Diagnostic::error(
          cell.span, "empty column name; each column names a leaf"));
    }
    if (!is_name(cell.text)) {
      bool separator = cell.text.find_first_of(";\t") != std::string::npos;
      std::string hint = separator ? "separate the columns with ','"
                                   : "a column names a leaf, as in 'x_1'";
      throw Failure(Diagnostic::error(
          cell.span,
          fmt::format("'{}' is not a column name; {}", cell.text, hint)));
    }
    for (size_t i = 0; i < table_.columns.size(); ++i) {
      if (table_.columns[i] == cell.text) {
        Diagnostic error = Diagnostic::error(
            cell.span, fmt::format("column '{}' named twice", cell.text));
        error.with_note(
            Diagnostic::note(table_.column_spans[i], "first named here"));
        throw Failure(error);
      }
    }
    table_.columns.push_back(cell.text);
    table_.column_spans.push_back(cell.span);
  }
}

// "1 cell", "2 cells".
std::string counted(size_t count, std::string_view noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

void CsvReader::read_row(uint32_t begin, uint32_t end) {
  std::vector<Cell> cells = split(text_, begin, end);
  const size_t width = table_.column_count();
  if (cells.size() < width) {
    throw Failure(Diagnostic::error(
        {end, end},
        fmt::format("the header names {}, but this row has {}; the value "
                    "of '{}' is missing",
                    counted(width, "column"), counted(cells.size(), "cell"),
                    column(cells.size()))));
  }
  if (cells.size() > width) {
    Span extra = cells[width].span;
    extra.end = end;
    throw Failure(Diagnostic::error(
        extra,
        fmt::format("the header names {}, but this row has {}",
                    counted(width, "column"), counted(cells.size(), "cell"))));
  }
  std::vector<double> numbers;
  numbers.reserve(width);
  for (size_t i = 0; i < width; ++i)
    numbers.push_back(read_cell(cells[i], i));
  table_.add_row(line_, numbers);
}

double CsvReader::read_cell(const Cell& cell, size_t index) const {
  if (cell.text.empty()) {
    throw Failure(Diagnostic::error(
        cell.span, fmt::format("missing value of '{}'", column(index))));
  }
  std::optional<double> number = parse_cell(cell.text);
  if (!number) {
    throw Failure(Diagnostic::error(
        cell.span, fmt::format("expected a number for '{}' but found '{}'",
                               column(index), cell.text)));
  }
  if (!std::isfinite(*number)) {
    throw Failure(Diagnostic::error(
        cell.span,
        fmt::format("expected a finite number for '{}' but found '{}'",
                    column(index), cell.text)));
  }
  return *number;
}

}  // namespace

void CsvTable::add_row(uint32_t line, const std::vector<double>& cells) {
  cells_.insert(cells_.end(), cells.begin(), cells.end());
  row_lines_.push_back(line);
}

CsvTable parse_csv(std::shared_ptr<const SourceFile> source) {
  return CsvReader(std::move(source)).read();
}

std::string row_place(const CsvTable& table, size_t row) {
  return fmt::format("{}:{}", table.source->path(), table.line(row));
}

}  // namespace backprop
