// The name index: linear probing over 8-byte slots.
#include "backprop/name_index.hpp"

#include <algorithm>
#include <cstring>

namespace backprop {

// Eight bytes at a time, since most names are shorter than that: each
// word is mixed in by a multiplication, the last one padded with zeros, and
// the length keeps "a" apart from "a\0". The final steps spread the high
// bits into the low ones, which pick the slot.
uint32_t NameIndex::hash(std::string_view name) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ name.size();
  const char* bytes = name.data();
  size_t left = name.size();
  while (true) {
    uint64_t word = 0;
    const size_t taken = std::min<size_t>(left, sizeof word);
    std::memcpy(&word, bytes, taken);
    h = (h ^ word) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
    if (left <= sizeof word)
      break;
    bytes += taken;
    left -= taken;
  }
  h *= 0x94d049bb133111ebull;
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
