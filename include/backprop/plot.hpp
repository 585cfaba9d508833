// Loss curves: drawn with characters for a terminal, or as an SVG plot.
#pragma once

#include <span>
#include <string>

#include "backprop/sink.hpp"
#include "backprop/spelling.hpp"

namespace backprop {

struct CurveOptions {
  Style style = Style::Unicode;  // or Style::Ascii; Latex draws as Ascii
  int precision = 3;             // significant digits of the axis labels
  size_t width = 60;             // columns of the plotting area
  size_t height = 12;            // rows of the plotting area
};

/// The loss by epoch (losses[0] is epoch 1) drawn with characters: one
/// mark per column, a column's gap to the one before filled so the curve
/// reads as a line, the y axis labelled with the highest, middle and lowest
/// value, and the x axis with the first and last epoch. Empty when there
/// are no losses.
std::string draw_curve(std::span<const double> losses,
                       const CurveOptions& options);

struct SvgPlotOptions {
  std::string title;
  std::string x_label = "epoch";
  std::string y_label = "mean loss";
};

/// Writes a whole SVG document: the loss by epoch as a line, with axes,
/// tick marks at round numbers, their values, the axis labels and the
/// title; a single loss is drawn as a dot. The losses must be finite.
void write_svg_plot(std::span<const double> losses,
                    const SvgPlotOptions& options, Sink& out);

}  // namespace backprop
