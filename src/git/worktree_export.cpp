// export_worktree_tracked (declared in tree_export.hpp): the working-copy side of the exports.

#include <fcntl.h>
#include <git2/config.h>
#include <git2/errors.h>
#include <git2/index.h>
#include <git2/repository.h>
#include <git2/types.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "git/export_destination.hpp"
#include "git/handle.hpp"
#include "git/tree_export.hpp"

namespace pw::git {
namespace {

/// Where the executable bit of a working-copy file comes from (git's core.fileMode).
enum class ModeSource { working_copy, index };

/// Where executable bits come from: the working copy unless core.fileMode is false.
Result<ModeSource, GitFailure> mode_source(git_repository* repo, const std::string& doing) {
  git_config* raw_config = nullptr;
  if (git_repository_config_snapshot(&raw_config, repo) < 0) {
    return failure(last_git_failure(doing + ": reading the repository's configuration"));
  }
  const ConfigHandle config(raw_config);
  int value = 1;
  const int rc = git_config_get_bool(&value, config.get(), "core.filemode");
  if (rc == GIT_ENOTFOUND) {
    return ModeSource::working_copy;
  }
  if (rc < 0) {
    return failure(last_git_failure(doing + ": reading core.fileMode"));
  }
  return value != 0 ? ModeSource::working_copy : ModeSource::index;
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) {
      return parts;
    }
    start = slash + 1;
  }
}

/// One directory level of the path being copied: the directory in the working copy (invalid
/// when it is missing there) and in the destination (created when a file needs it).
struct Level {
  std::string name;
  UniqueFd source;
  UniqueFd target;
};

/// Copies tracked paths from the working copy, given in index order (sorted, so a
/// directory's contents arrive together and each directory is opened once).
class WorktreeCopier {
 public:
  WorktreeCopier(const ExportDestination& dest, UniqueFd source_root, ModeSource modes,
                 ExportStats& stats)
      : dest_(dest), source_root_(std::move(source_root)), modes_(modes), stats_(stats) {}

  Result<void, GitFailure> copy(const std::string& path, FileKind index_kind) {
    const std::vector<std::string_view> parts = split_path(path);
    for (const std::string_view part : parts) {
      if (!is_safe_component(part)) {
        return failure(dest_.refuse(path));
      }
    }
    const std::size_t depth = parts.size() - 1;
    if (auto entered = enter_directories(parts, path); !entered) {
      return entered;
    }
    const int source_dir = depth == 0 ? source_root_.get() : levels_[depth - 1].source.get();
    const std::string name(parts.back());
    struct stat info {};
    if (source_dir < 0 || ::fstatat(source_dir, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
      if (source_dir >= 0 && errno != ENOENT && errno != ENOTDIR) {
        return failure(dest_.fail_errno(path, "reading it in the working copy", errno));
      }
      ++stats_.deleted_skipped;  // deleted, or below a directory that is gone
      return success();
    }
    if (S_ISDIR(info.st_mode)) {
      ++stats_.deleted_skipped;  // the tracked file was replaced by a directory
      return success();
    }
    if (!S_ISREG(info.st_mode) && !S_ISLNK(info.st_mode)) {
      return failure(dest_.fail(path, "is neither a file nor a symlink in the working copy"));
    }
    auto target_dir = target_directory(depth, path);
    if (!target_dir) {
      return failure(std::move(target_dir).error());
    }
    if (S_ISLNK(info.st_mode)) {
      auto link = read_link(source_dir, name, info, path);
      if (!link) {
        return failure(std::move(link).error());
      }
      return dest_.make_symlink(target_dir.value(), name, link.value(), path, stats_);
    }
    FileKind kind = index_kind;
    if (modes_ == ModeSource::working_copy) {
      kind = (info.st_mode & S_IXUSR) != 0 ? FileKind::executable : FileKind::regular;
    }
    const UniqueFd in(::openat(source_dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in.valid()) {
      return failure(dest_.fail_errno(path, "opening it in the working copy", errno));
    }
    return dest_.copy_file(target_dir.value(), name, path, kind, in.get(), stats_);
  }

 private:
  /// Makes levels_ the directories of `parts` (all but the last), reusing the open ones.
  Result<void, GitFailure> enter_directories(const std::vector<std::string_view>& parts,
                                             const std::string& path) {
    const std::size_t depth = parts.size() - 1;
    std::size_t common = 0;
    while (common < levels_.size() && common < depth && levels_[common].name == parts[common]) {
      ++common;
    }
    levels_.resize(common);
    for (std::size_t k = common; k < depth; ++k) {
      Level level{std::string(parts[k]), UniqueFd(), UniqueFd()};
      const int parent = k == 0 ? source_root_.get() : levels_[k - 1].source.get();
      if (parent >= 0) {
        // O_NOFOLLOW: a directory replaced by a symlink is not followed out of the working
        // copy (git, too, sees the files below it as deleted).
        level.source = UniqueFd(
            ::openat(parent, level.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!level.source.valid() && errno != ENOENT && errno != ENOTDIR && errno != ELOOP) {
          return failure(
              dest_.fail_errno(path, "opening its directory in the working copy", errno));
        }
      }
      levels_.push_back(std::move(level));
    }
    return success();
  }

  /// The destination directory for a path at `depth`, creating the missing levels.
  Result<int, GitFailure> target_directory(std::size_t depth, const std::string& path) {
    int parent = dest_.root();
    std::string prefix;
    for (std::size_t k = 0; k < depth; ++k) {
      Level& level = levels_[k];
      prefix = join_path(prefix, level.name);
      if (!level.target.valid()) {
        auto made = dest_.make_directory(parent, level.name, prefix, stats_);
        if (!made) {
          return failure(GitFailure{std::move(made).error().message + " (for " + path + ")"});
        }
        level.target = std::move(made).value();
      }
      parent = level.target.get();
    }
    return parent;
  }

  Result<std::string, GitFailure> read_link(int dir, const std::string& name,
                                            const struct stat& info, const std::string& path) {
    std::size_t capacity = static_cast<std::size_t>(info.st_size) + 1;
    for (;;) {
      std::string buffer(capacity, '\0');
      const ssize_t n = ::readlinkat(dir, name.c_str(), buffer.data(), buffer.size());
      if (n < 0) {
        return failure(dest_.fail_errno(path, "reading the symlink", errno));
      }
      if (static_cast<std::size_t>(n) < buffer.size()) {
        buffer.resize(static_cast<std::size_t>(n));
        return buffer;
      }
      capacity *= 2;  // the link grew since fstatat: read again
    }
  }

  const ExportDestination& dest_;
  UniqueFd source_root_;
  ModeSource modes_;
  ExportStats& stats_;
  std::vector<Level> levels_;
};

}  // namespace

Result<ExportStats, GitFailure> export_worktree_tracked(const Repository& repository,
                                                        const std::filesystem::path& dest) {
  const std::string doing = "copying the tracked files of the working copy " +
                            repository.workdir().string() + " to " + dest.string();
  if (repository.is_bare()) {
    return failure(
        GitFailure{doing + ": " + repository.git_dir().string() + " is a bare repository"});
  }
  git_repository* repo = repository.native();
  auto modes = mode_source(repo, doing);
  if (!modes) {
    return failure(std::move(modes).error());
  }
  git_index* raw_index = nullptr;
  if (git_repository_index(&raw_index, repo) < 0) {
    return failure(last_git_failure(doing + ": opening the index"));
  }
  const IndexHandle index(raw_index);
  if (git_index_read(index.get(), 0) < 0) {  // pick up changes made since the repository opened
    return failure(last_git_failure(doing + ": reading the index"));
  }
  UniqueFd source_root(::open(repository.workdir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!source_root.valid()) {
    return failure(GitFailure{doing + ": cannot open the working copy: " +
                              std::error_code(errno, std::generic_category()).message()});
  }

  ExportDestination destination(doing, dest);
  return destination.fill([&](const ExportDestination& target, ExportStats& stats) {
    WorktreeCopier copier(target, std::move(source_root), modes.value(), stats);
    const std::size_t count = git_index_entrycount(index.get());
    const char* previous = nullptr;
    for (std::size_t i = 0; i < count; ++i) {
      const git_index_entry* entry = git_index_get_byindex(index.get(), i);
      if (previous != nullptr && std::string_view(previous) == entry->path) {
        continue;  // another stage of a conflicted path: the working copy has one file
      }
      previous = entry->path;
      if (entry->mode == GIT_FILEMODE_COMMIT) {
        ++stats.submodules_skipped;
        continue;
      }
      const FileKind kind =
          entry->mode == GIT_FILEMODE_BLOB_EXECUTABLE ? FileKind::executable : FileKind::regular;
      if (auto copied = copier.copy(entry->path, kind); !copied) {
        return copied;
      }
    }
    return Result<void, GitFailure>(success());
  });
}

}  // namespace pw::git
