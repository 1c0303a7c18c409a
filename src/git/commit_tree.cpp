#include "git/commit_tree.hpp"

#include <git2/blob.h>
#include <git2/commit.h>
#include <git2/object.h>
#include <git2/tree.h>

namespace pw::git {

CommitTree::CommitTree(const Repository& repository, std::string commit, TreeHandle tree)
    : repository_(&repository), commit_(std::move(commit)), tree_(std::move(tree)) {}

Result<CommitTree, GitFailure> CommitTree::open(const Repository& repository,
                                                std::string_view rev) {
  auto commit = repository.resolve(rev);
  if (!commit)
    return failure(std::move(commit).error());
  git_oid oid;
  if (git_oid_fromstr(&oid, commit.value().c_str()) < 0)
    return failure(last_git_failure("reading commit " + commit.value()));
  git_commit* raw_commit = nullptr;
  if (git_commit_lookup(&raw_commit, repository.native(), &oid) < 0)
    return failure(last_git_failure("reading commit " + commit.value()));
  CommitHandle handle(raw_commit);
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, handle.get()) < 0)
    return failure(last_git_failure("reading the tree of commit " + commit.value()));
  return CommitTree(repository, std::move(commit).value(), TreeHandle(raw_tree));
}

TreeEntry CommitTree::entry(std::string_view path) const {
  const std::string text(path);
  if (text.empty() || text == ".")
    return {TreeEntryKind::directory, {}};
  git_tree_entry* raw = nullptr;
  if (git_tree_entry_bypath(&raw, tree_.get(), text.c_str()) < 0)
    return {TreeEntryKind::missing, {}};
  Handle<git_tree_entry> entry(raw);
  switch (git_tree_entry_filemode(entry.get())) {
    case GIT_FILEMODE_TREE:
      return {TreeEntryKind::directory, {}};
    case GIT_FILEMODE_COMMIT:
      return {TreeEntryKind::submodule, {}};
    case GIT_FILEMODE_LINK: {
      git_blob* raw_blob = nullptr;
      if (git_blob_lookup(&raw_blob, repository_->native(), git_tree_entry_id(entry.get())) < 0)
        return {TreeEntryKind::missing, {}};
      BlobHandle blob(raw_blob);
      const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
      return {TreeEntryKind::symlink,
              std::string(data, static_cast<std::size_t>(git_blob_rawsize(blob.get())))};
    }
    default:
      return {TreeEntryKind::file, {}};
  }
}

Result<std::string, GitFailure> CommitTree::read_file(std::string_view path) const {
  const std::string text(path);
  const std::string doing = "reading '" + text + "' in commit " + commit_;
  git_tree_entry* raw = nullptr;
  if (git_tree_entry_bypath(&raw, tree_.get(), text.c_str()) < 0)
    return failure(GitFailure{doing + ": it is not in the commit"});
  Handle<git_tree_entry> entry(raw);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB ||
      git_tree_entry_filemode(entry.get()) == GIT_FILEMODE_LINK)
    return failure(GitFailure{doing + ": it is not a regular file"});
  git_blob* raw_blob = nullptr;
  if (git_blob_lookup(&raw_blob, repository_->native(), git_tree_entry_id(entry.get())) < 0)
    return failure(last_git_failure(doing));
  BlobHandle blob(raw_blob);
  const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  return std::string(data, static_cast<std::size_t>(git_blob_rawsize(blob.get())));
}

}  // namespace pw::git
