// The shortest text of a double, by exact integer arithmetic: the interval
// of reals that read back as the double, scaled by a power of ten until it
// holds a few integers, then the integer in it with the most trailing
// zeros, and among those the one closest to the double.
#include "backprop/shortest.hpp"

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
  // A whole number below 1e15 is its own shortest form: its neighbours are
  // within an eighth, and no other decimal of as few digits is that close.
  // Gradients of 1 are common.
  if (value < 1e15 && value == std::trunc(value)) {
    digits = static_cast<uint64_t>(value);
    exponent = 0;
    while (digits % 10 == 0) {
      digits /= 10;
      ++exponent;
    }
    return true;
  }
  const auto bits = std::bit_cast<uint64_t>(value);
  const auto biased = static_cast<int>(bits >> 52);
  const uint64_t fraction = bits & ((uint64_t{1} << 52) - 1);
  const uint64_t m = fraction | uint64_t{1} << 52;
  const int e = biased - 1075;  // value = m × 2^e
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
  // X × 2^(e-2) × 10^k = X × 5^k / 2^shift.
  const int shift = 2 - e - k;
  if (shift < 1 || shift > 120)
    return false;
  const Uint128 five = kPowersOfFive[static_cast<size_t>(k)];
  const Uint128 low = lower * five;
  const Uint128 mid = middle * five;
  const Uint128 high = upper * five;
  const Uint128 below_unit = (Uint128{1} << shift) - 1;

  // The integers that read back: [first, last].
  auto first = static_cast<uint64_t>(low >> shift);
  if ((low & below_unit) != 0 || !bounds_read_back)
    ++first;
  auto last = static_cast<uint64_t>(high >> shift);
  if ((high & below_unit) == 0 && !bounds_read_back)
    --last;

  // Drops trailing digits while some integer that reads back ends in that
  // many zeros, four at a time while it can (a short result such as 1 drops
  // sixteen): [first, last] becomes the range of such integers over 10^n,
  // and the scaled value is divided the same way.
  const auto whole = static_cast<uint64_t>(mid >> shift);
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
  const Uint128 part = mid & below_unit;
  bool up = false;
  if (dropped == 0) {
    const Uint128 half = (below_unit >> 1) + 1;
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

// Writes the digits of `value` so that they end at `end`; returns where
// they begin. Two at a time from a table, in 32-bit arithmetic, which
// divides faster, once the value is split into eight-digit parts.
char* digits_ending_at(char* end, uint64_t value) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233"
      "34353637383940414243444546474849505152535455565758596061626364656667"
      "6869707172737475767778798081828384858687888990919293949596979899";
  auto pair = [&](uint32_t two_digits) {
    end -= 2;
    std::copy_n(kPairs + two_digits * 2, 2, end);
  };
  while (value >= 100'000'000) {
    auto part = static_cast<uint32_t>(value % 100'000'000);
    value /= 100'000'000;
    for (int i = 0; i < 4; ++i) {
      pair(part % 100);
      part /= 100;
    }
  }
  auto rest = static_cast<uint32_t>(value);
  while (rest >= 100) {
    pair(rest % 100);
    rest /= 100;
  }
  if (rest >= 10)
    pair(rest);
  else
    *--end = static_cast<char>('0' + rest);
  return end;
}

// Writes `count` zeros, at most eight, by one store of eight: the fixed
// layouts below are chosen only while no longer than the scientific one,
// which bounds their zeros to six, and a call to memset for so few bytes
// costs more than the bytes.
char* zeros(char* out, int count) {
  std::memcpy(out, "00000000", 8);
  return out + count;
}

}  // namespace

char* write_decimal(char* out, const char* digits, int count, int exponent,
                    bool negative) {
  const int magnitude = std::abs(exponent);
  const int scientific = count + (count > 1) + 2 + (magnitude >= 100 ? 3 : 2);
  const int integer_digits = exponent + 1;
  const int fixed = exponent < 0 ? 1 - exponent + count
                                 : std::max(count, integer_digits) +
                                       (count > integer_digits ? 1 : 0);
  if (fixed <= scientific && integer_digits > 15)
    return nullptr;
  if (negative)
    *out++ = '-';
  if (fixed <= scientific && exponent < 0) {  // 0.00ddd
    *out++ = '0';
    *out++ = '.';
    out = zeros(out, -exponent - 1);
    return std::copy_n(digits, count, out);
  }
  if (fixed <= scientific && count <= integer_digits) {  // ddd00
    out = std::copy_n(digits, count, out);
    return zeros(out, integer_digits - count);
  }
  if (fixed <= scientific) {  // dd.ddd
    out = std::copy_n(digits, integer_digits, out);
    *out++ = '.';
    return std::copy(digits + integer_digits, digits + count, out);
  }
  *out++ = digits[0];  // d.ddde+XX
  if (count > 1) {
    *out++ = '.';
    out = std::copy(digits + 1, digits + count, out);
  }
  *out++ = 'e';
  *out++ = exponent < 0 ? '-' : '+';
  if (magnitude < 10)
    *out++ = '0';
  return std::to_chars(out, out + 3, magnitude).ptr;
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
  uint64_t decimal = 0;
  int exponent = 0;
  if (shortest_decimal(std::fabs(value), decimal, exponent)) {
    char text[20];
    const char* digits = digits_ending_at(text + sizeof text, decimal);
    const auto count = static_cast<int>(text + sizeof text - digits);
    char* written =
        write_decimal(out, digits, count, exponent + count - 1, value < 0);
    if (written != nullptr)
      return written;
  }
  return std::to_chars(out, out + kShortestRoom, value).ptr;
}

}  // namespace backprop
