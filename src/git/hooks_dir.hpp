#pragma once

#include <filesystem>

#include "core/result.hpp"
#include "git/failure.hpp"
#include "git/repository.hpp"

namespace pw::git {

/// Where git looks for the repository's hooks, as git does: core.hooksPath when set (a
/// relative value is relative to the top of the working copy, `~/` is the home directory),
/// otherwise `hooks/` in the common git directory (shared by every linked worktree).
Result<std::filesystem::path, GitFailure> hooks_dir(const Repository& repository);

}  // namespace pw::git
