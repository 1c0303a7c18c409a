#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "git/failure.hpp"
#include "git/handle.hpp"
#include "git/repository.hpp"

// One commit's tree, read straight from the object database: what a path is in it and the
// content of its files. Lets a command read the spec and check its paths as they are in a
// commit, without exporting it (the pre-push hook's warm path).

namespace pw::git {

/// What a path is in a commit's tree.
enum class TreeEntryKind { missing, file, directory, symlink, submodule };

/// A path in a commit's tree.
struct TreeEntry {
  TreeEntryKind kind = TreeEntryKind::missing;
  std::string symlink_target;  ///< the link's text, for TreeEntryKind::symlink
};

/// The tree of one commit. Move-only; borrows the repository, which must outlive it.
class CommitTree {
 public:
  /// The tree of the commit rev names (any revspec).
  static Result<CommitTree, GitFailure> open(const Repository& repository, std::string_view rev);

  /// The full oid of the commit.
  const std::string& commit() const { return commit_; }
  /// What path ('/'-separated, relative to the top; "" is the root) is; never follows links.
  TreeEntry entry(std::string_view path) const;
  /// The content of the file at path (as stored: no filters); fails when it is not a file.
  Result<std::string, GitFailure> read_file(std::string_view path) const;

 private:
  CommitTree(const Repository& repository, std::string commit, TreeHandle tree);

  const Repository* repository_;
  std::string commit_;
  TreeHandle tree_;
};

}  // namespace pw::git
