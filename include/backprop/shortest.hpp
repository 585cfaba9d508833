// The shortest text that reads back as a double, faster than the standard
// library writes it for the values a trace is made of.
#pragma once

#include <cstddef>

namespace backprop {

/// The room write_shortest(), write_general() and write_decimal() need at
/// `out`. They may write anywhere in it, past the end of the text they return.
inline constexpr size_t kShortestRoom = 40;

/// Writes a finite `value` at `out` exactly as std::to_chars(out, end,
/// value) does: the fewest significant digits that read back as the same
/// double, the closest such (ties to even), laid out fixed or scientific,
/// whichever is shorter. Returns the end of what it wrote. Values from
/// about 5e-10 to 4.5e15 in magnitude, most of any trace, are found with
/// exact 128-bit integer arithmetic in a few hundred instructions; the rest
/// are handed to std::to_chars.
char* write_shortest(char* out, double value);

/// Writes a finite `value` at `out` exactly as fmt::format("{}", value)
/// does: the same shortest digits as write_shortest(), laid out fixed for
/// exponents from -4 to 15 and scientific outside them. Returns the end of
/// what it wrote.
char* write_general(char* out, double value);

/// Writes the decimal digits[0, count), at most 17, times ten to the power
/// `exponent` (the first digit before the point), the shortest form of some
/// double, as std::to_chars lays such a form out: fixed or scientific,
/// whichever is shorter, fixed on a tie. Returns nullptr, having written
/// nothing, where to_chars would write a fixed integer of 16 digits or
/// more, which it spells exactly rather than as these digits and zeros.
char* write_decimal(char* out, const char* digits, int count, int exponent,
                    bool negative);

}  // namespace backprop
