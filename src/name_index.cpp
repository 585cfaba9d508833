// The name index: linear probing over 8-byte slots.
#include "backprop/name_index.hpp"

namespace backprop {

uint32_t NameIndex::hash(std::string_view name) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a, then a final mix
  for (unsigned char c : name)
    h = (h ^ c) * 1099511628211ull;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 32;
  return static_cast<uint32_t>(h) | 1u;
}

void NameIndex::reserve(size_t count) {
  size_t capacity = slots_.empty() ? 64 : slots_.size();
  while (capacity < 2 * count)
    capacity *= 2;
  if (capacity > slots_.size())
    rehash(capacity);
}

void NameIndex::grow() {
  rehash(slots_.empty() ? 64 : slots_.size() * 2);
}

void NameIndex::rehash(size_t capacity) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(capacity, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.hash == 0)
      continue;
    size_t i = slot.hash & mask;
    while (slots_[i].hash != 0)
      i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

}  // namespace backprop
