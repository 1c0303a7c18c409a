#pragma once

#include <filesystem>
#include <optional>
#include <string>

// Installing and removing pipewright's pre-push hook in a hooks directory. Never loses a hook
// that is not ours: install refuses to replace one unless forced, and then keeps it as
// `pre-push.pipewright-backup`, which uninstall puts back.

namespace pw::hook {

/// Whether install may replace a pre-push hook that pipewright did not write.
enum class Overwrite { refuse, force };

/// What install did.
enum class Installed { written, updated, unchanged, replaced_foreign };

/// The result of install.
struct InstallResult {
  std::filesystem::path hook;
  Installed action = Installed::written;
  std::optional<std::filesystem::path> backup;  ///< where a foreign hook was moved
};

/// What uninstall did.
enum class Uninstalled { removed, restored_backup, absent };

/// The result of uninstall.
struct UninstallResult {
  std::filesystem::path hook;
  Uninstalled action = Uninstalled::absent;
};

/// The backup of a foreign hook that install replaced, beside it.
std::filesystem::path backup_path(const std::filesystem::path& hook);

/// Writes script as hooks_dir/pre-push (mode 0755, atomically); idempotent. A foreign hook is
/// refused (UsageError) unless overwrite is force, when it is moved to its backup first (an
/// existing backup is never overwritten: also a UsageError).
InstallResult install_hook(const std::filesystem::path& hooks_dir, const std::string& script,
                           Overwrite overwrite);

/// Removes hooks_dir/pre-push when it is ours and puts back a backup if there is one; a
/// foreign hook is left alone (UsageError).
UninstallResult uninstall_hook(const std::filesystem::path& hooks_dir);

}  // namespace pw::hook
