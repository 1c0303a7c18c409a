#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "git/failure.hpp"
#include "git/tree_export.hpp"
#include "util/unique_fd.hpp"

// The writing side shared by export_tree and export_worktree_tracked: an empty destination
// directory filled through directory descriptors (mkdirat/openat/symlinkat with O_EXCL and
// O_NOFOLLOW, so nothing is ever written through an existing entry or a symlink), fixed modes,
// failures that name the path, and removal of a partial export.

namespace pw::git {

/// Whether a regular file is written executable (0755) or not (0644).
enum class FileKind { regular, executable };

/// True for a path component that stays inside its parent and is not git's own directory:
/// not empty, ".", "..", ".git" (any case), and without '/' or NUL.
bool is_safe_component(std::string_view name);

/// "prefix/name", or "name" when prefix is empty.
std::string join_path(const std::string& prefix, std::string_view name);

/// The directory an export writes into; every failure reads "<doing>: <path>: <what>".
class ExportDestination {
 public:
  /// `doing` starts every failure message ("exporting HEAD (…) of /src to /tmp/ctx").
  ExportDestination(std::string doing, std::filesystem::path dest);

  /// Opens dest (created when missing; it must otherwise be an empty directory), runs
  /// body(*this, stats) to fill it, and removes what was written when body fails.
  template <class Body>
  Result<ExportStats, GitFailure> fill(const Body& body) {
    if (auto opened = open(); !opened) {
      return failure(std::move(opened).error());
    }
    ExportStats stats;
    if (Result<void, GitFailure> done = body(*this, stats); !done) {
      discard();
      return failure(std::move(done).error());
    }
    return stats;
  }

  /// The descriptor of dest itself.
  int root() const { return root_.get(); }

  /// Creates the directory `name` in `parent` (mode 0755) and opens it.
  Result<UniqueFd, GitFailure> make_directory(int parent, const std::string& name,
                                              const std::string& path, ExportStats& stats) const;
  /// Creates the file `name` in `parent` holding `size` bytes from `data`.
  Result<void, GitFailure> write_file(int parent, const std::string& name, const std::string& path,
                                      FileKind kind, const char* data, std::size_t size,
                                      ExportStats& stats) const;
  /// Creates the file `name` in `parent` holding the rest of `source` (copied in the kernel
  /// where it can be).
  Result<void, GitFailure> copy_file(int parent, const std::string& name, const std::string& path,
                                     FileKind kind, int source, ExportStats& stats) const;
  /// Creates the symlink `name` in `parent` pointing at `target` (never followed).
  Result<void, GitFailure> make_symlink(int parent, const std::string& name,
                                        const std::string& target, const std::string& path,
                                        ExportStats& stats) const;

  /// "<doing>: <path>: <what>".
  GitFailure fail(const std::string& path, const std::string& what) const;
  /// "<doing>: <path>: <action>: <strerror(error)>".
  GitFailure fail_errno(const std::string& path, const std::string& action, int error) const;
  /// "<doing>: <path>: <action>: <libgit2's last error>".
  GitFailure fail_libgit2(const std::string& path, const std::string& action) const;
  /// The failure for a path that is_safe_component() refused.
  GitFailure refuse(const std::string& path) const;

 private:
  Result<void, GitFailure> open();
  void discard();
  Result<UniqueFd, GitFailure> create_file(int parent, const std::string& name,
                                           const std::string& path, FileKind kind) const;
  Result<void, GitFailure> finish_file(UniqueFd& file, const std::string& path, FileKind kind,
                                       std::uintmax_t size, ExportStats& stats) const;

  std::string doing_;
  std::filesystem::path dest_;
  UniqueFd root_;
  bool created_ = false;  ///< dest did not exist before: a failed export removes it whole
};

}  // namespace pw::git
