// Tests of write_shortest() and write_general(): byte for byte what
// std::to_chars and fmt's "{}" write.
#include "backprop/shortest.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace backprop {
namespace {

std::string shortest(double value) {
  char text[kShortestRoom];
  return {text, write_shortest(text, value)};
}

std::string standard(double value) {
  char text[64];
  return {text, std::to_chars(text, text + sizeof text, value).ptr};
}

std::string general(double value) {
  char text[kShortestRoom];
  return {text, write_general(text, value)};
}

// Random bit patterns cover every exponent, most outside the fast range.
TEST(ShortestTest, AgreesWithToCharsAndFmtOnRandomBits) {
  std::mt19937_64 random(1);
  for (int i = 0; i < 1'000'000; ++i) {
    const auto value = std::bit_cast<double>(random());
    if (!std::isfinite(value))
      continue;
    ASSERT_EQ(shortest(value), standard(value))
        << std::bit_cast<uint64_t>(value);
    ASSERT_EQ(general(value), fmt::format("{}", value))
        << std::bit_cast<uint64_t>(value);
  }
}

// Values of the fast range, as traces hold them: every binary exponent
// it covers, with random, small and power-of-two significands.
TEST(ShortestTest, AgreesWithToCharsAndFmtAcrossTheFastRange) {
  std::mt19937_64 random(2);
  for (int exponent = -40; exponent <= 54; ++exponent) {
    for (int i = 0; i < 20000; ++i) {
      const uint64_t significand =
          i < 64 ? (uint64_t{1} << 52) + static_cast<uint64_t>(i) - 32
                 : (uint64_t{1} << 52) | (random() >> 12);
      const double value =
          std::ldexp(static_cast<double>(significand), exponent - 52);
      ASSERT_EQ(shortest(value), standard(value)) << value;
      ASSERT_EQ(shortest(-value), standard(-value)) << value;
      ASSERT_EQ(general(value), fmt::format("{}", value)) << value;
      ASSERT_EQ(general(-value), fmt::format("{}", -value)) << value;
    }
  }
}

// Decimals a person writes, their neighbours, whole numbers and the edges.
TEST(ShortestTest, AgreesWithToCharsAndFmtOnDecimalsAndWholeNumbers) {
  std::mt19937_64 random(3);
  for (int i = 0; i < 200000; ++i) {
    const double decimal = static_cast<double>(random() % 100000000) /
                           std::pow(10.0, static_cast<double>(random() % 12));
    for (double value : {decimal, std::nextafter(decimal, 0.0),
                         std::nextafter(decimal, 1e300)}) {
      ASSERT_EQ(shortest(value), standard(value)) << value;
      ASSERT_EQ(general(value), fmt::format("{}", value)) << value;
    }
    const auto whole = static_cast<double>(random() >> (random() % 64));
    ASSERT_EQ(shortest(whole), standard(whole)) << whole;
    ASSERT_EQ(general(whole), fmt::format("{}", whole)) << whole;
  }
  for (double value : {0.0,
                       -0.0,
                       1.0,
                       0.1,
                       0.3,
                       1e15,
                       1e16,
                       4.5e15,
                       9007199254740992.0,
                       5e-324,
                       std::numeric_limits<double>::min(),
                       std::numeric_limits<double>::max(),
                       1e-10,
                       4.6e-10,
                       123456.0,
                       1e5,
                       1e-4,
                       1.25e-4,
                       9.99e-5,
                       1.5e15,
                       1234567890123456.0,
                       1e17}) {
    EXPECT_EQ(shortest(value), standard(value)) << value;
    EXPECT_EQ(general(value), fmt::format("{}", value)) << value;
    EXPECT_EQ(general(-value), fmt::format("{}", -value)) << value;
  }
}

}  // namespace
}  // namespace backprop
