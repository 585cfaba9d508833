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
                                 NameOf name_of) {
    return insert(name, hash(name), id, name_of);
  }

  template <typename NameOf>
  std::optional<uint32_t> find(std::string_view name, NameOf name_of) const {
    return find(name, hash(name), name_of);
  }

  /// Makes room for `count` names, so that inserting them never rehashes.
  void reserve(size_t count);

  /// The hash of `name`, for the calls below, having started to fetch the
  /// slot where they look first. In an index larger than the cache, each
  /// look-up misses it; slots fetched ahead wait for memory together
  /// rather than one after another. Needs room (reserve() first), and the
  /// fetch is only of use while the index keeps that room.
  uint32_t prefetch(std::string_view name) const {
    const uint32_t h = hash(name);
    __builtin_prefetch(&slots_[h & (slots_.size() - 1)]);
    return h;
  }

  /// insert() and find() for a name whose hash prefetch() returned.
  template <typename NameOf>
  std::optional<uint32_t> insert(std::string_view name, uint32_t hash,
                                 uint32_t id, NameOf name_of);
  template <typename NameOf>
  std::optional<uint32_t> find(std::string_view name, uint32_t hash,
                               NameOf name_of) const;

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
std::optional<uint32_t> NameIndex::insert(std::string_view name, uint32_t hash,
                                          uint32_t id, NameOf name_of) {
  if (2 * (size_ + 1) > slots_.size())
    grow();
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  for (; slots_[i].hash != 0; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.hash == hash && name_of(slot.id) == name)
      return slot.id;
  }
  slots_[i] = {hash, id};
  ++size_;
  return std::nullopt;
}

template <typename NameOf>
std::optional<uint32_t> NameIndex::find(std::string_view name, uint32_t hash,
                                        NameOf name_of) const {
  if (slots_.empty())
    return std::nullopt;
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask; slots_[i].hash != 0; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.hash == hash && name_of(slot.id) == name)
      return slot.id;
  }
  return std::nullopt;
}

}  // namespace backprop
