#include "git/tree_export.hpp"

#include <git2/blob.h>
#include <git2/commit.h>
#include <git2/oid.h>
#include <git2/tree.h>

#include <string>
#include <utility>

#include "git/export_destination.hpp"
#include "git/handle.hpp"

namespace pw::git {
namespace {

/// Writes a tree's entries, recursively, straight from the object database.
class TreeWriter {
 public:
  TreeWriter(git_repository* repo, const ExportDestination& dest, ExportStats& stats)
      : repo_(repo), dest_(dest), stats_(stats) {}

  Result<void, GitFailure> write_tree(const git_tree* tree, int dir, const std::string& prefix) {
    const std::size_t count = git_tree_entrycount(tree);
    for (std::size_t i = 0; i < count; ++i) {
      const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
      const std::string name = git_tree_entry_name(entry);
      const std::string path = join_path(prefix, name);
      if (!is_safe_component(name)) {
        return failure(dest_.refuse(path));
      }
      if (auto written = write_entry(entry, dir, name, path); !written) {
        return written;
      }
    }
    return success();
  }

 private:
  Result<void, GitFailure> write_entry(const git_tree_entry* entry, int dir,
                                       const std::string& name, const std::string& path) {
    switch (git_tree_entry_filemode(entry)) {
      case GIT_FILEMODE_TREE:
        return write_subtree(entry, dir, name, path);
      case GIT_FILEMODE_BLOB:
        return write_blob(entry, dir, name, path, FileKind::regular);
      case GIT_FILEMODE_BLOB_EXECUTABLE:
        return write_blob(entry, dir, name, path, FileKind::executable);
      case GIT_FILEMODE_LINK:
        return write_symlink(entry, dir, name, path);
      case GIT_FILEMODE_COMMIT:
        ++stats_.submodules_skipped;
        return success();
      default:
        return failure(dest_.fail(path, "unsupported git file mode " +
                                            std::to_string(git_tree_entry_filemode_raw(entry))));
    }
  }

  Result<void, GitFailure> write_subtree(const git_tree_entry* entry, int dir,
                                         const std::string& name, const std::string& path) {
    git_tree* raw_subtree = nullptr;
    if (git_tree_lookup(&raw_subtree, repo_, git_tree_entry_id(entry)) < 0) {
      return failure(dest_.fail_libgit2(path, "reading the tree"));
    }
    const TreeHandle subtree(raw_subtree);
    auto subdir = dest_.make_directory(dir, name, path, stats_);
    if (!subdir) {
      return failure(std::move(subdir).error());
    }
    return write_tree(subtree.get(), subdir.value().get(), path);
  }

  Result<BlobHandle, GitFailure> lookup_blob(const git_tree_entry* entry, const std::string& path) {
    git_blob* raw_blob = nullptr;
    if (git_blob_lookup(&raw_blob, repo_, git_tree_entry_id(entry)) < 0) {
      return failure(dest_.fail_libgit2(path, "reading the blob"));
    }
    return BlobHandle(raw_blob);
  }

  Result<void, GitFailure> write_blob(const git_tree_entry* entry, int dir, const std::string& name,
                                      const std::string& path, FileKind kind) {
    auto blob = lookup_blob(entry, path);
    if (!blob) {
      return failure(std::move(blob).error());
    }
    // The blob's bytes as libgit2 holds them, written with no intermediate copy.
    const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.value().get()));
    const auto size = static_cast<std::size_t>(git_blob_rawsize(blob.value().get()));
    return dest_.write_file(dir, name, path, kind, data, size, stats_);
  }

  Result<void, GitFailure> write_symlink(const git_tree_entry* entry, int dir,
                                         const std::string& name, const std::string& path) {
    auto blob = lookup_blob(entry, path);
    if (!blob) {
      return failure(std::move(blob).error());
    }
    const std::string target(static_cast<const char*>(git_blob_rawcontent(blob.value().get())),
                             static_cast<std::size_t>(git_blob_rawsize(blob.value().get())));
    return dest_.make_symlink(dir, name, target, path, stats_);
  }

  git_repository* repo_;
  const ExportDestination& dest_;
  ExportStats& stats_;
};

}  // namespace

Result<ExportStats, GitFailure> export_tree(const Repository& repository, std::string_view commit,
                                            const std::filesystem::path& dest) {
  auto oid_hex = repository.resolve(commit);
  if (!oid_hex) {
    return failure(std::move(oid_hex).error());
  }
  const std::string source =
      (repository.is_bare() ? repository.git_dir() : repository.workdir()).string();
  const std::string doing = "exporting " + std::string(commit) + " (" + oid_hex.value() + ") of " +
                            source + " to " + dest.string();
  git_repository* repo = repository.native();
  git_oid oid;
  git_commit* raw_commit = nullptr;
  if (git_oid_fromstr(&oid, oid_hex.value().c_str()) < 0 ||
      git_commit_lookup(&raw_commit, repo, &oid) < 0) {
    return failure(last_git_failure(doing));
  }
  const CommitHandle commit_handle(raw_commit);
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, commit_handle.get()) < 0) {
    return failure(last_git_failure(doing + ": reading the commit's tree"));
  }
  const TreeHandle tree(raw_tree);

  ExportDestination destination(doing, dest);
  return destination.fill([&](const ExportDestination& target, ExportStats& stats) {
    TreeWriter writer(repo, target, stats);
    return writer.write_tree(tree.get(), target.root(), "");
  });
}

}  // namespace pw::git
