// The shortest text of a double, by exact integer arithmetic: the interval
// of reals that read back as the double, scaled by a power of ten until it
// holds a few integers, then the integer in it with the most trailing
// zeros, and among those the one closest to the double.
#include "backprop/shortest.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace backprop {
namespace {

__extension__ typedef unsigned __int128 Uint128;

template <size_t N>
constexpr std::array<uint64_t, N> powers_of(uint64_t base) {
  std::array<uint64_t, N> powers{};
  uint64_t power = 1;
  for (uint64_t& entry : powers) {
    entry = power;
    power *= base;
  }
  return powers;
}

constexpr std::array<uint64_t, 20> kPowersOfTen = powers_of<20>(10);
constexpr std::array<uint64_t, 28> kPowersOfFive = powers_of<28>(5);

// The shortest decimal digits × 10^exponent that reads back as a positive
// `value`, if `value` lies in the range this handles.
bool shortest_decimal(double value, uint64_t& digits, int& exponent) {
  const auto bits = std::bit_cast<uint64_t>(value);
  const auto biased = static_cast<int>(bits >> 52);
  const uint64_t fraction = bits & ((uint64_t{1} << 52) - 1);
  const uint64_t m = fraction | uint64_t{1} << 52;
  const int e = biased - 1075;  // value = m × 2^e

  // A whole number below 1e15 is its own shortest form: its neighbours are
  // within an eighth, and no other decimal of as few digits is that close.
  // Gradients of 1 are common. It is whole when the bits of m below the
  // binary point are zero.
  if (e >= -52 && e < 0 && (m & ((uint64_t{1} << -e) - 1)) == 0 &&
      value < 1e15) {
    digits = m >> -e;
    exponent = 0;
    while (digits % 10 == 0) {
      digits /= 10;
      ++exponent;
    }
    return true;
  }
  // Below, 5^k must fit in 64 bits and the scaled value in 64 bits too.
  if (biased == 0 || e < -83 || e > -1)
    return false;

  // The reals that read back as `value`, in units of 2^(e-2): from 4m - 2
  // to 4m + 2, except that below a power of two the gap is half as wide.
  // Round-half-even reading takes the bounds themselves when m is even.
  const uint64_t middle = 4 * m;
  const uint64_t upper = middle + 2;
  const uint64_t lower = middle - (fraction == 0 && biased > 1 ? 1 : 2);
  const bool bounds_read_back = m % 2 == 0;

  // Times 10^k, the least power with 2^e·10^k > 4: the interval then holds
  // at least two integers. 78913 / 2^18 is log10 2 close enough to floor
  // (2 - e)·log10 2 exactly for every e here.
  const int k = ((2 - e) * 78913 >> 18) + 1;
  // X × 2^(e-2) × 10^k = X × 5^k / 2^shift, where the shift is about
  // 0.7 × (2 - e), at most 59 for the e above: the part below the unit
  // lies in the low 64 bits.
  const int shift = 2 - e - k;
  if (shift < 1 || shift > 63)
    return false;
  const uint64_t five = kPowersOfFive[static_cast<size_t>(k)];
  const Uint128 low = Uint128{lower} * five;
  const Uint128 mid = Uint128{middle} * five;
  const Uint128 high = Uint128{upper} * five;
  const uint64_t below_unit = (uint64_t{1} << shift) - 1;
  auto units = [shift](Uint128 scaled) {
    return static_cast<uint64_t>(scaled >> 64) << (64 - shift) |
           static_cast<uint64_t>(scaled) >> shift;
  };
  auto has_part = [below_unit](Uint128 scaled) {
    return (static_cast<uint64_t>(scaled) & below_unit) != 0;
  };

  // The integers that read back: [first, last].
  uint64_t first = units(low);
  if (has_part(low) || !bounds_read_back)
    ++first;
  uint64_t last = units(high);
  if (!has_part(high) && !bounds_read_back)
    --last;

  // Drops trailing digits while some integer that reads back ends in that
  // many zeros, four at a time while it can (a short result such as 1 drops
  // sixteen): [first, last] becomes the range of such integers over 10^n,
  // and the scaled value is divided the same way.
  const uint64_t whole = units(mid);
  uint64_t result = whole;
  int dropped = 0;
  while ((first + 9999) / 10000 <= last / 10000) {
    first = (first + 9999) / 10000;
    last /= 10000;
    result /= 10000;
    dropped += 4;
  }
  while ((first + 9) / 10 <= last / 10) {
    first = (first + 9) / 10;
    last /= 10;
    result /= 10;
    ++dropped;
  }

  // Rounded to the nearest, ties to even, then kept within the range. What
  // was dropped is the remainder of the digits and the fraction `part`.
  const uint64_t part = static_cast<uint64_t>(mid) & below_unit;
  bool up = false;
  if (dropped == 0) {
    const uint64_t half = (below_unit >> 1) + 1;
    up = part > half || (part == half && result % 2 == 1);
  } else {
    const uint64_t remainder =
        whole - result * kPowersOfTen[static_cast<size_t>(dropped)];
    const uint64_t half = kPowersOfTen[static_cast<size_t>(dropped)] / 2;
    up = remainder > half ||
         (remainder == half && (part != 0 || result % 2 == 1));
  }
  result = std::clamp(result + (up ? 1 : 0), first, last);

  exponent = dropped - k;
  while (result % 10 == 0) {
    result /= 10;
    ++exponent;
  }
  digits = result;
  return true;
}

// Writes the eight decimal digits of `value`, below 10^8, leading zeros
// included, at out[0, 8), all from a few multiplications of one 64-bit
// word: the value splits into two numbers of four digits in 32-bit lanes,
// each of those into two of two digits in 16-bit lanes, and each of those
// into two digits in bytes. A lane divides by a multiplication and a shift
// (x * 10486 >> 20 is x / 100 for x below 10^4, x * 103 >> 10 is x / 10
// for x below 100); no lane's product reaches the next lane, and the masks
// drop what the shifts bring down from it.
void write_eight_digits(char* out, uint32_t value) {
  const uint64_t fours = value / 10000 | uint64_t{value % 10000} << 32;
  const uint64_t upper_twos = (fours * 10486 >> 20) & 0x0000007F0000007F;
  const uint64_t twos = upper_twos | (fours - 100 * upper_twos) << 16;
  const uint64_t tens = (twos * 103 >> 10) & 0x000F000F000F000F;
  const uint64_t digits = (tens | (twos - 10 * tens) << 8) + 0x3030303030303030;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, &digits, sizeof digits);
  } else {
    for (int i = 0; i < 8; ++i)
      out[i] = static_cast<char>(digits >> (8 * i));
  }
}

// How many bytes lay_out() may read from the first digit.
constexpr int kDigitsRead = 32;

// The digits of a decimal, ready for lay_out(): `count` of them, starting
// at `first`, at most kDigitsEnd bytes into `buffer`, which holds
// kDigitsRead bytes from any digit.
constexpr int kDigitsEnd = 24;
struct Digits {
  char buffer[kDigitsEnd + kDigitsRead] = {};
  const char* first = nullptr;
  int count = 0;
};

// The digits of `value` (at least 1 and below 10^17), eight at a time
// from the right.
void find_digits(uint64_t value, Digits& digits) {
  // floor(log10 value) is about bit_width × log10 2, and 1233 / 4096 is
  // close enough to log10 2 to be exact or one too many below 2^64.
  const int guess = std::bit_width(value) * 1233 >> 12;
  digits.count = guess + (value >= kPowersOfTen[static_cast<size_t>(guess)]);
  char* end = digits.buffer + kDigitsEnd;
  while (value >= 100'000'000) {
    end -= 8;
    write_eight_digits(end, static_cast<uint32_t>(value % 100'000'000));
    value /= 100'000'000;
  }
  write_eight_digits(end - 8, static_cast<uint32_t>(value));
  digits.first = digits.buffer + kDigitsEnd - digits.count;
}

// How a decimal is laid out: as std::to_chars does (fixed or scientific,
// whichever is shorter, fixed on a tie), or as fmt's "{}" does (fixed for
// exponents from -4 to 15, else scientific).
enum class Layout { Shortest, General };

// write_decimal() for digits that may be read kDigitsRead bytes past their
// start, in either layout. Each part of the text is copied in one
// fixed-size move, which writes past the part, but not past kShortestRoom,
// before the next part writes over the excess.
char* lay_out(char* out, const char* digits, int count, int exponent,
              bool negative, Layout layout) {
  const int magnitude = std::abs(exponent);
  const int integer_digits = exponent + 1;
  bool fixed = exponent >= -4 && exponent < 16;
  if (layout == Layout::Shortest) {
    const int scientific = count + (count > 1) + 2 + (magnitude >= 100 ? 3 : 2);
    const int fixed_size = exponent < 0 ? 1 - exponent + count
                                        : std::max(count, integer_digits) +
                                              (count > integer_digits ? 1 : 0);
    fixed = fixed_size <= scientific;
    if (fixed && integer_digits > 15)
      return nullptr;
  }
  if (negative)
    *out++ = '-';
  // Either layout bounds the fixed forms' zeros after the point to six and
  // their integers to 16 digits, and so their parts to the sizes these
  // moves copy.
  if (fixed && exponent < 0) {  // 0.00ddd
    std::memcpy(out, "0.000000", 8);
    out += 1 - exponent;
    std::memcpy(out, digits, 24);
    return out + count;
  }
  if (fixed && count <= integer_digits) {  // ddd00
    std::memcpy(out, digits, 16);
    std::memcpy(out + count, "0000000000000000", 16);
    return out + integer_digits;
  }
  if (fixed) {  // dd.ddd
    std::memcpy(out, digits, 16);
    out[integer_digits] = '.';
    std::memcpy(out + integer_digits + 1, digits + integer_digits, 16);
    return out + count + 1;
  }
  *out++ = digits[0];  // d.ddde+XX
  if (count > 1) {
    *out++ = '.';
    std::memcpy(out, digits + 1, 16);
    out += count - 1;
  }
  *out++ = 'e';
  *out++ = exponent < 0 ? '-' : '+';
  if (magnitude >= 100)
    *out++ = static_cast<char>('0' + magnitude / 100);
  *out++ = static_cast<char>('0' + magnitude / 10 % 10);
  *out++ = static_cast<char>('0' + magnitude % 10);
  return out;
}

// The shortest digits of a finite, nonzero `value`, laid out; nullptr
// where they are not found here or the layout cannot use them.
char* write_digits(char* out, double value, Layout layout) {
  uint64_t decimal = 0;
  int exponent = 0;
  if (!shortest_decimal(std::fabs(value), decimal, exponent))
    return nullptr;
  Digits digits;
  find_digits(decimal, digits);
  return lay_out(out, digits.first, digits.count, exponent + digits.count - 1,
                 value < 0, layout);
}

}  // namespace

char* write_decimal(char* out, const char* digits, int count, int exponent,
                    bool negative) {
  Digits padded;
  std::copy_n(digits, count, padded.buffer);
  return lay_out(out, padded.buffer, count, exponent, negative,
                 Layout::Shortest);
}

char* write_shortest(char* out, double value) {
  // Zero is the commonest gradient after 1: every node behind a relu that
  // is off, or a max that took the other side.
  if (value == 0) {
    if (std::signbit(value))
      *out++ = '-';
    *out++ = '0';
    return out;
  }
  char* written = write_digits(out, value, Layout::Shortest);
  return written != nullptr
             ? written
             : std::to_chars(out, out + kShortestRoom, value).ptr;
}

char* write_general(char* out, double value) {
  char* written =
      value != 0 ? write_digits(out, value, Layout::General) : nullptr;
  return written != nullptr ? written
                            : fmt::format_to(out, FMT_COMPILE("{}"), value);
}

}  // namespace backprop
