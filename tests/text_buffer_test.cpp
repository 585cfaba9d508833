// Tests of TextBuffer, the renderers' growable text, and of Sink, which
// writes it out, on a second thread once the output is large.
#include "backprop/text_buffer.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "backprop/sink.hpp"

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

// A buffer large enough for a direct write starts on a block, whatever
// its size was before it grew, and keeps its text as it grows.
TEST(TextBufferTest, LargeBuffersStartOnABlock) {
  TextBuffer buffer;
  std::string expected;
  while (buffer.capacity() < 4 * TextBuffer::kAlignedFrom) {
    const std::string piece = std::to_string(expected.size()) + ";";
    buffer += piece;
    expected += piece;
    if (buffer.capacity() >= TextBuffer::kAlignedFrom) {
      ASSERT_EQ(
          reinterpret_cast<uintptr_t>(buffer.data()) % TextBuffer::kAlignment,
          0u)
          << buffer.capacity();
    }
  }
  EXPECT_EQ(buffer.view(), expected);
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

std::string contents(std::FILE* file) {
  std::rewind(file);
  std::string text;
  char chunk[4096];
  size_t read = 0;
  while ((read = std::fread(chunk, 1, sizeof chunk, file)) > 0)
    text.append(chunk, read);
  return text;
}

// Megabytes pass through the writing thread in several buffers; they must
// arrive whole and in order, interleaved with what the sink writes itself.
TEST(SinkTest, WritesLargeOutputInOrder) {
  File file(std::tmpfile());
  ASSERT_NE(file, nullptr);
  std::string expected;
  {
    Sink sink(file.get());
    for (int i = 0; i < 300'000; ++i) {
      const std::string line = "line " + std::to_string(i) + "\n";
      if (i % 2 == 0) {
        sink.write(line);
      } else {
        sink.buffer() += line;
        sink.written();
      }
      expected += line;
    }
    EXPECT_TRUE(sink.flush());
    sink.write("after the flush\n");
    expected += "after the flush\n";
  }
  EXPECT_EQ(contents(file.get()), expected);
}

// A stream opened for reading refuses every write: a failure of the
// sink's own write (100 bytes), or of the writing thread's (whole buffers,
// none left for the sink), must reach flush().
TEST(SinkTest, ReportsAFailedWriteOfSmallAndLargeOutput) {
  for (size_t size : {size_t{100}, 25 * Sink::kHandOffAt}) {
    File file(std::fopen("/dev/null", "r"));
    ASSERT_NE(file, nullptr);
    Sink sink(file.get());
    sink.write(std::string(size, 'x'));
    EXPECT_FALSE(sink.flush()) << size;
  }
}

// Whether the file system of /tmp takes a write with O_DIRECT.
bool tmp_takes_direct_writes() {
  char name[] = "/tmp/bt-direct-XXXXXX";
  const int descriptor = mkstemp(name);
  if (descriptor < 0)
    return false;
  unlink(name);
  void* block =
      std::aligned_alloc(TextBuffer::kAlignment, TextBuffer::kAlignment);
  std::memset(block, 'x', TextBuffer::kAlignment);
  const int flags = fcntl(descriptor, F_GETFL);
  const bool taken = fcntl(descriptor, F_SETFL, flags | O_DIRECT) == 0 &&
                     write(descriptor, block, TextBuffer::kAlignment) ==
                         static_cast<ssize_t>(TextBuffer::kAlignment);
  std::free(block);
  close(descriptor);
  return taken;
}

// A file of the process's own, allowed O_DIRECT from its start or from
// kDirectFrom: tens of megabytes in pieces of every size, some past the
// size of a buffer, must arrive whole and in order, in good part written
// past the page cache where the file system allows it, and the file must
// be left without the flag.
TEST(SinkTest, WritesALargeFileDirectlyWholeAndInOrder) {
  const bool direct = tmp_takes_direct_writes();
  for (size_t from : {size_t{0}, Sink::kDirectFrom}) {
    char name[] = "/tmp/bt-sink-XXXXXX";
    const int descriptor = mkstemp(name);
    ASSERT_GE(descriptor, 0);
    unlink(name);
    File file(fdopen(descriptor, "w+b"));
    ASSERT_NE(file, nullptr);
    std::string expected;
    {
      Sink sink(file.get());
      sink.allow_direct(from);
      for (int i = 0; expected.size() < 3 * Sink::kDirectFrom; ++i) {
        const std::string line = "line " + std::to_string(i) + "\n";
        if (i % 5000 == 0) {
          const std::string large(Sink::kHandOffAt + i % 7919, 'a' + i % 26);
          sink.write(large);
          expected += large;
        } else if (i % 2 == 0) {
          sink.write(line);
        } else {
          sink.buffer() += line;
          sink.written();
        }
        if (i % 5000 != 0)
          expected += line;
      }
      EXPECT_TRUE(sink.flush()) << from;
      EXPECT_EQ(fcntl(descriptor, F_GETFL) & O_DIRECT, 0) << from;
      if (direct) {
        // At least the first kDirectFrom bytes past `from`: the sink goes
        // back to the page cache only after measuring that many, and may
        // then, on a machine loaded by other tests.
        EXPECT_GE(sink.written_directly(), Sink::kDirectFrom) << from;
      }
      sink.write("after the flush\n");
      expected += "after the flush\n";
    }
    EXPECT_TRUE(contents(file.get()) == expected) << from;
  }
}

// A regular file open for reading only refuses the writes that go to its
// descriptor, as it does those of the stream.
TEST(SinkTest, ReportsAFailedWriteToAFileAllowedDirect) {
  char name[] = "/tmp/bt-sink-XXXXXX";
  const int descriptor = mkstemp(name);
  ASSERT_GE(descriptor, 0);
  close(descriptor);
  File file(std::fopen(name, "rb"));
  unlink(name);
  ASSERT_NE(file, nullptr);
  Sink sink(file.get());
  sink.allow_direct();
  sink.write(std::string(25 * Sink::kHandOffAt, 'x'));
  EXPECT_FALSE(sink.flush());
}

TEST(SinkTest, AppendsToAString) {
  std::string text = "before ";
  {
    Sink sink(text);
    sink.write(std::string(600'000, 'y'));
    sink.print("{} {}", 1, "two");
  }
  EXPECT_EQ(text, "before " + std::string(600'000, 'y') + "1 two");
}

}  // namespace
}  // namespace backprop
