// Atomic output files: write a temporary beside the target, then rename.
#include "backprop/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "backprop/diagnostic.hpp"

namespace backprop {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  // A device, a pipe or a link, such as /dev/null or /dev/stdout, is
  // written in place: renaming a file over it would put a file in its
  // stead, even in /dev.
  struct stat status {};
  if (lstat(path_.c_str(), &status) == 0 && !S_ISREG(status.st_mode) &&
      !S_ISDIR(status.st_mode)) {
    stream_ = std::fopen(path_.c_str(), "wb");
    if (stream_ == nullptr) {
      throw Failure(
          fmt::format("cannot write '{}': {}", path_, describe_errno(errno)));
    }
    return;
  }
  std::vector<char> name(path_.begin(), path_.end());
  const std::string suffix = ".tmp-XXXXXX";
  name.insert(name.end(), suffix.begin(), suffix.end());
  name.push_back('\0');
  int descriptor = mkstemp(name.data());
  if (descriptor < 0) {
    throw Failure(
        fmt::format("cannot write '{}': {}", path_, describe_errno(errno)));
  }
  temporary_ = name.data();
  // mkstemp makes the file private; give it the usual permissions.
  mode_t mask = umask(0);
  umask(mask);
  fchmod(descriptor, 0666 & ~mask);
  stream_ = fdopen(descriptor, "wb");
  if (stream_ == nullptr) {
    int error = errno;  // before close() and unlink() can change it
    close(descriptor);
    unlink(temporary_.c_str());
    throw Failure(
        fmt::format("cannot write '{}': {}", path_, describe_errno(error)));
  }
}

AtomicFile::~AtomicFile() {
  if (stream_ != nullptr) {
    std::fclose(stream_);
    if (!temporary_.empty())
      unlink(temporary_.c_str());
  }
}

void AtomicFile::commit() {
  bool written = std::fflush(stream_) == 0 && !std::ferror(stream_);
  int error = errno;
  bool closed = std::fclose(stream_) == 0;
  stream_ = nullptr;
  if (!written || !closed) {
    if (!temporary_.empty())
      unlink(temporary_.c_str());
    throw Failure(fmt::format("cannot write '{}': {}", path_,
                              describe_errno(written ? errno : error)));
  }
  if (temporary_.empty())
    return;  // written in place
  // Renaming over an existing file makes ext4 write the new file's data
  // out before it returns, which can cost more than the whole run; trading
  // places with the file does not. Either way a reader sees the old file
  // or the new one, never part of one. Anything but a regular file (a
  // directory could trade places too), a missing target and a file system
  // that cannot exchange take a plain rename.
  struct stat target {};
  if (lstat(path_.c_str(), &target) == 0 && S_ISREG(target.st_mode) &&
      renameat2(AT_FDCWD, temporary_.c_str(), AT_FDCWD, path_.c_str(),
                RENAME_EXCHANGE) == 0) {
    unlink(temporary_.c_str());  // now the old file
    return;
  }
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    int rename_error = errno;
    unlink(temporary_.c_str());
    throw Failure(fmt::format("cannot write '{}': {}", path_,
                              describe_errno(rename_error)));
  }
}

}  // namespace backprop
