// Tables of numbers in CSV files: the training data.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backprop/source.hpp"

namespace backprop {

/// A table read from a CSV file: a header that names the columns, then rows
/// of finite numbers, every row as wide as the header.
class CsvTable {
 public:
  std::shared_ptr<const SourceFile> source;
  std::vector<std::string_view> columns;  // views into the source text
  std::vector<Span> column_spans;         // each name's place in the header

  size_t row_count() const { return row_lines_.size(); }
  size_t column_count() const { return columns.size(); }
  double at(size_t row, size_t column) const {
    return cells_[row * columns.size() + column];
  }
  /// The 1-based line of the file that holds a row, as a message names it.
  uint32_t line(size_t row) const { return row_lines_[row]; }

  /// Adds a row of `column_count()` numbers read from `line`.
  void add_row(uint32_t line, const std::vector<double>& cells);

 private:
  std::vector<double> cells_;  // row after row
  std::vector<uint32_t> row_lines_;
};

/// Reads CSV text: cells separated by ',', spaces and tabs around a cell
/// ignored, lines that are empty or start with '#' skipped. The first other
/// line is the header; each of its cells must be a name (a letter or '_',
/// then letters, digits and '_'), and no name may appear twice. Every later
/// line is a row of numbers, one per column.
///
/// Throws Failure with a diagnostic at the offending spot of `source`: an
/// empty file, a header cell that is not a name or repeats one (with a note
/// at the first), a row with too few or too many cells, an empty cell, a
/// cell that is not a number or not finite, and a header without rows.
CsvTable parse_csv(std::shared_ptr<const SourceFile> source);

/// `file:line`, the place of a row as a message names it.
std::string row_place(const CsvTable& table, size_t row);

}  // namespace backprop
