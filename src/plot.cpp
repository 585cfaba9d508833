// Loss curves for a terminal and for a page.
#include "backprop/plot.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace backprop {
namespace {

struct Range {
  double low;
  double high;
};

Range range_of(std::span<const double> values) {
  auto [low, high] = std::minmax_element(values.begin(), values.end());
  return {*low, *high};
}

// The loss shown in each of `columns` columns: evenly spaced epochs, the
// first and the last included.
std::vector<double> sample(std::span<const double> losses, size_t columns) {
  std::vector<double> shown;
  const size_t last = losses.size() - 1;
  for (size_t column = 0; column < columns; ++column) {
    size_t epoch =
        columns == 1 ? 0 : (column * last + (columns - 1) / 2) / (columns - 1);
    shown.push_back(losses[epoch]);
  }
  return shown;
}

// The characters of the drawing, in Unicode or ASCII.
struct Pen {
  std::string_view mark, axis, tick, corner, rule;
};

Pen pen(Style style) {
  if (style == Style::Unicode)
    return {"\u2022", "\u2502", "\u2524", "\u2514", "\u2500"};
  return {"*", "|", "+", "+", "-"};
}

std::string pad_left(const std::string& text, size_t width) {
  size_t shown = display_width(text);
  return shown >= width ? text : std::string(width - shown, ' ') + text;
}

std::string repeat(std::string_view text, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i)
    out += text;
  return out;
}

// The x axis's labels: the first epoch at the left, the last at the right,
// and "epoch" between them where it fits.
std::string epoch_labels(size_t epochs, size_t width) {
  std::string line(width, ' ');
  std::string last = std::to_string(epochs);
  line.replace(0, 1, "1");
  if (epochs > 1 && last.size() + 2 <= width)
    line.replace(width - last.size(), last.size(), last);
  const std::string word = "epoch";
  size_t at = (width - std::min(width, word.size())) / 2;
  if (at > 2 && at + word.size() + last.size() + 1 < width)
    line.replace(at, word.size(), word);
  while (!line.empty() && line.back() == ' ')
    line.pop_back();
  return line;
}

// Round steps for an axis from `low` to `high`: 1, 2 or 5 times a power of
// ten, about `count` of them.
struct Ticks {
  double first;
  double step;
  size_t count;  // the ticks are first + i * step for i < count
  double last() const { return first + step * static_cast<double>(count - 1); }
};

Ticks round_ticks(double low, double high, double count) {
  if (!(high > low)) {
    double half = std::max(std::abs(low) * 0.1, 1e-9);
    low -= half;
    high += half;
  }
  double raw = (high - low) / count;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude * 10;
  for (double factor : {1.0, 2.0, 5.0}) {
    if (magnitude * factor >= raw) {
      step = magnitude * factor;
      break;
    }
  }
  double first = std::floor(low / step) * step;
  double last = std::ceil(high / step) * step;
  auto steps = static_cast<size_t>(std::llround((last - first) / step));
  return {first, step, steps + 1};
}

// A tick's value as written: short, without the noise of 0.1 + 0.2.
std::string tick_label(double value, double step) {
  if (std::abs(value) < step * 1e-9)
    return "0";
  return fmt::format("{:.6g}", value);
}

std::string escape_xml(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// The marks of the curve, [row][column], row 0 at the top: each column's
// loss, and the rows between it and the column before, so that a steep
// drop reads as a line.
using Marks = std::vector<std::vector<bool>>;

Marks place_marks(const std::vector<double>& shown, Range range,
                  size_t height) {
  const double span = range.high - range.low;
  auto row_of = [&](double value) -> size_t {
    if (!(span > 0))
      return height / 2;
    double from_top = (range.high - value) / span;
    return static_cast<size_t>(
        std::lround(from_top * static_cast<double>(height - 1)));
  };
  Marks marks(height, std::vector<bool>(shown.size(), false));
  for (size_t column = 0; column < shown.size(); ++column) {
    size_t row = row_of(shown[column]);
    size_t before = column == 0 ? row : row_of(shown[column - 1]);
    size_t top = std::min(row, before);
    size_t bottom = std::max(row, before);
    for (size_t r = top; r <= bottom; ++r)
      marks[r][column] = r == row || r != before;
  }
  return marks;
}

}  // namespace

std::string draw_curve(std::span<const double> losses,
                       const CurveOptions& options) {
  if (losses.empty())
    return "";
  const size_t width = std::clamp<size_t>(options.width, 1, losses.size());
  const size_t height = std::max<size_t>(options.height, 3);
  const Range range = range_of(losses);
  const Marks marks = place_marks(sample(losses, width), range, height);
  const Pen lines = pen(options.style);

  // The labelled rows: the top, the middle and the bottom.
  const size_t middle = (height - 1) / 2;
  auto label = [&](size_t row) {
    double fraction =
        static_cast<double>(row) / static_cast<double>(height - 1);
    double value = range.high - fraction * (range.high - range.low);
    return spell_value(value, options.precision, options.style);
  };
  size_t label_width = 0;
  for (size_t row : {size_t{0}, middle, height - 1})
    label_width = std::max(label_width, display_width(label(row)));

  std::string out;
  for (size_t row = 0; row < height; ++row) {
    bool labelled = row == 0 || row == middle || row == height - 1;
    std::string text = labelled ? label(row) : "";
    std::string line = "  " + pad_left(text, label_width) + " " +
                       std::string(labelled ? lines.tick : lines.axis);
    for (size_t column = 0; column < width; ++column)
      line += marks[row][column] ? lines.mark : " ";
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line + "\n";
  }
  std::string indent(2 + label_width + 1, ' ');
  out += indent + std::string(lines.corner) + repeat(lines.rule, width) + "\n";
  out += indent + " " + epoch_labels(losses.size(), width) + "\n";
  return out;
}

void write_svg_plot(std::span<const double> losses,
                    const SvgPlotOptions& options, Sink& out) {
  constexpr double kWidth = 640, kHeight = 400;
  constexpr double kLeft = 80, kRight = 24, kTop = 44, kBottom = 56;
  const size_t epochs = std::max<size_t>(losses.size(), 1);
  Ticks x_ticks =
      round_ticks(1, static_cast<double>(std::max<size_t>(epochs, 2)), 6);
  x_ticks.step = std::max(x_ticks.step, 1.0);
  Range range = losses.empty() ? Range{0, 1} : range_of(losses);
  Ticks y_ticks = round_ticks(range.low, range.high, 5);

  auto x_of = [&](double epoch) {
    double fraction =
        (epoch - x_ticks.first) / (x_ticks.last() - x_ticks.first);
    return kLeft + fraction * (kWidth - kLeft - kRight);
  };
  auto y_of = [&](double value) {
    double fraction =
        (value - y_ticks.first) / (y_ticks.last() - y_ticks.first);
    return kHeight - kBottom - fraction * (kHeight - kTop - kBottom);
  };

  out.print(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n",
      kWidth, kHeight);
  out.print("<rect width=\"{}\" height=\"{}\" fill=\"white\"/>\n", kWidth,
            kHeight);
  out.print(
      "<text x=\"{}\" y=\"24\" text-anchor=\"middle\" "
      "font-size=\"14\">{}</text>\n",
      kWidth / 2, escape_xml(options.title));

  const double x_axis = kHeight - kBottom;
  out.print("<g stroke=\"#dddddd\">\n");
  for (size_t i = 0; i < y_ticks.count; ++i) {
    double y = y_of(y_ticks.first + y_ticks.step * static_cast<double>(i));
    out.print("<line x1=\"{}\" y1=\"{:.2f}\" x2=\"{}\" y2=\"{:.2f}\"/>\n",
              kLeft, y, kWidth - kRight, y);
  }
  out.print("</g>\n<g stroke=\"black\">\n");
  out.print("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n", kLeft,
            kTop, x_axis);
  out.print("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>\n", kLeft,
            x_axis, kWidth - kRight);
  for (size_t i = 0; i < x_ticks.count; ++i) {
    double x = x_of(x_ticks.first + x_ticks.step * static_cast<double>(i));
    out.print("<line x1=\"{0:.2f}\" y1=\"{1}\" x2=\"{0:.2f}\" y2=\"{2}\"/>\n",
              x, x_axis, x_axis + 5);
  }
  for (size_t i = 0; i < y_ticks.count; ++i) {
    double y = y_of(y_ticks.first + y_ticks.step * static_cast<double>(i));
    out.print("<line x1=\"{0}\" y1=\"{1:.2f}\" x2=\"{2}\" y2=\"{1:.2f}\"/>\n",
              kLeft - 5, y, kLeft);
  }
  out.print("</g>\n");

  for (size_t i = 0; i < x_ticks.count; ++i) {
    double value = x_ticks.first + x_ticks.step * static_cast<double>(i);
    out.print("<text x=\"{:.2f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
              x_of(value), x_axis + 20, tick_label(value, x_ticks.step));
  }
  for (size_t i = 0; i < y_ticks.count; ++i) {
    double value = y_ticks.first + y_ticks.step * static_cast<double>(i);
    out.print(
        "<text x=\"{}\" y=\"{:.2f}\" text-anchor=\"end\" "
        "dominant-baseline=\"middle\">{}</text>\n",
        kLeft - 9, y_of(value), tick_label(value, y_ticks.step));
  }
  out.print("<text x=\"{:.2f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            (kLeft + kWidth - kRight) / 2, kHeight - 14,
            escape_xml(options.x_label));
  out.print(
      "<text transform=\"translate(18 {:.2f}) rotate(-90)\" "
      "text-anchor=\"middle\">{}</text>\n",
      (kTop + x_axis) / 2, escape_xml(options.y_label));

  // At most two points per horizontal pixel: a long run stays a small file.
  const size_t points = std::min<size_t>(losses.size(), 1200);
  out.print(
      "<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\" "
      "points=\"");
  for (size_t i = 0; i < points; ++i) {
    size_t epoch = points == 1 ? 0 : i * (losses.size() - 1) / (points - 1);
    out.print("{}{:.2f},{:.2f}", i == 0 ? "" : " ",
              x_of(static_cast<double>(epoch + 1)), y_of(losses[epoch]));
  }
  out.print("\"/>\n");
  if (losses.size() == 1) {
    out.print(
        "<circle cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"4\" fill=\"#1f5fa8\"/>\n",
        x_of(1), y_of(losses[0]));
  }
  out.print("</svg>\n");
}

}  // namespace backprop
