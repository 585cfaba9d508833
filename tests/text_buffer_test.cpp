// Tests of TextBuffer, the renderers' growable text.
#include "backprop/text_buffer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace backprop {
namespace {

// Every size the short copies treat apart (0, 1 to 3, 4 to 7, 8 to 16,
// more), at every offset, as std::string appends them.
TEST(TextBufferTest, AppendsLikeAString) {
  const std::string source = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH";
  TextBuffer buffer;
  std::string expected;
  for (size_t size = 0; size <= 40; ++size) {
    for (size_t offset = 0; offset + size <= source.size(); offset += 3) {
      buffer.append(source.data() + offset, size);
      expected.append(source, offset, size);
      buffer += '|';
      expected += '|';
    }
  }
  EXPECT_EQ(buffer.view(), expected);
}

TEST(TextBufferTest, RoomKeepsWhatWasWrittenAcrossGrowth) {
  TextBuffer buffer;
  std::string expected;
  for (int i = 0; i < 5000; ++i) {
    const std::string piece = std::to_string(i) + ",";
    char* out = buffer.room(64);  // more than the piece: only its end counts
    piece.copy(out, piece.size());
    buffer.commit(out + piece.size());
    expected += piece;
  }
  EXPECT_EQ(buffer.view(), expected);
  buffer.resize(4);
  EXPECT_EQ(buffer.view(), "0,1,");
  buffer.clear();
  EXPECT_TRUE(buffer.empty());
}

TEST(TextBufferTest, SwapExchangesContents) {
  TextBuffer first;
  TextBuffer second;
  first += "one";
  second += "two, three";
  first.swap(second);
  EXPECT_EQ(first.view(), "two, three");
  EXPECT_EQ(second.view(), "one");
}

}  // namespace
}  // namespace backprop
