#include "git/export_destination.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>
#include <utility>

namespace pw::git {
namespace {

constexpr mode_t k_file_mode = 0644;
constexpr mode_t k_executable_mode = 0755;
constexpr mode_t k_directory_mode = 0755;

mode_t mode_of(FileKind kind) {
  return kind == FileKind::executable ? k_executable_mode : k_file_mode;
}

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

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

/// Copies the rest of `in` to `out`, in the kernel when it can (copy_file_range).
bool copy_contents(int in, int out, std::uintmax_t& copied) {
  copied = 0;
  for (;;) {
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
    const bool unsupported = errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
                             errno == EOPNOTSUPP || errno == EPERM;
    if (copied != 0 || !unsupported) {
      return false;
    }
    break;  // not supported between these files: copy through a buffer
  }
  std::array<char, 128 * 1024> buffer;
  for (;;) {
    const ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return n == 0;
    }
    if (!write_all(out, buffer.data(), static_cast<std::size_t>(n))) {
      return false;
    }
    copied += static_cast<std::uintmax_t>(n);
  }
}

}  // namespace

bool is_safe_component(std::string_view name) {
  if (name.empty() || name == "." || name == "..") {
    return false;
  }
  if (name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos) {
    return false;
  }
  // ".git" in any case: on a case-insensitive filesystem ".GIT" is git's directory too.
  constexpr std::string_view k_git_dir = ".git";
  if (name.size() != k_git_dir.size()) {
    return true;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c =
        (name[i] >= 'A' && name[i] <= 'Z') ? static_cast<char>(name[i] - 'A' + 'a') : name[i];
    if (c != k_git_dir[i]) {
      return true;
    }
  }
  return false;
}

std::string join_path(const std::string& prefix, std::string_view name) {
  return prefix.empty() ? std::string(name) : prefix + "/" + std::string(name);
}

ExportDestination::ExportDestination(std::string doing, std::filesystem::path dest)
    : doing_(std::move(doing)), dest_(std::move(dest)) {}

Result<void, GitFailure> ExportDestination::open() {
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
  root_ = UniqueFd(::open(dest_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_.valid()) {
    return failure(
        GitFailure{doing_ + ": cannot open " + dest_.string() + ": " + errno_text(errno)});
  }
  return success();
}

void ExportDestination::discard() {
  root_ = UniqueFd();
  std::error_code error;
  if (created_) {
    std::filesystem::remove_all(dest_, error);
    return;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dest_, error)) {
    std::filesystem::remove_all(entry.path(), error);
  }
}

GitFailure ExportDestination::fail(const std::string& path, const std::string& what) const {
  return GitFailure{doing_ + ": " + path + ": " + what};
}

GitFailure ExportDestination::fail_errno(const std::string& path, const std::string& action,
                                         int error) const {
  return fail(path, action + ": " + errno_text(error));
}

GitFailure ExportDestination::fail_libgit2(const std::string& path,
                                           const std::string& action) const {
  return last_git_failure(doing_ + ": " + path + ": " + action);
}

GitFailure ExportDestination::refuse(const std::string& path) const {
  return fail(path, "refusing a path that is not a plain relative path (it could escape " +
                        dest_.string() + ")");
}

Result<UniqueFd, GitFailure> ExportDestination::make_directory(int parent, const std::string& name,
                                                               const std::string& path,
                                                               ExportStats& stats) const {
  if (::mkdirat(parent, name.c_str(), k_directory_mode) != 0) {
    return failure(fail_errno(path, "creating the directory", errno));
  }
  ++stats.directories;
  UniqueFd dir(::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir.valid()) {
    return failure(fail_errno(path, "opening the directory", errno));
  }
  if (::fchmod(dir.get(), k_directory_mode) != 0) {  // whatever the umask
    return failure(fail_errno(path, "setting the directory's mode", errno));
  }
  return dir;
}

Result<UniqueFd, GitFailure> ExportDestination::create_file(int parent, const std::string& name,
                                                            const std::string& path,
                                                            FileKind kind) const {
  const mode_t mode = mode_of(kind);
  // O_EXCL | O_NOFOLLOW: never write through an existing entry, least of all a symlink.
  UniqueFd file(
      ::openat(parent, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  if (!file.valid()) {
    return failure(fail_errno(path, "creating the file", errno));
  }
  if (::fchmod(file.get(), mode) != 0) {  // whatever the umask: the same image everywhere
    return failure(fail_errno(path, "setting the file's mode", errno));
  }
  return file;
}

Result<void, GitFailure> ExportDestination::finish_file(UniqueFd& file, const std::string& path,
                                                        FileKind kind, std::uintmax_t size,
                                                        ExportStats& stats) const {
  if (!file.close()) {
    return failure(fail_errno(path, "writing the file", errno));
  }
  ++stats.files;
  stats.executables += kind == FileKind::executable ? 1 : 0;
  stats.bytes += size;
  return success();
}

Result<void, GitFailure> ExportDestination::write_file(int parent, const std::string& name,
                                                       const std::string& path, FileKind kind,
                                                       const char* data, std::size_t size,
                                                       ExportStats& stats) const {
  auto file = create_file(parent, name, path, kind);
  if (!file) {
    return failure(std::move(file).error());
  }
  if (!write_all(file.value().get(), data, size)) {
    return failure(fail_errno(path, "writing the file", errno));
  }
  return finish_file(file.value(), path, kind, size, stats);
}

Result<void, GitFailure> ExportDestination::copy_file(int parent, const std::string& name,
                                                      const std::string& path, FileKind kind,
                                                      int source, ExportStats& stats) const {
  auto file = create_file(parent, name, path, kind);
  if (!file) {
    return failure(std::move(file).error());
  }
  std::uintmax_t copied = 0;
  if (!copy_contents(source, file.value().get(), copied)) {
    return failure(fail_errno(path, "copying the file", errno));
  }
  return finish_file(file.value(), path, kind, copied, stats);
}

Result<void, GitFailure> ExportDestination::make_symlink(int parent, const std::string& name,
                                                         const std::string& target,
                                                         const std::string& path,
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

}  // namespace pw::git
