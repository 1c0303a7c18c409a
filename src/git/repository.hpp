#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "git/failure.hpp"
#include "git/handle.hpp"

// A git repository opened through libgit2: what pipewright reads from it (HEAD, branch,
// revisions, cleanliness, tree ids for cache keys, merge bases, changed paths). Commits are
// named by any revspec git accepts ("HEAD", "main", "v1.2^{}", "HEAD~2", a short or full oid)
// and returned as full 40-hex oids.

namespace pw::git {

/// Whether discover() may return a bare repository (one without a working copy).
enum class BareRepository { reject, allow };

/// An open repository. Move-only; not safe to use from two threads at once (open one
/// Repository per thread instead).
class Repository {
 public:
  /// Finds the repository containing `start` the way git does: `start` itself, then each
  /// parent directory, stopping at a filesystem boundary; a `.git` file (linked worktree,
  /// submodule) is followed. A bare repository fails with a clear message unless `bare` is
  /// BareRepository::allow (its workdir() is then empty and workdir operations fail).
  static Result<Repository, GitFailure> discover(const std::filesystem::path& start,
                                                 BareRepository bare = BareRepository::reject);

  /// The top of the working copy, without a trailing slash; empty for a bare repository.
  const std::filesystem::path& workdir() const { return workdir_; }
  /// The git directory (".git", or the repository itself when bare), without a trailing slash.
  const std::filesystem::path& git_dir() const { return git_dir_; }
  /// True when the repository has no working copy.
  bool is_bare() const { return workdir_.empty(); }

  /// The commit HEAD points to, as a full hex oid. Fails with "repository has no commits yet"
  /// when HEAD's branch is unborn.
  Result<std::string, GitFailure> head_commit() const;

  /// The short name of the branch HEAD points to ("main", "feature/x"), also when that branch
  /// has no commits yet; nullopt when HEAD is detached. Agrees with `git branch --show-current`.
  Result<std::optional<std::string>, GitFailure> current_branch() const;

  /// The commit any revspec names (annotated tags are peeled), as a full hex oid. A revspec
  /// naming a tree or blob fails.
  Result<std::string, GitFailure> resolve(std::string_view rev) const;

  /// True when a tracked file differs between HEAD, the index and the working copy (modified,
  /// staged, deleted, type or mode changed, conflicted). Untracked and ignored files do not
  /// count; neither do submodules (exports skip them too). Fails for a bare repository.
  Result<bool, GitFailure> status_dirty() const;

  /// The oid of the tree or blob at `path_in_repo` ('/'-separated, relative to the top; "" or
  /// "." is the root tree) in the commit `commit` names; a stable key for that path's content.
  Result<std::string, GitFailure> tree_id(std::string_view commit,
                                          std::string_view path_in_repo) const;

  /// The best common ancestor of two commits (`git merge-base a b`); fails when the histories
  /// are unrelated.
  Result<std::string, GitFailure> merge_base(std::string_view a, std::string_view b) const;

  /// Every path whose content, mode or type differs between two commits, sorted and unique,
  /// '/'-separated; a rename contributes both its old and its new path (the set of
  /// `git diff --name-only --no-renames from to`). An empty `from_commit` means the empty tree,
  /// so every path of `to_commit` is listed.
  Result<std::vector<std::string>, GitFailure> changed_paths(std::string_view from_commit,
                                                             std::string_view to_commit) const;

  /// The underlying libgit2 repository, for other parts of the git adapter.
  git_repository* native() const { return repo_.get(); }

 private:
  Repository(RepositoryHandle repo, std::filesystem::path git_dir, std::filesystem::path workdir);

  /// The commit `rev` names, peeled; the failure says what was being resolved.
  Result<CommitHandle, GitFailure> lookup_commit(std::string_view rev) const;
  /// The root tree of the commit `rev` names.
  Result<TreeHandle, GitFailure> lookup_tree(std::string_view rev) const;
  /// The working copy, or the git directory when bare: how messages name this repository.
  std::string display_path() const;
  /// Message suffix when HEAD is unborn ("; repository has no commits yet"), else "".
  std::string unborn_hint() const;

  RepositoryHandle repo_;
  std::filesystem::path git_dir_;
  std::filesystem::path workdir_;
};

}  // namespace pw::git
