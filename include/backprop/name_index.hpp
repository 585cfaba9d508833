// A hash index from names to node ids, built once and then only read.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace backprop {

/// An open-addressing table of (name, id) pairs. The names are views the
/// caller keeps alive. Compact slots keep a million names fast to build.
class NameIndex {
 public:
  /// Adds a name unless it is present; returns the id already stored for
  /// it, if any.
  std::optional<uint32_t> insert(std::string_view name, uint32_t id);

  std::optional<uint32_t> find(std::string_view name) const;

  size_t size() const { return names_.size(); }

 private:
  struct Slot {
    uint32_t hash = 0;  // 0 marks an empty slot
    uint32_t entry = 0;
  };
  static uint32_t hash(std::string_view name);
  void grow();

  std::vector<Slot> slots_;
  std::vector<std::string_view> names_;
  std::vector<uint32_t> ids_;
};

}  // namespace backprop
