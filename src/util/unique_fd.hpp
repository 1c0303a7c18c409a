#pragma once

#include <unistd.h>

#include <utility>

// RAII for a POSIX file descriptor (the git exports' *at() calls, the process module's pipes).

namespace pw {

/// Owns a file descriptor; closes it on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  /// Takes ownership of `fd` (a negative value means "none", e.g. a failed open()).
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  /// The descriptor, or -1.
  int get() const { return fd_; }
  /// True when a descriptor is owned.
  bool valid() const { return fd_ >= 0; }
  /// Gives up ownership and returns the descriptor (or -1).
  int release() { return std::exchange(fd_, -1); }
  /// Closes now and reports close()'s own result (a delayed write error sets errno).
  bool close() { return ::close(std::exchange(fd_, -1)) == 0; }

 private:
  void reset() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  int fd_ = -1;
};

}  // namespace pw
