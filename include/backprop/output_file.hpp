// Writing an output file atomically.
#pragma once

#include <cstdio>
#include <string>

namespace backprop {

/// A file that appears whole or not at all. Output goes to a temporary file
/// beside the target; commit() renames it over the target. Destroying an
/// uncommitted AtomicFile removes the temporary, so a failed run leaves no
/// partial file and keeps any old one. A target that exists and is neither
/// a regular file nor a directory (a device such as /dev/null, a pipe, or a
/// symbolic link such as /dev/stdout) is written in place, since no file
/// may replace it.
class AtomicFile {
 public:
  /// Creates the temporary. Throws Failure if it cannot.
  explicit AtomicFile(std::string path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  std::FILE* stream() const { return stream_; }

  /// Whether stream() is a new regular file that only this object writes,
  /// not a device or pipe written in place.
  bool is_new_file() const { return !temporary_.empty(); }

  /// Flushes, closes and renames. Throws Failure on any error, and then
  /// the target is untouched.
  void commit();

 private:
  std::string path_;
  std::string temporary_;  // empty when the target is written in place
  std::FILE* stream_ = nullptr;
};

}  // namespace backprop
