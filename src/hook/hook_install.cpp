#include "hook/hook_install.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "hook/hook_script.hpp"

namespace pw::hook {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec)))
    return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_executable(const fs::path& path, const std::string& text) {
  const fs::path partial = path.string() + ".pipewright-" + std::to_string(::getpid());
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush())
      throw Error(ExitCode::git_error, "cannot write " + partial.string());
  }
  std::error_code ec;
  fs::permissions(partial,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                      fs::perms::others_read | fs::perms::others_exec,
                  ec);
  fs::rename(partial, path, ec);
  if (ec) {
    fs::remove(partial, ec);
    throw Error(ExitCode::git_error, "cannot write " + path.string() + ": " + ec.message());
  }
}

}  // namespace

fs::path backup_path(const fs::path& hook) {
  return hook.string() + ".pipewright-backup";
}

InstallResult install_hook(const fs::path& hooks_dir, const std::string& script,
                           Overwrite overwrite) {
  InstallResult result;
  result.hook = hooks_dir / "pre-push";
  std::error_code ec;
  fs::create_directories(hooks_dir, ec);
  const auto existing = read_file(result.hook);
  if (existing && *existing == script && ::access(result.hook.c_str(), X_OK) == 0) {
    result.action = Installed::unchanged;
    return result;
  }
  if (existing && !is_pipewright_hook(*existing)) {
    if (overwrite == Overwrite::refuse) {
      throw UsageError(result.hook.string() +
                       " exists and is not pipewright's hook; left as is\n  hint: pass --force "
                       "to replace it (it is kept as " +
                       backup_path(result.hook).filename().string() +
                       " and restored by `pipewright hook uninstall`)");
    }
    const fs::path backup = backup_path(result.hook);
    if (fs::exists(fs::symlink_status(backup, ec))) {
      throw UsageError("cannot keep the existing hook: " + backup.string() +
                       " already exists; move one of them away first");
    }
    fs::rename(result.hook, backup, ec);
    if (ec)
      throw Error(ExitCode::git_error, "cannot move " + result.hook.string() + " to " +
                                           backup.string() + ": " + ec.message());
    result.backup = backup;
    result.action = Installed::replaced_foreign;
  } else if (existing) {
    result.action = Installed::updated;
  }
  write_executable(result.hook, script);
  return result;
}

UninstallResult uninstall_hook(const fs::path& hooks_dir) {
  UninstallResult result;
  result.hook = hooks_dir / "pre-push";
  const auto existing = read_file(result.hook);
  if (!existing)
    return result;
  if (!is_pipewright_hook(*existing)) {
    throw UsageError(result.hook.string() + " is not pipewright's hook; left as is");
  }
  std::error_code ec;
  fs::remove(result.hook, ec);
  if (ec)
    throw Error(ExitCode::git_error, "cannot remove " + result.hook.string() + ": " + ec.message());
  result.action = Uninstalled::removed;
  const fs::path backup = backup_path(result.hook);
  if (fs::exists(fs::symlink_status(backup, ec))) {
    fs::rename(backup, result.hook, ec);
    if (ec)
      throw Error(ExitCode::git_error, "cannot restore " + backup.string() + ": " + ec.message());
    result.action = Uninstalled::restored_backup;
  }
  return result;
}

}  // namespace pw::hook
