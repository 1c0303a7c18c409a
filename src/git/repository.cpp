#include "git/repository.hpp"

#include <git2/commit.h>
#include <git2/diff.h>
#include <git2/errors.h>
#include <git2/merge.h>
#include <git2/object.h>
#include <git2/oid.h>
#include <git2/refs.h>
#include <git2/repository.h>
#include <git2/revparse.h>
#include <git2/status.h>
#include <git2/tree.h>

#include <set>
#include <utility>

#include "git/libgit2_runtime.hpp"

namespace pw::git {
namespace {

constexpr std::string_view k_heads_prefix = "refs/heads/";

std::string oid_hex(const git_oid* oid) {
  char hex[GIT_OID_HEXSZ];
  git_oid_fmt(hex, oid);
  return std::string(hex, GIT_OID_HEXSZ);
}

/// libgit2 reports directories with a trailing '/'; pipewright's paths have none.
std::filesystem::path without_trailing_slash(const char* path) {
  std::string text(path);
  while (text.size() > 1 && text.back() == '/') {
    text.pop_back();
  }
  return std::filesystem::path(text);
}

std::string quoted(std::string_view text) {
  std::string out = "'";
  out += text;
  out += "'";
  return out;
}

}  // namespace

Repository::Repository(RepositoryHandle repo, std::filesystem::path git_dir,
                       std::filesystem::path workdir)
    : repo_(std::move(repo)), git_dir_(std::move(git_dir)), workdir_(std::move(workdir)) {}

Result<Repository, GitFailure> Repository::discover(const std::filesystem::path& start,
                                                    BareRepository bare) {
  if (auto init = ensure_libgit2(); !init) {
    return failure(init.error());
  }
  std::error_code ignored;
  const std::filesystem::path absolute_start = std::filesystem::absolute(start, ignored);
  const std::string start_text = absolute_start.empty() ? start.string() : absolute_start.string();

  git_repository* raw = nullptr;
  // Flags 0: search upwards from start, do not cross filesystems, honour `.git` files.
  const int rc = git_repository_open_ext(&raw, start_text.c_str(), 0, nullptr);
  RepositoryHandle repo(raw);
  if (rc == GIT_ENOTFOUND) {
    return failure(
        GitFailure{"no git repository found at " + start_text + " or in any parent directory"});
  }
  if (rc < 0) {
    return failure(last_git_failure("opening the git repository containing " + start_text));
  }
  std::filesystem::path git_dir = without_trailing_slash(git_repository_path(repo.get()));
  const char* workdir = git_repository_workdir(repo.get());
  if (git_repository_is_bare(repo.get()) != 0 || workdir == nullptr) {
    if (bare == BareRepository::reject) {
      return failure(GitFailure{git_dir.string() +
                                " is a bare repository (it has no working copy); run "
                                "pipewright from a checkout of the project"});
    }
    return Repository(std::move(repo), std::move(git_dir), std::filesystem::path());
  }
  return Repository(std::move(repo), std::move(git_dir), without_trailing_slash(workdir));
}

std::string Repository::display_path() const {
  return is_bare() ? git_dir_.string() : workdir_.string();
}

std::string Repository::unborn_hint() const {
  return git_repository_head_unborn(repo_.get()) == 1 ? "; repository has no commits yet" : "";
}

Result<std::string, GitFailure> Repository::head_commit() const {
  const std::string doing = "reading HEAD of " + display_path();
  const int unborn = git_repository_head_unborn(repo_.get());
  if (unborn == 1) {
    return failure(GitFailure{doing + ": repository has no commits yet"});
  }
  if (unborn < 0) {
    return failure(last_git_failure(doing));
  }
  git_reference* raw_head = nullptr;
  const int rc = git_repository_head(&raw_head, repo_.get());
  ReferenceHandle head(raw_head);
  if (rc < 0) {
    return failure(last_git_failure(doing));
  }
  git_object* raw_commit = nullptr;
  const int peel_rc = git_reference_peel(&raw_commit, head.get(), GIT_OBJECT_COMMIT);
  ObjectHandle commit(raw_commit);
  if (peel_rc < 0) {
    return failure(last_git_failure(doing));
  }
  return oid_hex(git_object_id(commit.get()));
}

Result<std::optional<std::string>, GitFailure> Repository::current_branch() const {
  git_reference* raw_head = nullptr;
  const int rc = git_reference_lookup(&raw_head, repo_.get(), "HEAD");
  ReferenceHandle head(raw_head);
  if (rc < 0) {
    return failure(last_git_failure("reading HEAD of " + display_path()));
  }
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) {
    return std::optional<std::string>();  // detached
  }
  const std::string_view target = git_reference_symbolic_target(head.get());
  if (!target.starts_with(k_heads_prefix)) {
    return std::optional<std::string>();  // HEAD points outside refs/heads: not on a branch
  }
  return std::optional<std::string>(std::string(target.substr(k_heads_prefix.size())));
}

Result<CommitHandle, GitFailure> Repository::lookup_commit(std::string_view rev) const {
  const std::string doing = "resolving " + quoted(rev) + " in " + display_path();
  if (rev.empty()) {
    return failure(GitFailure{doing + ": the revision is empty"});
  }
  if (rev.find('\0') != std::string_view::npos) {
    return failure(GitFailure{doing + ": the revision contains a NUL byte"});
  }
  const std::string spec(rev);
  git_object* raw_object = nullptr;
  const int rc = git_revparse_single(&raw_object, repo_.get(), spec.c_str());
  ObjectHandle object(raw_object);
  if (rc < 0) {
    GitFailure why = last_git_failure(doing);
    why.message += unborn_hint();
    return failure(std::move(why));
  }
  git_object* raw_peeled = nullptr;
  const int peel_rc = git_object_peel(&raw_peeled, object.get(), GIT_OBJECT_COMMIT);
  ObjectHandle peeled(raw_peeled);
  if (peel_rc < 0) {
    return failure(GitFailure{doing + ": it names a " +
                              git_object_type2string(git_object_type(object.get())) +
                              ", not a commit"});
  }
  git_commit* raw_commit = nullptr;
  if (git_commit_lookup(&raw_commit, repo_.get(), git_object_id(peeled.get())) < 0) {
    return failure(last_git_failure(doing));
  }
  return CommitHandle(raw_commit);
}

Result<TreeHandle, GitFailure> Repository::lookup_tree(std::string_view rev) const {
  auto commit = lookup_commit(rev);
  if (!commit) {
    return failure(std::move(commit).error());
  }
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, commit.value().get()) < 0) {
    return failure(
        last_git_failure("reading the tree of " + quoted(rev) + " in " + display_path()));
  }
  return TreeHandle(raw_tree);
}

Result<std::string, GitFailure> Repository::resolve(std::string_view rev) const {
  auto commit = lookup_commit(rev);
  if (!commit) {
    return failure(std::move(commit).error());
  }
  return oid_hex(git_commit_id(commit.value().get()));
}

Result<bool, GitFailure> Repository::status_dirty() const {
  const std::string doing = "checking for uncommitted changes in " + display_path();
  if (is_bare()) {
    return failure(GitFailure{doing + ": it is a bare repository, there is no working copy"});
  }
  git_status_options options;
  git_status_options_init(&options, GIT_STATUS_OPTIONS_VERSION);
  options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  // No GIT_STATUS_OPT_INCLUDE_UNTRACKED / _IGNORED: only tracked files are listed.
  options.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  git_status_list* raw_list = nullptr;
  const int rc = git_status_list_new(&raw_list, repo_.get(), &options);
  StatusListHandle list(raw_list);
  if (rc < 0) {
    return failure(last_git_failure(doing));
  }
  constexpr unsigned k_not_a_change = GIT_STATUS_WT_NEW | GIT_STATUS_IGNORED;
  const std::size_t count = git_status_list_entrycount(list.get());
  for (std::size_t i = 0; i < count; ++i) {
    const git_status_entry* entry = git_status_byindex(list.get(), i);
    if (entry != nullptr && (static_cast<unsigned>(entry->status) & ~k_not_a_change) != 0) {
      return true;
    }
  }
  return false;
}

Result<std::string, GitFailure> Repository::tree_id(std::string_view commit,
                                                    std::string_view path_in_repo) const {
  auto tree = lookup_tree(commit);
  if (!tree) {
    return failure(std::move(tree).error());
  }
  std::string_view path = path_in_repo;
  while (!path.empty() && path.back() == '/') {
    path.remove_suffix(1);
  }
  while (path.starts_with("./")) {
    path.remove_prefix(2);
  }
  if (path.empty() || path == ".") {
    return oid_hex(git_tree_id(tree.value().get()));
  }
  const std::string doing =
      "looking up " + quoted(path_in_repo) + " in " + quoted(commit) + " of " + display_path();
  if (path.find('\0') != std::string_view::npos) {
    return failure(GitFailure{doing + ": the path contains a NUL byte"});
  }
  const std::string terminated(path);
  git_tree_entry* raw_entry = nullptr;
  const int rc = git_tree_entry_bypath(&raw_entry, tree.value().get(), terminated.c_str());
  TreeEntryHandle entry(raw_entry);
  if (rc == GIT_ENOTFOUND) {
    return failure(GitFailure{doing + ": no such file or directory in that commit"});
  }
  if (rc < 0) {
    return failure(last_git_failure(doing));
  }
  return oid_hex(git_tree_entry_id(entry.get()));
}

Result<std::string, GitFailure> Repository::merge_base(std::string_view a,
                                                       std::string_view b) const {
  auto commit_a = lookup_commit(a);
  if (!commit_a) {
    return failure(std::move(commit_a).error());
  }
  auto commit_b = lookup_commit(b);
  if (!commit_b) {
    return failure(std::move(commit_b).error());
  }
  const std::string doing =
      "finding the merge base of " + quoted(a) + " and " + quoted(b) + " in " + display_path();
  git_oid base;
  const int rc = git_merge_base(&base, repo_.get(), git_commit_id(commit_a.value().get()),
                                git_commit_id(commit_b.value().get()));
  if (rc == GIT_ENOTFOUND) {
    return failure(GitFailure{doing + ": they have no common ancestor"});
  }
  if (rc < 0) {
    return failure(last_git_failure(doing));
  }
  return oid_hex(&base);
}

Result<std::vector<std::string>, GitFailure> Repository::changed_paths(
    std::string_view from_commit, std::string_view to_commit) const {
  TreeHandle from_tree;  // null: the empty tree
  if (!from_commit.empty()) {
    auto tree = lookup_tree(from_commit);
    if (!tree) {
      return failure(std::move(tree).error());
    }
    from_tree = std::move(tree).value();
  }
  auto to_tree = lookup_tree(to_commit);
  if (!to_tree) {
    return failure(std::move(to_tree).error());
  }
  git_diff_options options;
  git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
  git_diff* raw_diff = nullptr;
  const int rc = git_diff_tree_to_tree(&raw_diff, repo_.get(), from_tree.get(),
                                       to_tree.value().get(), &options);
  DiffHandle diff(raw_diff);
  if (rc < 0) {
    return failure(last_git_failure("comparing " + quoted(from_commit) + " with " +
                                    quoted(to_commit) + " in " + display_path()));
  }
  // No rename detection: a rename is a deletion plus an addition, so both sides are listed.
  std::set<std::string> paths;
  const std::size_t count = git_diff_num_deltas(diff.get());
  for (std::size_t i = 0; i < count; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
    if (delta->old_file.path != nullptr) {
      paths.emplace(delta->old_file.path);
    }
    if (delta->new_file.path != nullptr) {
      paths.emplace(delta->new_file.path);
    }
  }
  return std::vector<std::string>(paths.begin(), paths.end());
}

}  // namespace pw::git
