#include "git/tree_export.hpp"

#include <fcntl.h>
#include <git2/blob.h>
#include <git2/commit.h>
#include <git2/config.h>
#include <git2/errors.h>
#include <git2/index.h>
#include <git2/oid.h>
#include <git2/repository.h>
#include <git2/tree.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "git/handle.hpp"

namespace pw::git {
namespace {

constexpr mode_t k_file_mode = 0644;
constexpr mode_t k_executable_mode = 0755;
constexpr mode_t k_directory_mode = 0755;

/// Whether a regular file is written executable (0755) or not (0644).
enum class FileKind { regular, executable };

/// Where the executable bit of a working-copy file comes from (git's core.fileMode).
enum class ModeSource { working_copy, index };

mode_t mode_of(FileKind kind) {
  return kind == FileKind::executable ? k_executable_mode : k_file_mode;
}

/// An owned POSIX file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  /// Closes now, reporting close()'s own failure (a delayed write error) through errno.
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

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

/// A path component that can be created inside its parent without leaving it or touching
/// git's own directory.
bool is_safe_component(std::string_view name) {
  if (name.empty() || name == "." || name == "..") {
    return false;
  }
  if (name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos) {
    return false;
  }
  if (name.size() == 4) {
    std::string lower(name);
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      }
    }
    if (lower == ".git") {
      return false;
    }
  }
  return true;
}

std::string join(const std::string& prefix, std::string_view name) {
  return prefix.empty() ? std::string(name) : prefix + "/" + std::string(name);
}

/// Where an export writes, and how its failures read: "<doing>: <path>: <what>".
class Destination {
 public:
  Destination(std::string doing, std::filesystem::path dest)
      : doing_(std::move(doing)), dest_(std::move(dest)) {}

  /// Creates dest if missing, checks that it is an empty directory and opens it.
  Result<void, GitFailure> open() {
    std::error_code error;
    const auto status = std::filesystem::status(dest_, error);
    if (!std::filesystem::exists(status)) {
      std::filesystem::create_directories(dest_, error);
      if (error) {
        return failure(
            GitFailure{doing_ + ": cannot create " + dest_.string() + ": " + error.message()});
      }
      created_ = true;
    } else if (!std::filesystem::is_directory(status)) {
      return failure(GitFailure{doing_ + ": " + dest_.string() + " exists and is not a directory"});
    } else {
      const bool empty = std::filesystem::is_empty(dest_, error);
      if (error) {
        return failure(
            GitFailure{doing_ + ": cannot read " + dest_.string() + ": " + error.message()});
      }
      if (!empty) {
        return failure(GitFailure{doing_ + ": " + dest_.string() +
                                  " is not an empty directory; export into a fresh one"});
      }
    }
    root_ = Fd(::open(dest_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root_.valid()) {
      return failure(
          GitFailure{doing_ + ": cannot open " + dest_.string() + ": " + errno_text(errno)});
    }
    return success();
  }

  /// Removes whatever this export wrote (after a failure).
  void discard() {
    root_ = Fd();
    std::error_code error;
    if (created_) {
      std::filesystem::remove_all(dest_, error);
      return;
    }
    for (const auto& entry : std::filesystem::directory_iterator(dest_, error)) {
      std::filesystem::remove_all(entry.path(), error);
    }
  }

  int root() const { return root_.get(); }

  GitFailure fail(const std::string& path, const std::string& what) const {
    return GitFailure{doing_ + ": " + path + ": " + what};
  }
  GitFailure fail_errno(const std::string& path, const std::string& action, int error) const {
    return fail(path, action + ": " + errno_text(error));
  }
  GitFailure fail_libgit2(const std::string& path, const std::string& action) const {
    return last_git_failure(doing_ + ": " + path + ": " + action);
  }
  GitFailure refuse(const std::string& path) const {
    return fail(path, "refusing a path that is not a plain relative path (it could escape " +
                          dest_.string() + ")");
  }

  /// Creates the directory `name` in `parent` and opens it.
  Result<Fd, GitFailure> make_directory(int parent, const std::string& name,
                                        const std::string& path, ExportStats& stats) const {
    if (::mkdirat(parent, name.c_str(), k_directory_mode) != 0) {
      return failure(fail_errno(path, "creating the directory", errno));
    }
    ++stats.directories;
    Fd dir(::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir.valid()) {
      return failure(fail_errno(path, "opening the directory", errno));
    }
    if (::fchmod(dir.get(), k_directory_mode) != 0) {  // whatever the umask
      return failure(fail_errno(path, "setting the directory's mode", errno));
    }
    return dir;
  }

  /// Creates the regular file `name` in `parent` (never through an existing entry).
  Result<Fd, GitFailure> create_file(int parent, const std::string& name, const std::string& path,
                                     FileKind kind) const {
    const mode_t mode = mode_of(kind);
    Fd file(
        ::openat(parent, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!file.valid()) {
      return failure(fail_errno(path, "creating the file", errno));
    }
    if (::fchmod(file.get(), mode) != 0) {  // whatever the umask
      return failure(fail_errno(path, "setting the file's mode", errno));
    }
    return file;
  }

  /// Finishes a file written into `file`: checks close() and counts it.
  Result<void, GitFailure> finish_file(Fd& file, const std::string& path, FileKind kind,
                                       std::uintmax_t size, ExportStats& stats) const {
    if (!file.close()) {
      return failure(fail_errno(path, "writing the file", errno));
    }
    ++stats.files;
    stats.executables += kind == FileKind::executable ? 1 : 0;
    stats.bytes += size;
    return success();
  }

  Result<void, GitFailure> make_symlink(int parent, const std::string& name,
                                        const std::string& target, const std::string& path,
                                        ExportStats& stats) const {
    if (target.empty() || target.find('\0') != std::string::npos) {
      return failure(fail(path, "the symlink's target is empty or contains a NUL byte"));
    }
    if (::symlinkat(target.c_str(), parent, name.c_str()) != 0) {
      return failure(fail_errno(path, "creating the symlink", errno));
    }
    ++stats.symlinks;
    return success();
  }

 private:
  std::string doing_;
  std::filesystem::path dest_;
  Fd root_;
  bool created_ = false;
};

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

/// Copies `size` bytes from `in` to `out`, in the kernel when it can (copy_file_range).
bool copy_contents(int in, int out, std::uintmax_t& copied) {
  copied = 0;
  bool kernel_copy = true;
  while (kernel_copy) {
    const ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, std::size_t{1} << 30, 0);
    if (n > 0) {
      copied += static_cast<std::uintmax_t>(n);
      continue;
    }
    if (n == 0) {
      return true;
    }
    if (errno == EINTR) {
      continue;
    }
    if (copied == 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
                        errno == EOPNOTSUPP || errno == EPERM)) {
      kernel_copy = false;  // not supported between these files: copy through a buffer
    } else {
      return false;
    }
  }
  std::array<char, 128 * 1024> buffer;
  for (;;) {
    const ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    if (n == 0) {
      return true;
    }
    if (!write_all(out, buffer.data(), static_cast<std::size_t>(n))) {
      return false;
    }
    copied += static_cast<std::uintmax_t>(n);
  }
}

// ---- commit tree ---------------------------------------------------------------------------

class TreeWriter {
 public:
  TreeWriter(git_repository* repo, const Destination& dest, ExportStats& stats)
      : repo_(repo), dest_(dest), stats_(stats) {}

  Result<void, GitFailure> write_tree(const git_tree* tree, int dir, const std::string& prefix) {
    const std::size_t count = git_tree_entrycount(tree);
    for (std::size_t i = 0; i < count; ++i) {
      const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
      const std::string name = git_tree_entry_name(entry);
      const std::string path = join(prefix, name);
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
      case GIT_FILEMODE_TREE: {
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
      case GIT_FILEMODE_BLOB:
        return write_blob(entry, dir, name, path, FileKind::regular);
      case GIT_FILEMODE_BLOB_EXECUTABLE:
        return write_blob(entry, dir, name, path, FileKind::executable);
      case GIT_FILEMODE_LINK: {
        auto blob = lookup_blob(entry, path);
        if (!blob) {
          return failure(std::move(blob).error());
        }
        const std::string target(static_cast<const char*>(git_blob_rawcontent(blob.value().get())),
                                 static_cast<std::size_t>(git_blob_rawsize(blob.value().get())));
        return dest_.make_symlink(dir, name, target, path, stats_);
      }
      case GIT_FILEMODE_COMMIT:
        ++stats_.submodules_skipped;
        return success();
      default:
        return failure(dest_.fail(path, "unsupported git file mode " +
                                            std::to_string(git_tree_entry_filemode_raw(entry))));
    }
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
    auto file = dest_.create_file(dir, name, path, kind);
    if (!file) {
      return failure(std::move(file).error());
    }
    const auto size = static_cast<std::size_t>(git_blob_rawsize(blob.value().get()));
    const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.value().get()));
    if (!write_all(file.value().get(), data, size)) {
      return failure(dest_.fail_errno(path, "writing the file", errno));
    }
    return dest_.finish_file(file.value(), path, kind, size, stats_);
  }

  git_repository* repo_;
  const Destination& dest_;
  ExportStats& stats_;
};

// ---- working copy --------------------------------------------------------------------------

/// One directory level of the path being copied: the source directory in the working copy
/// (invalid when it is missing there) and the destination directory (created on first use).
struct Level {
  std::string name;
  Fd source;
  Fd target;
};

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

class WorktreeCopier {
 public:
  WorktreeCopier(const Destination& dest, Fd source_root, ModeSource mode_source,
                 ExportStats& stats)
      : dest_(dest),
        source_root_(std::move(source_root)),
        mode_source_(mode_source),
        stats_(stats) {}

  /// Copies one tracked path; calls must come in index order (sorted by path), so that the
  /// contents of a directory arrive together.
  Result<void, GitFailure> copy(const std::string& path, FileKind index_kind) {
    const std::vector<std::string_view> parts = split_path(path);
    for (const std::string_view part : parts) {
      if (!is_safe_component(part)) {
        return failure(dest_.refuse(path));
      }
    }
    const std::size_t depth = parts.size() - 1;
    std::size_t common = 0;
    while (common < levels_.size() && common < depth && levels_[common].name == parts[common]) {
      ++common;
    }
    levels_.resize(common);
    for (std::size_t k = common; k < depth; ++k) {
      Level level{std::string(parts[k]), Fd(), Fd()};
      const int parent = k == 0 ? source_root_.get() : levels_[k - 1].source.get();
      if (parent >= 0) {
        // O_NOFOLLOW: a directory replaced by a symlink is not followed (git sees the files
        // below it as deleted too).
        level.source = Fd(
            ::openat(parent, level.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!level.source.valid() && errno != ENOENT && errno != ENOTDIR && errno != ELOOP) {
          return failure(
              dest_.fail_errno(path, "opening its directory in the working copy", errno));
        }
      }
      levels_.push_back(std::move(level));
    }
    const int source_dir = depth == 0 ? source_root_.get() : levels_[depth - 1].source.get();
    const std::string name(parts.back());
    struct stat info {};
    if (source_dir < 0 || ::fstatat(source_dir, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
      if (source_dir >= 0 && errno != ENOENT && errno != ENOTDIR) {
        return failure(dest_.fail_errno(path, "reading it in the working copy", errno));
      }
      ++stats_.deleted_skipped;
      return success();
    }
    if (S_ISDIR(info.st_mode)) {
      ++stats_.deleted_skipped;  // the tracked file was replaced by a directory
      return success();
    }
    if (!S_ISREG(info.st_mode) && !S_ISLNK(info.st_mode)) {
      return failure(
          dest_.fail(path, "is neither a regular file nor a symlink in the working copy"));
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
    if (mode_source_ == ModeSource::working_copy) {
      kind = (info.st_mode & S_IXUSR) != 0 ? FileKind::executable : FileKind::regular;
    }
    return copy_file(source_dir, target_dir.value(), name, path, kind);
  }

 private:
  /// The destination directory for a path at `depth`, creating the missing levels.
  Result<int, GitFailure> target_directory(std::size_t depth, const std::string& path) {
    int parent = dest_.root();
    std::string prefix;
    for (std::size_t k = 0; k < depth; ++k) {
      Level& level = levels_[k];
      prefix = join(prefix, level.name);
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
      capacity *= 2;  // the link changed size under us: try again
    }
  }

  Result<void, GitFailure> copy_file(int source_dir, int target_dir, const std::string& name,
                                     const std::string& path, FileKind kind) {
    Fd in(::openat(source_dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in.valid()) {
      return failure(dest_.fail_errno(path, "opening it in the working copy", errno));
    }
    auto out = dest_.create_file(target_dir, name, path, kind);
    if (!out) {
      return failure(std::move(out).error());
    }
    std::uintmax_t copied = 0;
    if (!copy_contents(in.get(), out.value().get(), copied)) {
      return failure(dest_.fail_errno(path, "copying the file", errno));
    }
    return dest_.finish_file(out.value(), path, kind, copied, stats_);
  }

  const Destination& dest_;
  Fd source_root_;
  ModeSource mode_source_;
  ExportStats& stats_;
  std::vector<Level> levels_;
};

/// Opens dest, runs `body` (which writes into it), and removes what was written on failure.
template <class Body>
Result<ExportStats, GitFailure> run_export(Destination& dest, const Body& body) {
  if (auto opened = dest.open(); !opened) {
    return failure(std::move(opened).error());
  }
  ExportStats stats;
  if (auto done = body(dest, stats); !done) {
    dest.discard();
    return failure(std::move(done).error());
  }
  return stats;
}

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

  Destination destination(doing, dest);
  return run_export(destination, [&](const Destination& target, ExportStats& stats) {
    TreeWriter writer(repo, target, stats);
    return writer.write_tree(tree.get(), target.root(), "");
  });
}

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
  Fd source_root(::open(repository.workdir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!source_root.valid()) {
    return failure(GitFailure{doing + ": cannot open the working copy: " + errno_text(errno)});
  }

  Destination destination(doing, dest);
  return run_export(destination, [&](const Destination& target, ExportStats& stats) {
    WorktreeCopier copier(target, std::move(source_root), modes.value(), stats);
    const std::size_t count = git_index_entrycount(index.get());
    std::string previous;
    for (std::size_t i = 0; i < count; ++i) {
      const git_index_entry* entry = git_index_get_byindex(index.get(), i);
      const std::string path = entry->path;
      if (i > 0 && path == previous) {
        continue;  // another stage of a conflicted path: the working copy has one file
      }
      previous = path;
      if (entry->mode == GIT_FILEMODE_COMMIT) {
        ++stats.submodules_skipped;
        continue;
      }
      const FileKind kind =
          entry->mode == GIT_FILEMODE_BLOB_EXECUTABLE ? FileKind::executable : FileKind::regular;
      if (auto copied = copier.copy(path, kind); !copied) {
        return copied;
      }
    }
    return Result<void, GitFailure>(success());
  });
}

}  // namespace pw::git
