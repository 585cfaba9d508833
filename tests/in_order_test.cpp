// Tests of render_in_order() and in_parallel(): text made by two threads
// comes out whole and in order, and an exception from either thread reaches
// the caller without a hang.
#include "backprop/in_order.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

namespace backprop {
namespace {

std::vector<size_t> bounds_of(size_t chunks, size_t items_per_chunk) {
  std::vector<size_t> bounds{0};
  for (size_t k = 1; k <= chunks; ++k)
    bounds.push_back(k * items_per_chunk - (k % 3 == 0 ? 1 : 0));
  return bounds;
}

TEST(InOrderTest, EmitsEveryChunkOnceAndInOrder) {
  for (size_t chunks : {0, 1, 3, 4, 5, 101}) {
    const std::vector<size_t> bounds = bounds_of(chunks, 7);
    std::string expected;
    for (size_t i = 0; i < bounds.back(); ++i)
      expected += std::to_string(i) + ";";
    std::string emitted;
    std::vector<size_t> order;
    render_in_order(
        bounds,
        [](size_t begin, size_t end, TextBuffer& out) {
          for (size_t i = begin; i < end; ++i)
            out += std::to_string(i) + ";";
        },
        [&](size_t chunk, const TextBuffer& text) {
          order.push_back(chunk);
          emitted += text.view();
        });
    EXPECT_EQ(emitted, expected) << chunks;
    ASSERT_EQ(order.size(), chunks);
    for (size_t k = 0; k < order.size(); ++k)
      EXPECT_EQ(order[k], k);
  }
}

// Chunk 5 is the second thread's, chunk 6 this thread's.
TEST(InOrderTest, AnExceptionFromEitherThreadReachesTheCaller) {
  const std::vector<size_t> bounds = bounds_of(40, 4);
  for (size_t failing : {bounds[5], bounds[6]}) {
    std::atomic<int> emitted = 0;
    EXPECT_THROW(render_in_order(
                     bounds,
                     [&](size_t begin, size_t, TextBuffer& out) {
                       if (begin == failing)
                         throw std::runtime_error("failed");
                       out += "x";
                     },
                     [&](size_t, const TextBuffer&) { ++emitted; }),
                 std::runtime_error);
    EXPECT_LT(emitted, 40);
  }
}

TEST(InOrderTest, InParallelRunsBothAndPassesOnAnException) {
  int first = 0;
  int second = 0;
  in_parallel([&] { first = 1; }, [&] { second = 2; });
  EXPECT_EQ(first + second, 3);
  EXPECT_THROW(in_parallel([] {}, [] { throw std::runtime_error("second"); }),
               std::runtime_error);
  EXPECT_THROW(in_parallel([] { throw std::runtime_error("first"); }, [] {}),
               std::runtime_error);
}

}  // namespace
}  // namespace backprop
