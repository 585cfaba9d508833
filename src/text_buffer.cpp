#include "backprop/text_buffer.hpp"

#include <algorithm>
#include <new>

namespace backprop {

void TextBuffer::grow(size_t size) {
  const size_t used = this->size();
  const size_t capacity = std::max(
      {2 * static_cast<size_t>(limit_ - begin_), used + size, size_t{256}});
  char* bytes = static_cast<char*>(
      capacity >= kAlignedFrom
          ? ::operator new (capacity, std::align_val_t{kAlignment})
          : ::operator new(capacity));
  if (used > 0)
    std::memcpy(bytes, begin_, used);
  release(begin_, this->capacity());
  begin_ = bytes;
  end_ = bytes + used;
  limit_ = bytes + capacity;
}

void TextBuffer::release(char* bytes, size_t capacity) {
  if (bytes == nullptr)
    return;
  if (capacity >= kAlignedFrom) {
    ::operator delete (bytes, std::align_val_t{kAlignment});
  } else {
    ::operator delete(bytes);
  }
}

}  // namespace backprop
