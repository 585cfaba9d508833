#include "backprop/text_buffer.hpp"

#include <algorithm>

namespace backprop {

void TextBuffer::grow(size_t size) {
  const size_t used = this->size();
  const size_t capacity = std::max(
      {2 * static_cast<size_t>(limit_ - begin_), used + size, size_t{256}});
  char* bytes = new char[capacity];
  if (used > 0)
    std::memcpy(bytes, begin_, used);
  delete[] begin_;
  begin_ = bytes;
  end_ = bytes + used;
  limit_ = bytes + capacity;
}

}  // namespace backprop
