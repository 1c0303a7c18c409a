#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "core/result.hpp"
#include "git/failure.hpp"
#include "git/repository.hpp"

// Materializes the files git tracks into a directory (the build context of an image): either
// a commit's tree, read straight from the object database, or the working-copy contents of
// the files tracked in the index (a `--dirty` build). Nothing else lands in the destination:
// no untracked or ignored files, no `.git`.
//
// Both exports write into `dest`, which must be missing (it is created) or an empty directory.
// Regular files get mode 0644, or 0755 when executable, whatever the umask (so the image is
// the same on every machine); directories 0755; symlinks stay symlinks with git's target text.
// Submodules (gitlinks) are skipped and counted. A path that is not a plain relative path
// ("..", ".git", an empty or '/'-containing component) is refused, and nothing is ever written
// through a symlink, so no entry can escape `dest`. On failure what was written is removed.

namespace pw::git {

/// What an export wrote.
struct ExportStats {
  std::size_t files = 0;               ///< regular files written (executables included)
  std::size_t executables = 0;         ///< of those, written with mode 0755
  std::size_t symlinks = 0;            ///< symbolic links created
  std::size_t directories = 0;         ///< directories created below dest
  std::size_t submodules_skipped = 0;  ///< gitlinks, not exported
  std::size_t deleted_skipped = 0;     ///< tracked but missing from the working copy
  std::uintmax_t bytes = 0;            ///< bytes of regular-file content written
};

/// Writes exactly the files of the tree of the commit `commit` names (any revspec) into dest.
/// Blob contents are written as stored in git (`git show <commit>:<path>`): no smudge, eol or
/// LFS filters are applied.
Result<ExportStats, GitFailure> export_tree(const Repository& repository, std::string_view commit,
                                            const std::filesystem::path& dest);

/// Copies the working-copy contents of every file tracked in the index (staged additions
/// included) into dest: the bytes on disk now, and their executable bit (the index's mode when
/// core.fileMode is false). Tracked files missing from the working copy are skipped and
/// counted in deleted_skipped. Fails for a bare repository.
Result<ExportStats, GitFailure> export_worktree_tracked(const Repository& repository,
                                                        const std::filesystem::path& dest);

}  // namespace pw::git
