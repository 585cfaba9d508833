// A hash index from names to ids, built once and then only read.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace backprop {

/// An open-addressing table of ids keyed by name. It stores only a hash and
/// an id per entry; the names stay with their owner, which every call passes
/// as `name_of(id)`. Compact slots keep a million names fast to build.
class NameIndex {
 public:
  /// Adds `id` under `name` unless the name is present; returns the id
  /// already stored for it, if any.
  template <typename NameOf>
  std::optional<uint32_t> insert(std::string_view name, uint32_t id,
                                 NameOf name_of);

  template <typename NameOf>
  std::optional<uint32_t> find(std::string_view name, NameOf name_of) const;

  /// Makes room for `count` names, so that inserting them never rehashes.
  void reserve(size_t count);

 private:
  struct Slot {
    uint32_t hash = 0;  // 0 marks an empty slot
    uint32_t id = 0;
  };
  static uint32_t hash(std::string_view name);
  void grow();
  void rehash(size_t capacity);  // a power of two

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

template <typename NameOf>
std::optional<uint32_t> NameIndex::insert(std::string_view name, uint32_t id,
                                          NameOf name_of) {
  if (2 * (size_ + 1) > slots_.size())
    grow();
  const uint32_t h = hash(name);
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  for (; slots_[i].hash != 0; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.hash == h && name_of(slot.id) == name)
      return slot.id;
  }
  slots_[i] = {h, id};
  ++size_;
  return std::nullopt;
}

template <typename NameOf>
std::optional<uint32_t> NameIndex::find(std::string_view name,
                                        NameOf name_of) const {
  if (slots_.empty())
    return std::nullopt;
  const uint32_t h = hash(name);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask; slots_[i].hash != 0; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.hash == h && name_of(slot.id) == name)
      return slot.id;
  }
  return std::nullopt;
}

}  // namespace backprop
